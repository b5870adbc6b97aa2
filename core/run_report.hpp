#pragma once
#include "base/probe_result.hpp"
#include "base/utc_time.hpp"
#include "core/checklist.hpp"
#include "hardware/host_facts.hpp"
#include <chrono>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace pf {

struct CheckResult {
    const Check* check = nullptr;
    Status status = Status::skip; // after severity: a failed "recommended" check is a warning
    ProbeResult result;           // the probe's own verdict and evidence
    std::map<std::string, std::string> args; // probe parameters as used (no secrets)
    std::chrono::milliseconds elapsed{0};
};

struct Counts {
    std::size_t pass = 0, warn = 0, fail = 0, error = 0, skip = 0;
    std::size_t total() const { return pass + warn + fail + error + skip; }
    void add(Status s);
};

Counts count(const std::vector<CheckResult>& results);

// Everything a report shows. Results are in checklist order.
struct RunReport {
    std::string tool_version;
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
};

// Nagios-compatible: 0 all passed, 1 warnings only, 2 a failure, 3 could not run.
int exit_code(const RunReport& r);

} // namespace pf
