// JSON report: the contract scripts and monitoring rely on. The JSON Schema
// reports/schema/report.schema.json (`preflight schema report`) states every
// field and type; this comment only says why some are as they are.
//
// "format" is "preflight-report/1"; a change that breaks a consumer gets a new
// number. "args" (the probe's parameters) and "message.args" (the diagnosis'
// named values) are typed: text that is a plain decimal number is a JSON
// number, so scripts compare ports and counts without parsing. Measurements
// carry a snake_case "name" that ends in its unit ("connect_ms") and the
// original "label". "days_left" of a certificate is whole days, floored, and
// negative once expired. A check the run did not finish ("finished": false,
// reason "interrupted") is counted in summary.unfinished, as the console's
// INTERRUPTED banner says. "changes" is null unless --baseline or --history
// compared this run with a previous one.
#include "reports/json.hpp"
#include "hardware/facts_json.hpp"
#include "reports/report_util.hpp"
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

namespace pf {

namespace {

// Insertion order keeps the output in the documented order above.
using json = nlohmann::ordered_json;

json text_or_null(const std::string& s) {
    return s.empty() ? json(nullptr) : json(s);
}

template <class T> json number_or_null(const std::optional<T>& v) {
    return v ? json(*v) : json(nullptr);
}

// Every host fact, as `preflight facts --json` writes them (one table in
// hardware/facts_json.cpp), without that file's own format tag.
json host_json(const HostFacts& f) {
    json h = json::parse(facts_to_json(f));
    h.erase("format");
    return h;
}

// A plain decimal ("443", "-3", "2.5"): no sign '+', no leading zero, no
// exponent, at most 15 digits so that the double holds it exactly. Anything
// else ("0443", "1e3", "12 ms") stays text.
bool plain_number(const std::string& s) {
    std::size_t i = s[0] == '-' ? 1 : 0, digits = 0;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    if (s[i] == '0' && i + 1 < s.size() && s[i + 1] != '.') return false;
    bool point = false;
    for (; i < s.size(); ++i) {
        if (s[i] == '.' && !point && i + 1 < s.size()) {
            point = true;
            continue;
        }
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
        ++digits;
    }
    return !s.empty() && digits <= 15;
}

json typed(const std::string& v) {
    if (v.empty() || !plain_number(v)) return json(v);
    if (v.find('.') == std::string::npos) return json(std::stoll(v));
    return json(std::stod(v));
}

template <class Pairs> json typed_object(const Pairs& pairs) {
    json o = json::object();
    for (const auto& [k, v] : pairs)
        o[k] = typed(v);
    return o;
}

// Lower case, every run of other characters one '_': "CONNECT" -> "connect",
// "connect 127.0.0.1" -> "connect_127_0_0_1".
std::string snake_case(const std::string& text) {
    std::string out;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c))
            out += static_cast<char>(std::tolower(c));
        else if (!out.empty() && out.back() != '_')
            out += '_';
    }
    while (!out.empty() && out.back() == '_')
        out.pop_back();
    return out;
}

// "first byte" in ms -> "first_byte_ms"; "ports sampled" (a count) -> "ports_sampled".
std::string measurement_name(const Measurement& m) {
    std::string name = snake_case(m.name), unit = snake_case(m.unit);
    if (name.empty()) name = "value";
    return unit.empty() ? name : name + "_" + unit;
}

json changes_json(const std::optional<RunChanges>& c) {
    if (!c) return nullptr;
    json items = json::array();
    for (const auto& ch : c->changes)
        items.push_back({{"check", ch.check},
                         {"kind", std::string(to_string(ch.kind))},
                         {"before", text_or_null(ch.before)},
                         {"after", text_or_null(ch.after)}});
    return json{{"baseline", c->baseline},
                {"baseline_started", text_or_null(c->baseline_started)},
                {"new_failures", c->new_failures()},
                {"items", items}};
}

