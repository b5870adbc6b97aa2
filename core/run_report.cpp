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

std::string_view to_string(ChangeKind k) {
    switch (k) {
    case ChangeKind::new_failure:
        return "new_failure";
    case ChangeKind::recovered:
        return "recovered";
    case ChangeKind::status_changed:
        return "status_changed";
    case ChangeKind::reason_changed:
        return "reason_changed";
    case ChangeKind::expiry_window:
        return "expiry_window";
    case ChangeKind::certificate_changed:
        return "certificate_changed";
    case ChangeKind::added:
        return "added";
    case ChangeKind::removed:
        return "removed";
    }
    return "unknown";
}

std::size_t RunChanges::new_failures() const {
    std::size_t n = 0;
    for (const auto& c : changes)
        if (c.kind == ChangeKind::new_failure) ++n;
    return n;
}

int exit_code(const RunReport& r) {
    if (r.interrupted) return 3;
    if (r.fail_on_new && r.changes) return r.changes->new_failures() ? 2 : 0;
    if (r.counts.fail || r.counts.error) return 2;
    if (r.counts.warn) return 1;
    return 0;
}

} // namespace pf
