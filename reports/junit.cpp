#include "reports/junit.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include "reports/report_util.hpp"
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pf {

namespace {

void attr(pugi::xml_node n, const char* name, std::string_view value) {
    n.append_attribute(name).set_value(clean_text(value).c_str());
}

void attr(pugi::xml_node n, const char* name, std::size_t value) {
    attr(n, name, std::to_string(value));
}

void text(pugi::xml_node n, const std::string& body) {
    if (!body.empty()) n.append_child(pugi::node_pcdata).set_value(clean_text(body).c_str());
}

// What a CI server counts: a warning is a skip, or with --junit-warn fail a
// failure, so that it never shows as a green pass.
struct Tally {
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
};

Tally tally(const Counts& c, bool warn_fail) {
    return {c.total(), c.fail + (warn_fail ? c.warn : 0), c.error,
            c.skip + (warn_fail ? 0 : c.warn)};
}

std::vector<std::pair<std::string, std::string>> run_properties(const RunReport& r) {
    const Checklist& cl = checklist_of(r);
    const Counts& c = r.counts;
    std::vector<std::pair<std::string, std::string>> p;
    p.emplace_back("preflight.version", r.tool_version);
    p.emplace_back("checklist.id", cl.id);
    p.emplace_back("checklist.title", cl.title);
    p.emplace_back("checklist.source_document", cl.source_document);
    p.emplace_back("checklist.source_section", cl.source_section);
    p.emplace_back("checklist.origin", cl.origin);
    p.emplace_back("run.started", utc_timestamp(r.started));
    p.emplace_back("run.finished", utc_timestamp(r.finished));
    p.emplace_back("run.interrupted", r.interrupted ? "true" : "false");
    p.emplace_back("run.exit_code", std::to_string(exit_code(r)));
    // The Jenkins schema allows no skipped count on <testsuites>: the run's
    // own counts are here, by verdict.
    p.emplace_back("run.passed", std::to_string(c.pass));
    p.emplace_back("run.warnings", std::to_string(c.warn));
    p.emplace_back("run.failed", std::to_string(c.fail));
    p.emplace_back("run.errors", std::to_string(c.error));
    p.emplace_back("run.skipped", std::to_string(c.skip));
    p.emplace_back("junit.warnings_as", r.junit_warn_fail ? "failure" : "skipped");
    std::string services;
    for (const auto& s : r.services)
        services += (services.empty() ? "" : ",") + s;
    p.emplace_back("services", services);
    for (auto [k, v] : describe(r.facts)) {
        // describe() words names for people ("cpu model"); property names are keys.
        for (char& ch : k)
            if (ch == ' ') ch = '_';
        p.emplace_back("host." + k, v);
    }
    for (const auto& [k, v] : r.settings)
        p.emplace_back("param." + k, v);
    return p;
}

// The evidence behind a verdict, for the body of <failure>, <error> or
// <skipped>: the summary is already their message attribute, so it is not
// repeated here.
std::string evidence(const CheckResult& r) {
    const Check& c = check_of(r);
    const ProbeResult& p = r.result;
    std::string t;
    if (!p.alert.empty()) t += render(msg("junit.alert", {{"alert", p.alert}})) + "\n";
    if (!p.evidence.empty()) {
        t += render(msg("junit.evidence")) + "\n";
        for (const auto& e : p.evidence)
            t += "  " + e + "\n";
    }
    for (const auto& b : p.blocks) {
        t += b.title + ":\n";
        for (const auto& line : b.lines)
            t += "  " + line + "\n";
    }
    if (!p.measurements.empty()) {
        std::string list;
        for (const auto& m : p.measurements)
            list += (list.empty() ? "" : " ") + measurement_label(m.name) + "=" +
                    format_number(m.value) + (m.unit.empty() ? "" : " " + unit_word(m.unit));
        t += render(msg("junit.measurements", {{"list", list}})) + "\n";
    }
    if (p.status != r.status)
        t += render(msg("junit.reported_as", {{"probe", status_word(p.status)},
                                              {"status", status_word(r.status)},
                                              {"severity", severity_word(c.severity)}})) +
             "\n";
    if (!c.requirement.empty())
        t += render(msg("junit.requirement", {{"text", c.requirement}})) + "\n";
    if (!c.fix.empty()) t += render(msg("junit.fix", {{"text", c.fix}})) + "\n";
    return t;
}

void testcase(pugi::xml_node suite, const std::string& classname, const CheckResult& r,
              bool warn_fail) {
    const Check& c = check_of(r);
    auto tc = suite.append_child("testcase");
    // The id, not the title: CI keeps a case's history by its name, and
    // titles get reworded.
    attr(tc, "name", c.id);
    attr(tc, "classname", classname);
    attr(tc, "time", format_seconds(r.elapsed));
    // The type a CI server groups failures by: the probe kind and why it
    // failed ("tcp.refused"), stable across wording changes.
    const std::string type = (c.probe.kind.empty() ? "preflight" : c.probe.kind) + "." +
                             std::string(reason_code(r.result.reason));
    const std::string& summary = r.result.summary;
    auto verdict = [&](const char* element, const std::string& message) {
        auto n = tc.append_child(element);
        attr(n, "message", message);
        attr(n, "type", type);
        text(n, evidence(r));
    };
    switch (r.status) {
    case Status::fail:
        verdict("failure", summary);
        break;
    case Status::error:
        verdict("error", summary);
        break;
    case Status::warn:
        verdict(warn_fail ? "failure" : "skipped",
                render(msg("junit.warning", {{"summary", summary}})));
        break;
    case Status::skip: {
        auto n = tc.append_child("skipped");
        attr(n, "message", summary.empty() ? render(msg("junit.skipped")) : summary);
        attr(n, "type", type);
        break;
    }
    case Status::pass:
        break;
    }
    // The title, and for a pass (which has no message) what was found.
    std::string out = render(msg("junit.title", {{"title", c.title}})) + "\n";
    if (r.status == Status::pass) {
        if (!summary.empty()) out += summary + "\n";
        out += evidence(r);
    }
    text(tc.append_child("system-out"), out);
}

} // namespace

// U+FFFD stands for bytes that were not text (clean_text). Written as a
// character reference, not as its UTF-8 bytes: xunit-viewer guesses a
// file's encoding from its bytes, takes one holding U+FFFD for not UTF-8 and
// then fails to read it at all. Done as pugixml writes its chunks, so that
// the report of a large run is never held whole (twice) as text.
class ReplacementWriter : public pugi::xml_writer {
  public:
    explicit ReplacementWriter(std::ostream& out) : out_(out) {}
    void write(const void* data, size_t size) override {
        static constexpr std::string_view replacement = "\xEF\xBF\xBD";
        pending_.append(static_cast<const char*>(data), size);
        const std::string_view text = pending_;
        std::size_t from = 0;
        for (auto at = text.find(replacement); at != std::string::npos;
             from = at + replacement.size(), at = text.find(replacement, from))
            out_ << text.substr(from, at - from) << "&#xFFFD;";
        // The last bytes may begin a replacement that the next chunk ends.
        std::size_t keep = std::min(replacement.size() - 1, text.size() - from);
        out_ << text.substr(from, text.size() - from - keep);
        pending_.erase(0, text.size() - keep);
    }
    void finish() {
        out_ << pending_;
        pending_.clear();
    }

  private:
    std::ostream& out_;
    std::string pending_;
};

struct StringWriter : pugi::xml_writer {
    std::string text;
    void write(const void* data, size_t size) override {
        text.append(static_cast<const char*>(data), size);
    }
};

std::string junit_prefix(const RunReport& report) {
    if (!report.junit_prefix.empty()) return report.junit_prefix;
    return report.facts.hostname;
}

void write_junit(const RunReport& report, std::ostream& out) {
    const Checklist& cl = checklist_of(report);
    const bool warn_fail = report.junit_warn_fail;
    const std::string prefix = junit_prefix(report);
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";

    auto root = doc.append_child("testsuites");
    const Tally all = tally(report.counts, warn_fail);
    attr(root, "name", "preflight " + cl.id + (prefix.empty() ? "" : " " + prefix));
    attr(root, "tests", all.tests);
    attr(root, "failures", all.failures);
    attr(root, "errors", all.errors);
    attr(root, "time", format_seconds(run_duration(report)));

    const std::string timestamp = utc_timestamp(report.started);
    std::size_t index = 0;
    // Where each suite's test cases go: an element no text can make, as
    // every text is escaped.
    static constexpr const char* testcases_mark = "preflight-testcases";
    std::vector<std::pair<std::string, const std::vector<const CheckResult*>*>> suites;
    const auto sections = sections_of(report);
    for (const SectionView& s : sections) {
        // Suite and classname alike: jrm merges suites of the same name, so
        // the host keeps two servers' sections apart.
        const std::string name = (prefix.empty() ? "" : prefix + ".") + cl.id + "." + s.id;
        const Tally t = tally(s.counts, warn_fail);
        auto suite = root.append_child("testsuite");
        attr(suite, "name", name);
        attr(suite, "tests", t.tests);
        attr(suite, "failures", t.failures);
        attr(suite, "errors", t.errors);
        attr(suite, "skipped", t.skipped);
        attr(suite, "time", format_seconds(s.elapsed));
        attr(suite, "timestamp", timestamp);
        if (!report.facts.hostname.empty()) attr(suite, "hostname", report.facts.hostname);
        attr(suite, "id", index);

        // Once per report: <testsuites> may hold no properties, so the first
        // suite carries the run's.
        if (index++ == 0) {
            auto props = suite.append_child("properties");
            for (const auto& [k, v] : run_properties(report)) {
                auto p = props.append_child("property");
                attr(p, "name", k);
                attr(p, "value", v);
            }
        }
        if (!s.results.empty()) {
            suite.append_child(testcases_mark);
            suites.push_back({name, &s.results});
        }
    }

    // The document without its test cases is small; each case is made and
    // written in its place on its own, so that a run of thousands of checks
    // never holds the whole report as a document (issue 16's memory target).
    // The bytes are those of the whole document saved at once.
    StringWriter skeleton;
    doc.save(skeleton, "  ", pugi::format_default, pugi::encoding_utf8);
    const std::string_view text = skeleton.text;
    ReplacementWriter writer(out);
    std::size_t from = 0;
    for (const auto& [name, results] : suites) {
        auto at = text.find(std::string("<") + testcases_mark + " />", from);
        auto line = text.rfind('\n', at) + 1;
        writer.write(text.data() + from, line - from);
        for (const CheckResult* r : *results) {
            pugi::xml_document one;
            auto holder = one.append_child("testsuite");
            testcase(holder, name, *r, warn_fail);
            holder.first_child().print(writer, "  ", pugi::format_default, pugi::encoding_utf8, 2);
        }
        from = text.find('\n', at) + 1;
    }
    writer.write(text.data() + from, text.size() - from);
    writer.finish();
}

} // namespace pf
