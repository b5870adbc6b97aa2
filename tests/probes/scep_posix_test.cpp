// The scep probe against nginx serving GetCACaps and GetCACert from files
// made by the test: a CA and two RA certificates (as NDES has), one DER CA
// certificate, a degenerate PKCS#7 bundle built by `openssl crl2pkcs7`,
// answers without a content type, error pages and an untrusted server.
#include "probes/web/scep.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/scep_responder_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pf;
using pf::test::declaration_refuses;
using pf::test::run_probe;
using pft::any_contains;
using pft::contains;

namespace {

using pft::scep_locations;

struct Ndes {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued ca = f.root({.cn = "Preflight SCEP Test CA", .org = "Preflight Tests"});
    pft::Issued other_root = f.root({.cn = "Someone Else's Root"});
    pft::Issued leaf = f.issue(ca, {.cn = "localhost",
                                    .dns_sans = {"localhost"},
                                    .ip_sans = {"127.0.0.1"},
                                    .ekus = {"serverAuth"}});
    pft::Issued ra_sign = f.issue(ca, {.cn = "NDES01-MSCEP-RA", .org = "Enrollment Agent"});
    pft::Issued ra_encrypt = f.issue(ca, {.cn = "NDES01-MSCEP-RA", .org = "CEP Encryption"});
    pft::Issued ra_expired =
        f.issue(ca, {.cn = "NDES01-OLD-RA", .not_before_days = -400, .not_after_days = -3});
    pft::Issued ra_future =
        f.issue(ca, {.cn = "NDES01-NEXT-RA", .not_before_days = 2, .not_after_days = 700});
    std::string ca_pem = pft::CertFactory::write_pem(t.file("ca.pem"), {&ca});
    std::string next_pem = pft::CertFactory::write_pem(t.file("next.pem"), {&ra_future});
    std::string other_pem = pft::CertFactory::write_pem(t.file("other.pem"), {&other_root});
    std::string ra_pem = pft::CertFactory::write_pem(t.file("ra.pem"), {&ra_sign, &ra_encrypt});
    std::string old_pem = pft::CertFactory::write_pem(t.file("old.pem"), {&ra_expired});
    std::string ca_der = openssl(
        {"x509", "-in", ca_pem, "-outform", "DER", "-out", t.file("ca.der")}, t.file("ca.der"));
    std::string bundle = pft::degenerate_pkcs7({ca_pem, ra_pem}, t.file("ca-ra.p7"));
    std::string expired_bundle = pft::degenerate_pkcs7({ca_pem, old_pem}, t.file("old.p7"));
    std::string future_bundle = pft::degenerate_pkcs7({ca_pem, next_pem}, t.file("next.p7"));
    // What Windows Server 2016 NDES answers, CRLF line ends included.
    std::string caps = t.write("caps.txt", "POSTPKIOperation\r\nRenewal\r\nSHA-512\r\nSHA-256\r\n"
                                           "SHA-1\r\nDES3\r\n");
    std::string old_caps = t.write("old-caps.txt", "GetNextCACert\nSHA-1\nDES3\n");
    pft::Nginx nginx{{
        {pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf}),
         pft::CertFactory::write_key(t.file("leaf.key"), leaf),
         scep_locations("/certsrv/mscep/mscep.dll", caps, "text/plain", bundle,
                        "application/x-x509-ca-ra-cert") +
             scep_locations("/one", caps, "text/plain", ca_der, "application/x-x509-ca-cert") +
             scep_locations("/untyped", caps, "", bundle, "") +
             scep_locations("/sha1", old_caps, "text/plain", bundle,
                            "application/x-x509-ca-ra-cert") +
             scep_locations("/old-ra", old_caps, "text/plain", expired_bundle,
                            "application/x-x509-ca-ra-cert") +
             scep_locations("/next-ra", caps, "text/plain", future_bundle,
                            "application/x-x509-ca-ra-cert") +
             "location = /missing/pkiclient.exe { return 404; }\n"
             "location = /pool/pkiclient.exe { default_type text/html; return 503 "
             "\"<html><body>Service Unavailable</body></html>\"; }\n"
             "location = /portal/pkiclient.exe { default_type text/html; return 200 "
             "\"<!DOCTYPE html><html><title>IIS Windows Server</title></html>\"; }\n"},
        {.extra =
             scep_locations("/plain", caps, "text/plain", bundle, "application/x-x509-ca-ra-cert"),
         .tls = false},
    }};
    std::string port = std::to_string(nginx.port(0));

    static std::string openssl(std::vector<std::string> args, const std::string& out) {
        args.insert(args.begin(), "openssl");
        auto r = pft::run(args);
        if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
        return out;
    }

    RunEnvironment trusting(const std::string& root) const {
        RunEnvironment env;
        env.tls.trust.system_file = root;
        return env;
    }
    RunEnvironment trusting() const { return trusting(ca_pem); }
};

