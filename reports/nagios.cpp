// Output as the Monitoring Plugins development guidelines describe it:
//
//   PREFLIGHT CRITICAL - 2 failed (net.awcm-443: tls_interception by Zscaler, ...) | perf
//   CRITICAL net.awcm-443: tls_interception - <summary>
//   ...
//
// Performance data is 'label'=value[UOM];[warn];[crit];[min];[max] with the
// guidelines' units only (none, s, %, B, c): days therefore carry no unit.
// Thresholds use the range syntax: "0" alerts on anything above zero, "60:"
// on anything below 60.
#include "reports/nagios.hpp"
#include "reports/report_util.hpp"
#include <algorithm>
#include <limits>

namespace pf {

namespace {

// A problem list on the status line stays readable in a dashboard column; the
// long output below names every one.
constexpr std::size_t max_ids_per_group = 5;

std::string_view state_word(int code) {
    switch (code) {
    case 0:
        return "OK";
    case 1:
        return "WARNING";
    case 2:
        return "CRITICAL";
    default:
        return "UNKNOWN";
    }
}

// Nagios splits plugin output at the first '|' of every line into text and
// performance data, and keeps only the first line as the status: text from
// probes must hold neither. (It also turns ';' into ':' in what it logs, so
// the status line separates problems with commas.)
std::string plugin_text(std::string_view s) {
    std::string out = clean_text(s);
    for (char& c : out) {
        if (c == '|') c = '/';
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return out;
}

std::string problem_group(const std::vector<const CheckResult*>& results, Status status,
                          std::size_t count, std::string_view noun) {
    if (count == 0) return {};
    std::string text = std::to_string(count) + " " + std::string(noun) + " (";
    std::size_t shown = 0;
    for (const CheckResult* r : results) {
        if (r->status != status) continue;
        if (shown == max_ids_per_group) {
            text += ", +" + std::to_string(count - shown) + " more";
            break;
        }
        if (shown++) text += ", ";
        text += plugin_text(check_of(*r).id) + ": " + std::string(reason_code(r->result.reason));
        // "tls_interception by Zscaler": who intercepts is what the admin acts on.
        for (const auto& [name, value] : r->result.message.args)
            if (name == "interceptor") text += " by " + plugin_text(value);
    }
    return text + ")";
}

void append(std::string& line, const std::string& part) {
    if (part.empty()) return;
    if (!line.empty()) line += ", ";
    line += part;
}

std::string status_text(const RunReport& report) {
    std::vector<const CheckResult*> all;
    for (const auto& r : report.results)
        all.push_back(&r);
    const Counts& n = report.counts;
    std::string text;
    if (report.interrupted) text = "run interrupted after " + format_duration(run_duration(report));
    // With --fail-on new the state says only this, so it comes first.
    if (report.fail_on_new && report.changes) {
        std::size_t fresh = report.changes->new_failures();
        append(text, fresh ? std::to_string(fresh) + " new since the last run"
                           : std::string("nothing new failed"));
    }
    append(text, problem_group(all, Status::fail, n.fail, "failed"));
    append(text, problem_group(all, Status::error, n.error, n.error == 1 ? "error" : "errors"));
    append(text, problem_group(all, Status::warn, n.warn, n.warn == 1 ? "warning" : "warnings"));
    append(text, std::to_string(n.pass) + " passed");
    if (n.skip) append(text, std::to_string(n.skip) + " skipped");
    return text;
}

std::string perfdata(const RunReport& report) {
    const Counts& n = report.counts;
    auto count = [](std::string_view label, std::size_t v, std::string_view warn,
                    std::string_view crit) {
        return std::string(label) + "=" + std::to_string(v) + ";" + std::string(warn) + ";" +
               std::string(crit) + ";0";
    };
    std::string p = count("failed", n.fail, "", "0") + " " + count("errors", n.error, "", "0") +
                    " " + count("warnings", n.warn, "0", "") + " " +
                    count("passed", n.pass, "", "") + " " + count("skipped", n.skip, "", "") +
                    " duration=" + format_seconds(run_duration(report)) + "s;;;0";
    double min_days = std::numeric_limits<double>::infinity();
    for (const auto& r : report.results)
        for (const auto& c : r.result.certificates)
            min_days = std::min(min_days, c.days_left);
    if (min_days != std::numeric_limits<double>::infinity())
        p += " cert_days_left_min=" + format_number(min_days) + ";" +
             std::to_string(report.expiry_warn_days) + ":;" +
             std::to_string(report.expiry_fail_days) + ":";
    // After a comparison (--baseline, --history): critical on any new failure.
    if (report.changes) p += " " + count("new_failures", report.changes->new_failures(), "", "0");
    return p;
}

} // namespace

void write_nagios(const RunReport& report, std::ostream& out) {
    int code = exit_code(report);
    out << "PREFLIGHT " << state_word(code) << " - " << status_text(report) << " | "
        << perfdata(report) << "\n";
    std::vector<const CheckResult*> all;
    for (const auto& r : report.results)
        all.push_back(&r);
    for (const CheckResult* r : worst_first(all)) {
        if (r->status == Status::pass || r->status == Status::skip) continue;
        int state = r->status == Status::warn ? 1 : 2;
        out << state_word(state) << " " << plugin_text(check_of(*r).id) << ": "
            << reason_code(r->result.reason) << " - " << plugin_text(r->result.summary) << "\n";
    }
}

void write_nagios_unknown(std::string_view why, std::ostream& out) {
    out << "PREFLIGHT UNKNOWN - " << plugin_text(why) << "\n";
}

} // namespace pf
