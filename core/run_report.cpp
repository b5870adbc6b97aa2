#include "core/run_report.hpp"
#include <ctime>

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

std::string utc_timestamp(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &tt);
#else
    gmtime_r(&tt, &tm);
#endif
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace pf