json check_json(const CheckResult& r) {
    const Check& c = check_of(r);
    json measurements = json::array();
    for (const auto& m : r.result.measurements)
        measurements.push_back({{"name", measurement_name(m)},
                                {"label", m.name},
                                {"value", m.value},
                                {"unit", m.unit}});
    json blocks = json::array();
    for (const auto& b : r.result.blocks)
        blocks.push_back({{"title", b.title}, {"lines", b.lines}});
    json certificates = json::array();
    for (const auto& c : r.result.certificates)
        certificates.push_back({{"source", c.source},
                                {"role", c.role},
                                {"subject", c.subject},
                                {"issuer", c.issuer},
                                {"names", c.names},
                                {"not_after", c.not_after},
                                {"days_left", static_cast<long long>(std::floor(c.days_left))},
                                {"key", c.key},
                                {"signature", c.signature},
                                {"ekus", c.ekus},
                                {"sha1_thumbprint", c.sha1_thumbprint},
                                {"sha256", c.sha256}});
    return json{{"id", c.id},
                {"title", c.title},
                {"section", c.section_id},
                {"severity", to_string(c.severity)},
                {"service", text_or_null(c.service)},
                {"probe", c.probe.kind},
                {"status", to_string(r.status)},
                {"probe_status", to_string(r.result.status)},
                {"reason", reason_code(r.result.reason)},
                {"finished", r.result.reason != Reason::interrupted},
                {"summary", r.result.summary},
                {"message", r.result.message.empty()
                                ? json(nullptr)
                                : json{{"key", r.result.message.key},
                                       {"args", typed_object(r.result.message.args)}}},
                {"alert", text_or_null(r.result.alert)},
                {"evidence", r.result.evidence},
                {"blocks", blocks},
                {"certificates", certificates},
                {"measurements", measurements},
                {"args", typed_object(r.args)},
                {"requirement", c.requirement},
                {"fix", c.fix},
                {"elapsed_ms", r.elapsed.count()}};
}

// The text of j as the whole report's dump(2) would show it at `indent`
// spaces: every line after the first is shifted. JSON text holds no raw
// newline inside a string, so each '\n' starts a line of the layout.
void write_indented(std::ostream& out, const json& j, std::size_t indent) {
    // Probe text may hold bytes from the network that are not UTF-8; replace
    // them rather than throw and lose the whole report.
    const std::string text = j.dump(2, ' ', false, json::error_handler_t::replace);
    const std::string pad(indent, ' ');
    std::size_t from = 0;
    for (auto nl = text.find('\n'); nl != std::string::npos;
         from = nl + 1, nl = text.find('\n', from))
        out << std::string_view(text).substr(from, nl + 1 - from) << pad;
    out << std::string_view(text).substr(from);
}

// The sections, one check at a time: a run of thousands of checks never
// holds its whole report as one document (issue 16's memory target), and
// the bytes are those of the document's dump(2).
void write_sections(std::ostream& out, const RunReport& report) {
    const auto sections = sections_of(report);
    if (sections.empty()) {
        out << "[]";
        return;
    }
    out << "[\n";
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const SectionView& s = sections[i];
        out << "    {\n      \"id\": ";
        write_indented(out, json(s.id), 6);
        out << ",\n      \"title\": ";
        write_indented(out, json(s.title), 6);
        out << ",\n      \"checks\": ";
        if (s.results.empty()) {
            out << "[]";
        } else {
            out << "[\n";
            for (std::size_t k = 0; k < s.results.size(); ++k) {
                out << "        ";
                write_indented(out, check_json(*s.results[k]), 8);
                out << (k + 1 < s.results.size() ? ",\n" : "\n");
            }
            out << "      ]";
        }
        out << "\n    }" << (i + 1 < sections.size() ? ",\n" : "\n");
    }
    out << "  ]";
}

} // namespace

void write_json(const RunReport& report, std::ostream& out) {
    const Checklist& cl = checklist_of(report);
    const Counts& n = report.counts;

    json settings = json::object();
    for (const auto& [k, v] : report.settings)
        settings[k] = v;

    // Everything but the sections, which come last and are streamed.
    json j{{"format", "preflight-report/1"},
           {"tool",
            {{"name", "preflight"},
             {"version", report.tool_version},
             {"commit", report.tool_commit},
             {"target", report.tool_target}}},
           {"checklist",
            {{"id", cl.id},
             {"title", cl.title},
             {"description", cl.description},
             {"source_document", cl.source_document},
             {"source_section", cl.source_section},
             {"origin", cl.origin}}},
           {"started", utc_timestamp(report.started)},
           {"finished", utc_timestamp(report.finished)},
           {"duration_ms", run_duration(report).count()},
           {"interrupted", report.interrupted},
           {"exit_code", exit_code(report)},
           {"run",
            {{"command_line", report.command_line},
             {"site_file", text_or_null(report.site_file)},
             {"users", number_or_null(report.users)},
             {"servers", number_or_null(report.servers)},
             {"fail_on", report.fail_on_new ? "new" : "any"},
             {"lang", language_code(report.lang)}}},
           {"host", host_json(report.facts)},
           {"services", report.services},
           {"settings", settings},
           {"summary",
            {{"pass", n.pass},
             {"warn", n.warn},
             {"fail", n.fail},
             {"error", n.error},
             {"skip", n.skip},
             {"total", n.total()},
             {"unfinished", unfinished_checks(report)}}},
           {"changes", changes_json(report.changes)}};

    std::string head = j.dump(2, ' ', false, json::error_handler_t::replace);
    head.resize(head.size() - 2); // the closing "\n}"
    out << head << ",\n  \"sections\": ";
    write_sections(out, report);
    out << "\n}\n";
}

} // namespace pf
