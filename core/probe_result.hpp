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

// Evidence too long for a line or two, such as a certificate chain: reports
// show its title and fold its lines (HTML <details>).
struct EvidenceBlock {
    std::string title; // "Certificate chain sent by 127.0.0.1:443"
    std::vector<std::string> lines;
};

// What a probe found: a verdict, one line that names the diagnosis, and the
// evidence behind it. Probes never print; reports render these values.
struct ProbeResult {
    Status status = Status::error;
    std::string summary;
    std::vector<std::string> evidence;
    std::vector<Measurement> measurements;
    std::vector<EvidenceBlock> blocks;
    // A finding the admin must not miss, shown prominently whatever the
    // status, e.g. "TLS interception by Zscaler: ask the network team to
    // bypass inspection for awcm274.awmdm.com".
    std::string alert;

    static ProbeResult make(Status s, std::string summary) {
        ProbeResult r;
        r.status = s;
        r.summary = std::move(summary);
        return r;
    }
};

} // namespace pf
