#pragma once
#include "core/checklist.hpp"
#include "core/probe_result.hpp"
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
};

// Nagios-compatible: 0 all passed, 1 warnings only, 2 a failure, 3 could not run.
int exit_code(const RunReport& r);

std::string utc_timestamp(std::chrono::system_clock::time_point t); // 2026-11-22T10:00:00Z

// A file report format. One file pair in reports/ plus one line in
// reports/builtin.cpp adds a format, and with it a --<name> FILE option.
struct ReportFormat {
    std::string name;      // "html": also the CLI flag
    std::string extension; // ".html"
    std::string help;
    bool written_by_default = false;
    std::function<void(const RunReport&, std::ostream&)> write;
};

const std::vector<ReportFormat>& builtin_reports();

} // namespace pf
