// JSON report. Field names are snake_case and stable; scripts rely on them.
//
// {
//   "tool":      {"name": "preflight", "version": string},
//   "checklist": {"id", "title", "description", "source_document", "source_section",
//                 "origin"}: strings,
//   "started", "finished": UTC ISO 8601 strings ("2026-11-22T10:00:00Z"),
//   "duration_ms": integer, "interrupted": bool,
//   "exit_code": integer, Nagios style (0 pass, 1 warnings, 2 failures, 3 could not run),
//   "host": {"hostname", "os_family", "os_name", "os_version", "kernel", "arch",
//            "cpu_model", "disk_path": string or null,
//            "logical_cores", "cpu_max_mhz", "ram_bytes", "disk_free_bytes": number or null},
//            null means the fact could not be read,
//   "services": [service id, ...], the integration services enabled for this run,
//   "settings": {parameter name: value as text}, the parameters in effect,
//   "summary":  {"pass", "warn", "fail", "error", "skip", "total"}: integers,
//   "sections": [{"id", "title", "checks": [check, ...]}] in checklist order
// }
// check: {"id", "title", "section" (section id), "severity" (required |
//   recommended | optional), "service" (string or null when the check always
//   runs), "probe" (probe kind), "status" (pass | warn | fail | error | skip,
//   after severity), "probe_status" (the probe's own verdict), "reason" (why, a
//   stable code of `preflight list --reasons`), "summary",
//   "alert" (string or null: a finding shown prominently, e.g. TLS interception),
//   "evidence": [string], "blocks": [{"title", "lines": [string]}] (long
//   evidence such as a certificate chain), "certificates": [{"source", "role" (leaf |
//   intermediate | root), "subject", "issuer", "names", "not_after", "days_left": number,
//   "key", "signature", "ekus", "sha1_thumbprint" (uppercase hex without spaces, as ARM's
//   certId wants it), "sha256"}] (the certificates the check looked at),
//   "measurements": [{"name", "value": number, "unit"}],
//   "args": {name: value} as the probe used them, "requirement" (the source
//   document's words), "fix", "elapsed_ms": integer}
// Checks keep checklist order here; only the HTML sorts failures first.
#include "reports/json.hpp"
#include "reports/report_util.hpp"
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

// Zero cores or zero RAM is how the host reader says "could not tell".
template <class T> json nonzero_or_null(T v) {
    return v ? json(v) : json(nullptr);
}

json host_json(const HostFacts& f) {
    return json{{"hostname", text_or_null(f.hostname)},
                {"os_family", text_or_null(f.os_family)},
                {"os_name", text_or_null(f.os_name)},
                {"os_version", text_or_null(f.os_version)},
                {"kernel", text_or_null(f.kernel)},
                {"arch", text_or_null(f.arch)},
                {"cpu_model", text_or_null(f.cpu_model)},
                {"logical_cores", nonzero_or_null(f.logical_cores)},
                {"cpu_max_mhz", number_or_null(f.cpu_max_mhz)},
                {"ram_bytes", nonzero_or_null(f.ram_bytes)},
                {"disk_path", text_or_null(f.disk_path)},
                {"disk_free_bytes", number_or_null(f.disk_free_bytes)}};
}

json check_json(const CheckResult& r) {
    const Check& c = check_of(r);
    json measurements = json::array();
    for (const auto& m : r.result.measurements)
        measurements.push_back({{"name", m.name}, {"value", m.value}, {"unit", m.unit}});
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
                                {"days_left", c.days_left},
                                {"key", c.key},
                                {"signature", c.signature},
                                {"ekus", c.ekus},
                                {"sha1_thumbprint", c.sha1_thumbprint},
                                {"sha256", c.sha256}});
    json args = json::object();
    for (const auto& [k, v] : r.args)
        args[k] = v;
    return json{{"id", c.id},
                {"title", c.title},
                {"section", c.section_id},
                {"severity", to_string(c.severity)},
                {"service", text_or_null(c.service)},
                {"probe", c.probe.kind},
                {"status", to_string(r.status)},
                {"probe_status", to_string(r.result.status)},
                {"reason", reason_code(r.result.reason)},
                {"summary", r.result.summary},
                {"alert", text_or_null(r.result.alert)},
                {"evidence", r.result.evidence},
                {"blocks", blocks},
                {"certificates", certificates},
                {"measurements", measurements},
                {"args", args},
                {"requirement", c.requirement},
                {"fix", c.fix},
                {"elapsed_ms", r.elapsed.count()}};
}

} // namespace

void write_json(const RunReport& report, std::ostream& out) {
    const Checklist& cl = checklist_of(report);
    const Counts& n = report.counts;

    json settings = json::object();
    for (const auto& [k, v] : report.settings)
        settings[k] = v;

    json sections = json::array();
    for (const SectionView& s : sections_of(report)) {
        json checks = json::array();
        for (const CheckResult* r : s.results)
            checks.push_back(check_json(*r));
        sections.push_back({{"id", s.id}, {"title", s.title}, {"checks", checks}});
    }

    json j{{"tool", {{"name", "preflight"}, {"version", report.tool_version}}},
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
           {"host", host_json(report.facts)},
           {"services", report.services},
           {"settings", settings},
           {"summary",
            {{"pass", n.pass},
             {"warn", n.warn},
             {"fail", n.fail},
             {"error", n.error},
             {"skip", n.skip},
             {"total", n.total()}}},
           {"sections", sections}};

    // Probe text may hold bytes from the network that are not UTF-8; replace
    // them rather than throw and lose the whole report.
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

} // namespace pf
