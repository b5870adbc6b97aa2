#pragma once
// Certificates for servers a test starts: a private root and intermediate
// standing for a public CA, leaves for 127.0.0.1, and nginx sites serving
// them. POSIX: nginx.
#include "support/certs.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include <string>
#include <vector>

namespace pft {

inline const std::string status_location = "location = /awcm/status { return 200 \"AWCM OK\\n\"; }";

// A private PKI standing for a public CA (root, intermediate), with the root
// as both the whole trust store and the whole public-root bundle of the run.
struct ServedPki {
    TempDir dir;
    CertFactory f;
    Issued root = f.root({.cn = "Preflight E2E Root", .org = "Preflight Tests"});
    Issued inter = f.issue(root, {.cn = "Preflight E2E CA 1", .ca = true});
    std::string root_pem = CertFactory::write_pem(dir.file("root.pem"), {&root});
    int files = 0;

    Issued leaf(CertSpec spec = {}) {
        if (spec.cn.empty()) spec.cn = "awcm.e2e.example";
        if (spec.dns_sans.empty() && spec.ip_sans.empty()) {
            spec.dns_sans = {spec.cn};
            spec.ip_sans = {"127.0.0.1"};
        }
        spec.ekus = {"serverAuth"};
        return f.issue(inter, spec);
    }
    // An nginx site serving the chain given (leaf first) and the AWCM status page.
    NginxSite site(const std::vector<const Issued*>& chain) {
        auto n = std::to_string(++files);
        NginxSite s;
        s.cert_file = CertFactory::write_pem(dir.file("chain" + n + ".pem"), chain);
        s.key_file = CertFactory::write_key(dir.file("key" + n + ".pem"), *chain.front());
        s.extra = status_location;
        return s;
    }
    NginxSite site(const Issued& leaf) { return site({&leaf, &inter}); }
};

} // namespace pft
