#pragma once
#include "base/reason.hpp"
#include "base/status.hpp"
#include <string>
#include <utility>
#include <vector>

namespace pf {

// A message as data: a key of the message catalog and its named arguments.
// The sentence a report shows is rendered from it in one place, so a second
// language is a second catalog.
struct Message {
    std::string key; // "tcp.refused"
    std::vector<std::pair<std::string, std::string>> args;
    bool empty() const { return key.empty(); }
};

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

// One certificate as the reports' certificate table shows it: what a server
// sent or a file holds, with the thumbprints IIS and ARM's certId expect.
struct CertificateRow {
    std::string source; // "127.0.0.1:443 #0", "/tmp/awcm.pfx #1"
    std::string role;   // "leaf", "intermediate", "root"
    std::string subject, issuer;
    std::string names;           // "DNS:a, IP:b, email:c, UPN:d"
    std::string not_after;       // UTC, "2025-01-31T12:00:00Z"
    double days_left = 0;        // negative once expired
    std::string key;             // "RSA 2048"
    std::string signature;       // "sha256WithRSAEncryption"
    std::string ekus;            // "serverAuth, clientAuth"
    std::string sha1_thumbprint; // uppercase hex, no spaces: paste as is into ARM's certId
    std::string sha256;          // "AB:CD:…"
};

// What a probe found: a verdict, one line that names the diagnosis, and the
// evidence behind it. Probes never print; reports render these values.
struct ProbeResult {
    Status status = Status::error;
    Reason reason = Reason::unset; // why: the machine-readable diagnosis
    Message message;               // the diagnosis as data; summary is rendered from it
    std::string summary;
    std::vector<std::string> evidence;
    std::vector<Measurement> measurements;
    std::vector<EvidenceBlock> blocks;
    // A finding the admin must not miss, shown prominently whatever the
    // status, e.g. "TLS interception by Zscaler: ask the network team to
    // bypass inspection for awcm274.awmdm.com".
    std::string alert;
    // Certificates the probe looked at (served chain, file contents).
    std::vector<CertificateRow> certificates;

    static ProbeResult make(Status s, std::string summary) {
        ProbeResult r;
        r.status = s;
        r.summary = std::move(summary);
        return r;
    }
    static ProbeResult make(Status s, Reason why, std::string summary) {
        ProbeResult r = make(s, std::move(summary));
        r.reason = why;
        return r;
    }
};

} // namespace pf
