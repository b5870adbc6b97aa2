#pragma once
#include "core/status.hpp"
#include <string>
#include <vector>

namespace pf {

struct Measurement {
    std::string name; // e.g. "connect", "resolve"
    double value = 0;
    std::string unit; // e.g. "ms", "GiB"
};

// What a probe found: a verdict, one line that names the diagnosis, and the
// evidence behind it. Probes never print; reports render these values.
struct ProbeResult {
    Status status = Status::error;
    std::string summary;
    std::vector<std::string> evidence;
    std::vector<Measurement> measurements;

    static ProbeResult make(Status s, std::string summary) {
        ProbeResult r;
        r.status = s;
        r.summary = std::move(summary);
        return r;
    }
};

} // namespace pf
