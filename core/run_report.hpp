#pragma once
#include "base/probe_result.hpp"
#include "base/utc_time.hpp"
#include "core/checklist.hpp"
#include "core/shared_args.hpp"
#include "hardware/host_facts.hpp"
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

struct CheckResult {
    const Check* check = nullptr;
    Status status = Status::skip; // after severity: a failed "recommended" check is a warning
    ProbeResult result;           // the probe's own verdict and evidence
    SharedArgs args;              // probe parameters as used (no secrets), shared with the plan
    std::chrono::milliseconds elapsed{0};
};

struct Counts {
    std::size_t pass = 0, warn = 0, fail = 0, error = 0, skip = 0;
    std::size_t total() const { return pass + warn + fail + error + skip; }
    void add(Status s);
};

Counts count(const std::vector<CheckResult>& results);

// What changed for one check since a previous run (--baseline, --history).
enum class ChangeKind {
    new_failure,         // fails (or errors) now, did not before (or did not exist)
    recovered,           // failed before, passes or warns now
    status_changed,      // any other change of status, e.g. pass -> warn
    reason_changed,      // same status, another reason, e.g. refused -> timed_out
    expiry_window,       // a certificate moved into the --expiry-warn window
    certificate_changed, // the server now sends another leaf certificate
    added,               // in this run, not in the previous one
    removed,             // in the previous run, not in this one
};
std::string_view to_string(ChangeKind k);

struct CheckChange {
    std::string check; // check id
    ChangeKind kind;
    std::string before, after; // status, reason, days left or fingerprint, as the kind says
};

// The comparison with a previous run's JSON report.
struct RunChanges {
    std::string baseline;         // the file compared with
    std::string baseline_started; // its "started"
    std::vector<CheckChange> changes;
    std::size_t new_failures() const;
};

// What made the report: `preflight run` judges a host, `preflight cert`
// only the certificate files given (no host facts, services or parameters).
enum class ReportKind { run, cert };

// Everything a report shows. Results are in checklist order.
struct RunReport {
    ReportKind kind = ReportKind::run;
    std::string tool_version;
    std::string tool_commit; // git describe of the build (BuildInfo::commit)
    std::string tool_target; // linux-x86_64, windows-x86_64
    const Checklist* checklist = nullptr;
    HostFacts facts;
    std::chrono::system_clock::time_point started;
    std::chrono::system_clock::time_point finished;
    bool interrupted = false;
    std::vector<std::string> services;                         // enabled integration services
    std::vector<std::pair<std::string, std::string>> settings; // parameters in effect, no secrets
    std::vector<CheckResult> results;
    Counts counts;
    // The certificate expiry window in effect, for monitoring thresholds.
    int expiry_warn_days = 60, expiry_fail_days = 30;
    // The run's context, for the JSON report: the command line as given
    // (secrets there are only ever their source, env:NAME, file:PATH or
    // prompt), the site file, and the sizing inputs.
    std::vector<std::string> command_line;
    std::string site_file;
    Language lang = Language::en; // of the sentences; ids and codes are the same in every one
    std::optional<std::uint64_t> users;
    std::optional<std::uint32_t> servers;
    std::optional<RunChanges> changes;
    // --fail-on new: the exit code says only whether something new failed.
    bool fail_on_new = false;
    // The JUnit report's choices: the first part of every classname
    // (--junit-prefix; empty: the host name, so that reports of several
    // servers merge into cases that stay apart) and whether a warning is a
    // failure (--junit-warn fail) rather than a skip.
    std::string junit_prefix;
    bool junit_warn_fail = false;
};

// Nagios-compatible: 0 all passed, 1 warnings only, 2 a failure, 3 could not
// run. With fail_on_new and a comparison: 2 when something failed that did not
// before, else 0 (3 still for an interrupted run).
int exit_code(const RunReport& r);

} // namespace pf
