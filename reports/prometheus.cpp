// Metrics (all gauges, each series also labelled checklist="<id>"):
//   preflight_check_status{check,section,severity,reason}
//       0 pass, 1 warn, 2 fail, 3 error, -1 skipped. Skipped checks are kept
//       rather than omitted, so that a check's series does not vanish (and
//       its alerts resolve silently) when a service is disabled; the reason
//       label says why it was skipped.
//   preflight_check_duration_seconds{check}           checks that ran
//   preflight_certificate_expiry_timestamp_seconds{check,subject}
//       notAfter of each certificate a check looked at (the earliest, when a
//       check saw two with one subject)
//   preflight_run_timestamp_seconds, preflight_run_exit_code (0..3, as the
//   process exits), preflight_run_duration_seconds
#include "reports/prometheus.hpp"
#include "reports/report_util.hpp"
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

namespace pf {

namespace {

int status_value(Status s) {
    switch (s) {
    case Status::pass:
        return 0;
    case Status::warn:
        return 1;
    case Status::fail:
        return 2;
    case Status::error:
        return 3;
    case Status::skip:
        break;
    }
    return -1;
}

std::string seconds_value(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

double epoch_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
}

// "2025-01-31T12:00:00Z", as the certificate rows hold notAfter.
std::optional<double> parse_utc(std::string_view s) {
    if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':' || s[19] != 'Z')
        return std::nullopt;
    auto num = [&](std::size_t at, std::size_t len) -> std::optional<int> {
        int v = 0;
        for (std::size_t i = at; i < at + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return std::nullopt;
            v = v * 10 + (s[i] - '0');
        }
        return v;
    };
    auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2),
         se = num(17, 2);
    if (!y || !mo || !d || !h || !mi || !se || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
    using namespace std::chrono;
    year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)},
                        day{static_cast<unsigned>(*d)}};
    if (!date.ok()) return std::nullopt;
    auto days = sys_days{date}.time_since_epoch().count();
    return static_cast<double>(days) * 86400.0 + *h * 3600.0 + *mi * 60.0 + *se;
}

class Writer {
  public:
    Writer(std::ostream& out, std::string checklist)
        : out_(out), checklist_(std::move(checklist)) {}

    void family(std::string_view name, std::string_view help) {
        out_ << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n";
    }
    void sample(std::string_view name,
                const std::vector<std::pair<std::string_view, std::string>>& labels,
                const std::string& value) {
        out_ << name << "{checklist=\"" << prometheus_label_value(checklist_) << "\"";
        for (const auto& [k, v] : labels)
            out_ << "," << k << "=\"" << prometheus_label_value(v) << "\"";
        out_ << "} " << value << "\n";
    }

  private:
    std::ostream& out_;
    std::string checklist_;
};

} // namespace

std::string prometheus_label_value(std::string_view s) {
    std::string out;
    for (char c : clean_text(s)) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void write_prometheus(const RunReport& report, std::ostream& out) {
    Writer w(out, checklist_of(report).id);

    w.family("preflight_check_status",
             "Verdict of each check: 0 pass, 1 warn, 2 fail, 3 error, -1 skipped (see reason).");
    for (const auto& r : report.results) {
        const Check& c = check_of(r);
        w.sample("preflight_check_status",
                 {{"check", c.id},
                  {"section", c.section_id},
                  {"severity", std::string(to_string(c.severity))},
                  {"reason", std::string(reason_code(r.result.reason))}},
                 std::to_string(status_value(r.status)));
    }

    w.family("preflight_check_duration_seconds", "How long each check that ran took.");
    for (const auto& r : report.results)
        if (r.status != Status::skip)
            w.sample("preflight_check_duration_seconds", {{"check", check_of(r).id}},
                     seconds_value(static_cast<double>(r.elapsed.count()) / 1000.0));

    // One series per check and subject: a chain may repeat a subject (a
    // renewed CA), and duplicate series are invalid.
    std::map<std::pair<std::string, std::string>, double> expiry;
    for (const auto& r : report.results)
        for (const auto& cert : r.result.certificates)
            if (auto t = parse_utc(cert.not_after)) {
                auto [it, added] = expiry.try_emplace({check_of(r).id, cert.subject}, *t);
                if (!added && *t < it->second) it->second = *t;
            }
    if (!expiry.empty())
        w.family("preflight_certificate_expiry_timestamp_seconds",
                 "When each certificate a check looked at expires (notAfter), seconds since the "
                 "Unix epoch.");
    for (const auto& [key, t] : expiry)
        w.sample("preflight_certificate_expiry_timestamp_seconds",
                 {{"check", key.first}, {"subject", key.second}}, seconds_value(t));

    w.family("preflight_run_timestamp_seconds",
             "When the run finished, seconds since the Unix epoch.");
    w.sample("preflight_run_timestamp_seconds", {}, seconds_value(epoch_seconds(report.finished)));
    w.family("preflight_run_exit_code",
             "The run's exit code: 0 all passed, 1 warnings, 2 failures, 3 could not run or "
             "interrupted.");
    w.sample("preflight_run_exit_code", {}, std::to_string(exit_code(report)));
    w.family("preflight_run_duration_seconds", "How long the whole run took.");
    w.sample("preflight_run_duration_seconds", {},
             seconds_value(static_cast<double>(run_duration(report).count()) / 1000.0));
    // Only after a comparison (--baseline, --history): absent is "not compared", not 0.
    if (report.changes) {
        w.family("preflight_run_new_failures",
                 "Checks that fail now and did not in the previous run's report.");
        w.sample("preflight_run_new_failures", {}, std::to_string(report.changes->new_failures()));
    }
}

} // namespace pf