Ndes& ndes() {
    static Ndes n;
    return n;
}

std::map<std::string, std::string> url(const std::string& prefix) {
    return {{"url", "https://127.0.0.1:" + ndes().port + prefix + "/pkiclient.exe"}};
}

// A port whose connections the kernel completes (the listen backlog) and
// nobody ever answers: a server that hangs.
struct SilentPort {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    unsigned short port = 0;
    SilentPort() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd, 8) != 0 ||
            getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            throw std::runtime_error("cannot listen on loopback");
        port = ntohs(a.sin_port);
    }
    ~SilentPort() { close(fd); }
};

const auto servers = pft::needs_programs({"nginx", "openssl"});

} // namespace

BOOST_AUTO_TEST_SUITE(scep_probe_on_nginx)

BOOST_AUTO_TEST_CASE(ndes_default_path_lists_caps_ca_and_ra_certificates, *servers) {
    auto r =
        run_probe(scep_probe(), ndes().trusting(), {{"host", "127.0.0.1"}, {"port", ndes().port}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "SCEP answers at https://127.0.0.1:" + ndes().port +
                                       "/certsrv/mscep/mscep.dll/pkiclient.exe"),
               r.summary);
    BOOST_TEST(contains(r.summary, "CA \"Preflight SCEP Test CA\" and 2 RA certificate(s)"),
               r.summary);
    BOOST_TEST(contains(r.summary,
                        "capabilities POSTPKIOperation, Renewal, SHA-512, SHA-256, SHA-1, DES3"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "GetCACert: a PKCS#7 bundle of 3 certificate(s)"));
    BOOST_TEST(any_contains(r.evidence, "GetCACert Content-Type: application/x-x509-ca-ra-cert"));
    BOOST_TEST(any_contains(r.evidence, "CA: CN=Preflight SCEP Test CA"));
    BOOST_TEST(any_contains(r.evidence, "O=CEP Encryption"));
    BOOST_TEST(any_contains(r.evidence, "RA: CN=NDES01-MSCEP-RA"));
    BOOST_TEST(any_contains(r.evidence, ", issued by CN=Preflight SCEP Test CA"));
    BOOST_TEST(any_contains(r.evidence, ", expires in 36"), "expiry shown for each certificate");
    BOOST_REQUIRE(r.blocks.size() == 1u);
    BOOST_TEST(r.blocks[0].lines.front() == "CA certificate:");
}

BOOST_AUTO_TEST_CASE(one_der_ca_certificate_from_a_full_url, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/one"));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "CA \"Preflight SCEP Test CA\""), r.summary);
    BOOST_TEST(!contains(r.summary, "RA certificate"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "GetCACert: one DER certificate"));
    BOOST_TEST(any_contains(r.evidence, "GetCACert Content-Type: application/x-x509-ca-cert"));
    BOOST_TEST(!any_contains(r.evidence, "tolerated"));
}

BOOST_AUTO_TEST_CASE(missing_content_types_are_tolerated_and_noted, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/untyped"));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "2 RA certificate(s)"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "GetCACaps Content-Type: (none)"));
    BOOST_TEST(any_contains(r.evidence, "GetCACaps came without a Content-Type (tolerated"));
    BOOST_TEST(any_contains(r.evidence, "GetCACert came without a Content-Type (tolerated; a "
                                        "PKCS#7 bundle should be application/x-x509-ca-ra-cert)"));
}

BOOST_AUTO_TEST_CASE(sha1_only_capabilities_warn, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/sha1"));
    BOOST_TEST(r.status == Status::warn, r.summary);
    BOOST_TEST(r.summary == "GetCACaps offers neither SHA-256 nor SHA-512: requests would be "
                            "signed with SHA-1 or MD5",
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "GetCACaps: GetNextCACert, SHA-1, DES3"));
    BOOST_TEST(any_contains(r.evidence, "RA: CN=NDES01-MSCEP-RA"), "the certificates still listed");
}

