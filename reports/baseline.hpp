#pragma once
#include "core/run_report.hpp"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// What a previous run said about one check, as its JSON report has it.
struct BaselineCheck {
    std::string status; // pass | warn | fail | error | skip
    std::string reason;
    std::optional<long long> min_days_left; // over its certificates
    std::string leaf_sha256;                // the first leaf certificate's fingerprint
};

// A previous run, read from its JSON report (--baseline, --history).
struct Baseline {
    std::string file;
    std::string started;
    std::vector<std::string> order; // check ids, report order
    std::map<std::string, BaselineCheck> checks;
};

// Reads a JSON report of format preflight-report/1. Anything else (not a
// regular file, too large, not JSON, another format, a field of the wrong
// type) throws InputError naming the file and the field.
Baseline read_baseline(const std::string& path);
Baseline parse_baseline(const std::string& text, const std::string& origin);

// What changed from before to now, in now's checklist order, then the
// checks that are gone. A certificate enters the expiry window when its
// whole days left drop below now.expiry_warn_days.
RunChanges compare_runs(const Baseline& before, const RunReport& now);

} // namespace pf
