// Private CAs are declared, not guessed: nginx serves a chain from the
// organisation's own root, given to preflight with --ca-file. Checks of an
// internal host that declare it (eas_private_ca, awcm_private_ca on
// premises) and the services that are internal by nature (BES, NDES) pass
// without a word of interception; the same root at the end of a SaaS host's
// chain is named as given on the command line, and why that is suspicious.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/report_run.hpp"
#include "support/scep_responder_posix.hpp"
#include "support/served_pki_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using pft::contains;
using pft::NoAmbientProxy;
using pft::preflight_run;
using pft::operator+;

namespace {

struct PrivatePki {
    pft::ServedPki pki; // the organisation's root → CA → server certificate
    pft::Issued server = pki.leaf({.cn = "mail.corp.example"});
    // The system store and the public root programme: neither knows the private root.
    pft::Issued public_root = pki.f.root({.cn = "Public Root CA", .org = "Public CA Inc."});
    std::string public_pem =
        pft::CertFactory::write_pem(pki.dir.file("public.pem"), {&public_root});
    // NDES on the same kind of certificate: GetCACaps and GetCACert.
    pft::Issued ra = pki.f.issue(pki.inter, {.cn = "NDES01-MSCEP-RA"});
    std::string bundle =
        pft::degenerate_pkcs7({pft::CertFactory::write_pem(pki.dir.file("ca.pem"), {&pki.inter}),
                               pft::CertFactory::write_pem(pki.dir.file("ra.pem"), {&ra})},
                              pki.dir.file("ca-ra.p7"));
    std::string caps = pki.dir.write("caps.txt", "POSTPKIOperation\r\nSHA-256\r\nAES\r\n");
    pft::NginxSite ndes() {
        auto s = pki.site(server);
        s.extra = pft::scep_locations("/certsrv/mscep/mscep.dll", caps, "text/plain", bundle,
                                      "application/x-x509-ca-ra-cert");
        return s;
    }
    pft::Nginx nginx{{pki.site(server), ndes()}};
    std::string port = std::to_string(nginx.port());
    std::string scep_url = "https://127.0.0.1:" + std::to_string(nginx.port(1)) +
                           "/certsrv/mscep/mscep.dll/pkiclient.exe";

    std::vector<std::string> trust() const {
        return {"--timeout", "5",          "--trust-store",  public_pem,
                "--ca-file", pki.root_pem, "--public-roots", public_pem};
    }
};

std::string evidence(const pft::Run& r, const std::string& id) {
    std::string all;
    const auto& c = r.check(id);
    if (c.contains("evidence"))
        for (const auto& e : c["evidence"])
            all += e.get<std::string>() + "\n";
    return all;
}

const auto servers = pft::needs_programs({"nginx"});

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli_private_ca, NoAmbientProxy)

BOOST_AUTO_TEST_CASE(an_exchange_host_declared_private_passes_with_its_root_from_ca_file,
                     *servers) {
    PrivatePki x;
    auto eas = std::vector<std::string>{
        "--checklist", "eas-cert-auth",      "--set", "eas_host=127.0.0.1",
        "--set",       "eas_port=" + x.port, "--set", "scep_url=" + x.scep_url};
    auto r =
        preflight_run(x.pki.dir, "declared",
                      eas + x.trust() + std::vector<std::string>{"--set", "eas_private_ca=true"});
    BOOST_TEST(r->status("eas.https") == "pass", r->summary("eas.https"));
    BOOST_TEST(r->alert("eas.https").empty(), r->alert("eas.https"));
    BOOST_TEST(contains(evidence(*r, "eas.https"), "public-root check: not made (private_ca"));
    BOOST_TEST(r->status("scep.test-connection") == "pass", r->summary("scep.test-connection"));

    // Not declared: the same root is named as given on the command line.
    r = preflight_run(x.pki.dir, "undeclared", eas + x.trust());
    BOOST_TEST(r->status("eas.https") == "fail", r->summary("eas.https"));
    BOOST_TEST(contains(r->alert("eas.https"), "given with --ca-file " + x.pki.root_pem),
               r->alert("eas.https"));
}

BOOST_AUTO_TEST_CASE(internal_services_and_an_on_premise_awcm_accept_the_private_root, *servers) {
    PrivatePki x;
    auto r = preflight_run(
        x.pki.dir, "onprem",
        std::vector<std::string>{"--checklist", "acc-onprem", "--service", "bes", "--set",
                                 "awcm_host=127.0.0.1", "--set", "awcm_port=" + x.port, "--set",
                                 "awcm_private_ca=true", "--set", "bes_host=127.0.0.1", "--set",
                                 "bes_port=" + x.port, "--idle", "0"} +
            x.trust());
    for (auto id : {"net.awcm-tls", "net.bes"}) {
        BOOST_TEST(r->status(id) == "pass", id << ": " << r->summary(id));
        BOOST_TEST(!contains(r->summary(id) + r->alert(id), "intercept"), r->alert(id));
    }
}

// A SaaS host's certificate comes from a public CA: a private root at the
// end of its chain is suspicious, and it was not added to this machine.
BOOST_AUTO_TEST_CASE(a_saas_host_ending_at_a_root_from_ca_file_says_where_the_root_came_from,
                     *servers) {
    PrivatePki x;
    auto r = preflight_run(x.pki.dir, "saas",
                           std::vector<std::string>{"--checklist", "acc-saas", "--set",
                                                    "awcm_host=127.0.0.1", "--set",
                                                    "awcm_port=" + x.port, "--idle", "0"} +
                               x.trust());
    const std::string id = "net.awcm-443";
    BOOST_TEST(r->status(id) == "fail", r->summary(id));
    BOOST_TEST(contains(r->alert(id), "intercepted: the chain of 127.0.0.1 ends at the root "
                                      "'CN=Preflight E2E Root, O=Preflight Tests' given with "
                                      "--ca-file " +
                                          x.pki.root_pem + ", not at a public root"),
               r->alert(id));
    auto ev = evidence(*r, id);
    BOOST_TEST(contains(ev, "given on the command line (--ca-file " + x.pki.root_pem +
                                "), not added to this machine"),
               ev);
    BOOST_TEST(contains(ev, "a public (SaaS) host presents a chain from a public CA"), ev);
    BOOST_TEST(!contains(ev + r->alert(id), "it was added to this machine"), ev);
}

BOOST_AUTO_TEST_SUITE_END()