BOOST_AUTO_TEST_CASE(an_expired_ra_certificate_fails, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/old-ra"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("expired: the RA certificate \"NDES01-OLD-RA\" expired 3 days ago") ==
                   0,
               r.summary);
    BOOST_TEST(contains(r.summary, "renew the NDES RA certificates"), r.summary);
    // The weak capabilities are still reported, behind the failure.
    BOOST_TEST(any_contains(r.evidence, "GetCACaps offers neither SHA-256 nor SHA-512"));
    BOOST_TEST(any_contains(r.evidence, "no POSTPKIOperation"));
}

BOOST_AUTO_TEST_CASE(a_not_yet_valid_ra_certificate_fails, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/next-ra"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("not yet valid: the RA certificate \"NDES01-NEXT-RA\" is valid "
                              "only from ") == 0,
               r.summary);
}

BOOST_AUTO_TEST_CASE(not_found_is_diagnosed_as_no_ndes, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/missing"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("GetCACert: 404 Not Found from https://127.0.0.1:" + ndes().port +
                              "/missing/pkiclient.exe?operation=GetCACert: no SCEP service at "
                              "this path") == 0,
               r.summary);
    BOOST_TEST(contains(r.summary, "Network Device Enrollment Service role installed"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "GetCACaps: 404 Not Found"));
}

BOOST_AUTO_TEST_CASE(a_stopped_application_pool_is_diagnosed, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/pool"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "GetCACert: 503"), r.summary);
    BOOST_TEST(contains(r.summary, "the SCEP application pool is stopped"), r.summary);
}

BOOST_AUTO_TEST_CASE(an_html_page_is_not_scep, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(), url("/portal"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "answered with an HTML page, not SCEP"), r.summary);
}

BOOST_AUTO_TEST_CASE(an_untrusted_server_certificate_gets_the_tls_diagnosis, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(ndes().other_pem), url("/one"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("TLS: ") == 0, r.summary);
    BOOST_TEST(contains(r.summary, "Preflight SCEP Test CA"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "curl: "));
    BOOST_TEST(!r.blocks.empty(), "the chain the server sent is shown");
}

BOOST_AUTO_TEST_CASE(plain_http_scep_url_works, *servers) {
    auto r = run_probe(scep_probe(), RunEnvironment{},
                       {{"url", "http://127.0.0.1:" + std::to_string(ndes().nginx.port(1)) +
                                    "/plain/pkiclient.exe?operation=GetCACert"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "SCEP answers at http://127.0.0.1:"), r.summary);
    BOOST_TEST(
        any_contains(r.evidence, "GET http://127.0.0.1:" + std::to_string(ndes().nginx.port(1)) +
                                     "/plain/pkiclient.exe?operation=GetCACaps"));
}

BOOST_AUTO_TEST_CASE(refused_port_and_bad_parameters, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(),
                       {{"host", "127.0.0.1"}, {"port", std::to_string(pft::unused_port())}});
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("refused: 127.0.0.1 is up but nothing accepts") == 0, r.summary);

    BOOST_TEST(contains(declaration_refuses(scep_probe(), {{"url", "ftp://ndes/x"}}),
                        "url: expected an http:// or https:// URL"));
    BOOST_TEST(contains(declaration_refuses(scep_probe(), {}),
                        "host: expected the NDES server's name, or url"));
}

BOOST_AUTO_TEST_CASE(a_server_that_never_answers_fails_by_the_deadline, *servers) {
    SilentPort silent;
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_probe(scep_probe(), ndes().trusting(),
                       {{"host", "127.0.0.1"}, {"port", std::to_string(silent.port)}},
                       std::chrono::milliseconds(1000));
    double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "the TLS handshake with 127.0.0.1:" +
                                       std::to_string(silent.port) + " did not finish within"),
               r.summary);
    BOOST_TEST(took < 2.5);
}

BOOST_AUTO_TEST_CASE(https_to_a_plain_http_port_is_named, *servers) {
    auto r = run_probe(scep_probe(), ndes().trusting(),
                       {{"url", "https://127.0.0.1:" + std::to_string(ndes().nginx.port(1)) +
                                    "/plain/pkiclient.exe"}});
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("the TLS handshake with 127.0.0.1:" +
                              std::to_string(ndes().nginx.port(1)) + " failed") == 0,
               r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
