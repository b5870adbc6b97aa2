#include "core/run_report.hpp"

namespace pf {

void Counts::add(Status s) {
    switch (s) {
    case Status::pass:
        ++pass;
        break;
    case Status::warn:
        ++warn;
        break;
    case Status::fail:
        ++fail;
        break;
    case Status::error:
        ++error;
        break;
    case Status::skip:
        ++skip;
        break;
    }
}

Counts count(const std::vector<CheckResult>& results) {
    Counts c;
    for (const auto& r : results)
        c.add(r.status);
    return c;
}

int exit_code(const RunReport& r) {
    if (r.interrupted) return 3;
    if (r.counts.fail || r.counts.error) return 2;
    if (r.counts.warn) return 1;
    return 0;
}

} // namespace pf
