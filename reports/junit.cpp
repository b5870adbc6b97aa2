#include "reports/junit.hpp"
#include "core/localized.hpp"
#include "reports/report_util.hpp"
#include <pugixml.hpp>
#include <string>

namespace pf {

namespace {

void attr(pugi::xml_node n, const char* name, std::string_view value) {
    n.append_attribute(name).set_value(clean_text(value).c_str());
}

void attr(pugi::xml_node n, const char* name, std::size_t value) {
    attr(n, name, std::to_string(value));
}

void property(pugi::xml_node props, const std::string& name, std::string_view value) {
    auto p = props.append_child("property");
    attr(p, "name", name);
    attr(p, "value", value);
}

std::vector<std::pair<std::string, std::string>> run_properties(const RunReport& r) {
    const Checklist& cl = checklist_of(r);
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
    std::string services;
    for (const auto& s : r.services)
        services += (services.empty() ? "" : ",") + s;
    p.emplace_back("services", services);
    for (auto [k, v] : describe(r.facts)) {
        // describe() words names for people ("cpu model"); property names are keys.
        for (char& c : k)
            if (c == ' ') c = '_';
        p.emplace_back("host." + k, v);
    }
    for (const auto& [k, v] : r.settings)
        p.emplace_back("param." + k, v);
    return p;
}

// The full diagnosis as plain text: what CI shows when the testcase is opened.
std::string details(const CheckResult& r) {
    const Check& c = check_of(r);
    const ProbeResult& p = r.result;
    std::string t = (p.alert.empty() ? "" : "ALERT: " + p.alert + "\n") + p.summary + "\n";
    if (!p.evidence.empty()) {
        t += "Evidence:\n";
        for (const auto& e : p.evidence)
            t += "  " + e + "\n";
    }
    for (const auto& b : p.blocks) {
        t += b.title + ":\n";
        for (const auto& line : b.lines)
            t += "  " + line + "\n";
    }
    if (!p.measurements.empty()) {
        t += "Measurements:";
        for (const auto& m : p.measurements)
            t += " " + m.name + "=" + format_number(m.value) + (m.unit.empty() ? "" : " " + m.unit);
        t += "\n";
    }
    if (p.status != r.status)
        t += "Probe verdict " + std::string(to_string(p.status)) + ", reported as " +
             std::string(to_string(r.status)) + " (severity " + std::string(to_string(c.severity)) +
             ")\n";
    if (!c.requirement.empty()) t += "Requirement: " + c.requirement + "\n";
    if (!c.fix.empty()) t += "Fix: " + c.fix + "\n";
    return t;
}

void testcase(pugi::xml_node suite, const std::string& classname, const CheckResult& r) {
    const Check& c = check_of(r);
    auto tc = suite.append_child("testcase");
    attr(tc, "name", c.id + ": " + english_title(c));
    attr(tc, "classname", classname);
    attr(tc, "time", format_seconds(r.elapsed));
    // The type a CI server groups failures by: the probe kind and why it
    // failed ("tcp.refused"), stable across wording changes.
    const std::string type = (c.probe.kind.empty() ? "preflight" : c.probe.kind) + "." +
                             std::string(reason_code(r.result.reason));
    auto body = [&](pugi::xml_node n, const std::string& text) {
        n.append_child(pugi::node_pcdata).set_value(clean_text(text).c_str());
    };
    switch (r.status) {
    case Status::fail:
    case Status::error: {
        auto n = tc.append_child(r.status == Status::fail ? "failure" : "error");
        attr(n, "message", r.result.summary);
        attr(n, "type", type);
        body(n, details(r));
        break;
    }
    case Status::skip: {
        auto n = tc.append_child("skipped");
        attr(n, "message", r.result.summary.empty() ? "skipped" : r.result.summary);
        break;
    }
    case Status::warn:
        body(tc.append_child("system-out"), "WARNING: " + details(r));
        break;
    case Status::pass:
        body(tc.append_child("system-out"), details(r));
        break;
    }
}

} // namespace

void write_junit(const RunReport& report, std::ostream& out) {
    const Checklist& cl = checklist_of(report);
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";

    auto root = doc.append_child("testsuites");
    attr(root, "name", "preflight " + cl.id);
    attr(root, "tests", report.counts.total());
    attr(root, "failures", report.counts.fail);
    attr(root, "errors", report.counts.error);
    attr(root, "time", format_seconds(run_duration(report)));

    const auto props = run_properties(report);
    const std::string timestamp = utc_timestamp(report.started);
    std::size_t index = 0;
    for (const SectionView& s : sections_of(report)) {
        const std::string name = cl.id + "." + s.id;
        auto suite = root.append_child("testsuite");
        attr(suite, "name", name);
        attr(suite, "tests", s.counts.total());
        attr(suite, "failures", s.counts.fail);
        attr(suite, "errors", s.counts.error);
        attr(suite, "skipped", s.counts.skip);
        attr(suite, "time", format_seconds(s.elapsed));
        attr(suite, "timestamp", timestamp);
        if (!report.facts.hostname.empty()) attr(suite, "hostname", report.facts.hostname);
        attr(suite, "id", index++);

        // The schema has no run-level properties, so every suite carries them.
        auto p = suite.append_child("properties");
        for (const auto& [k, v] : props)
            property(p, k, v);
        for (const CheckResult* r : s.results)
            testcase(suite, name, *r);
    }

    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
}

} // namespace pf
