// The eas-cert-auth checklist (the EAS certificate authentication guide) end to end: the Exchange
// ActiveSync host is an nginx site asking for client certificates (IIS SSL Settings "Accept") and
// answering OPTIONS 401 as Exchange does, next to a plain HTTP port redirecting to https; the
// failing variants serve ActiveSync without asking for a certificate and over plain HTTP. NDES is
// an nginx SCEP responder, and the issued client certificates are PKCS#12 files made here.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/report_run.hpp"
#include "support/scep_responder_posix.hpp"
#include "support/served_pki_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>

using pft::contains;
using pft::NoAmbientProxy;
using pft::preflight_run;
using pft::verdict_everywhere;
using pft::words_everywhere;
using pft::operator+;

namespace {

const std::string secret = "Eas-Client-Pfx-Pw-93";
const std::string ndes_prefix = "/certsrv/mscep/mscep.dll";

// Exchange's answer to OPTIONS without credentials.
const std::string activesync_401 =
    "location = /Microsoft-Server-ActiveSync {\n"
    "  add_header WWW-Authenticate \"Negotiate\" always;\n"
    "  add_header WWW-Authenticate 'Basic realm=\"mail.e2e.example\"' always;\n"
    "  return 401;\n"
    "}\n";

struct Exchange {
    pft::ServedPki pki;
    pft::Issued mail = pki.leaf({.cn = "mail.e2e.example"});
    pft::Issued ra = pki.f.issue(pki.inter, {.cn = "NDES01-MSCEP-RA"});
    std::string bundle =
        pft::degenerate_pkcs7({pft::CertFactory::write_pem(pki.dir.file("ca.pem"), {&pki.inter}),
                               pft::CertFactory::write_pem(pki.dir.file("ra.pem"), {&ra})},
                              pki.dir.file("ca-ra.p7"));
    std::string caps = pki.dir.write("caps.txt", "POSTPKIOperation\r\nSHA-256\r\nAES\r\n");

    pft::NginxSite eas(const std::string& tls_directives) {
        auto s = pki.site(mail);
        s.extra = tls_directives + activesync_401;
        return s;
    }
    // The leaf without its intermediate: a chain devices cannot complete.
    pft::NginxSite incomplete() {
        auto s = pki.site({&mail});
        s.extra = activesync_401;
        return s;
    }
    pft::NginxSite ndes() {
        auto s = pki.site(mail);
        s.extra = pft::scep_locations(ndes_prefix, caps, "text/plain", bundle,
                                      "application/x-x509-ca-ra-cert") +
                  "location = /missing/pkiclient.exe { return 404; }\n";
        return s;
    }

    pft::Nginx nginx{{
        eas("ssl_verify_client optional; ssl_client_certificate " + pki.root_pem + ";\n"),
        {.extra = "location / { return 301 https://$host$request_uri; }\n", .tls = false},
        ndes(),
        eas(""),
        {.tls = false}, // every path answers 200
        // IIS SSL Settings "Required": nginx answers 400 without a certificate.
        eas("ssl_verify_client on; ssl_client_certificate " + pki.root_pem + ";\n"),
        incomplete(),
    }};
    std::string port(std::size_t site) const { return std::to_string(nginx.port(site)); }
    std::string scep_url(const std::string& prefix) const {
        return "https://127.0.0.1:" + port(2) + prefix + "/pkiclient.exe";
    }

    // An issued client certificate with its chain, as a PKCS#12 file.
    std::string client_pfx(const std::string& name, pft::CertSpec spec) {
        return pft::CertFactory::write_pkcs12(pki.dir.file(name), pki.f.issue(pki.inter, spec),
                                              {&pki.inter, &pki.root}, secret);
    }
    std::string good_pfx = client_pfx("alice.pfx", {.cn = "WorkspaceONEUEM.alice",
                                                    .email_sans = {"alice@e2e.example"},
                                                    .upn_sans = {"alice@corp.e2e.example"},
                                                    .ekus = {"clientAuth"}});
    std::string no_client_auth_pfx = client_pfx("noeku.pfx", {.cn = "WorkspaceONEUEM.bob",
                                                              .email_sans = {"bob@e2e.example"},
                                                              .upn_sans = {"bob@corp.e2e.example"},
                                                              .ekus = {"emailProtection"}});
    std::string no_upn_pfx = client_pfx("noupn.pfx", {.cn = "WorkspaceONEUEM.carol",
                                                      .email_sans = {"carol@e2e.example"},
                                                      .ekus = {"clientAuth"}});

    std::vector<std::string> args(std::size_t https_site, std::size_t http_site,
                                  const std::string& scep_prefix, const std::string& pfx) const {
        return {"--checklist",    "eas-cert-auth",
                "--timeout",      "5",
                "--trust-store",  pki.root_pem,
                "--public-roots", pki.root_pem,
                "--set",          "eas_host=127.0.0.1",
                "--set",          "eas_port=" + port(https_site),
                "--set",          "eas_http_port=" + port(http_site),
                "--set",          "scep_url=" + scep_url(scep_prefix),
                "--set",          "client_cert_file=" + pfx,
                "--set",          "client_cert_password=env:PF_EAS_PFX_PASSWORD"};
    }
};

// Runs preflight with the PFX password in the environment only.
std::unique_ptr<pft::Run> run_with_password(const Exchange& x, const std::string& tag,
                                            const std::vector<std::string>& args) {
    setenv("PF_EAS_PFX_PASSWORD", secret.c_str(), 1);
    auto r = preflight_run(x.pki.dir, tag, args);
    unsetenv("PF_EAS_PFX_PASSWORD");
    for (const auto* text : {&r->proc.out, &r->proc.err, &r->html, &r->junit_text, &r->json_text})
        BOOST_TEST(!contains(*text, secret), tag << ": the PFX password is shown");
    return r;
}

struct Case {
    std::string id, status, words;
};

void expect(const pft::Run& r, const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        verdict_everywhere(r, c.id, c.status);
        words_everywhere(r, c.id, c.words);
    }
}

const auto servers = pft::needs_programs({"nginx", "openssl"});

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli_eas_cert_auth, NoAmbientProxy)

BOOST_AUTO_TEST_CASE(a_server_ready_for_certificate_authentication_passes, *servers) {
    Exchange x;
    auto r = run_with_password(x, "ready", x.args(0, 1, ndes_prefix, x.good_pfx));
    BOOST_TEST(r->proc.exit_code == 0, r->proc.out << r->proc.err);
    expect(*r, {
                   {"eas.https", "pass", "certificate 'mail.e2e.example' of 127.0.0.1 is trusted"},
                   {"eas.require-ssl", "pass", "plain HTTP redirects to https://"},
                   {"eas.client-cert", "pass",
                    "certificate authentication in play (the server requests a client "
                    "certificate)"},
                   {"scep.test-connection", "pass",
                    "SCEP answers at " + x.scep_url(ndes_prefix) +
                        ": CA \"Preflight E2E CA 1\" and 1 RA"},
                   {"cert.eas-client", "pass",
                    "'WorkspaceONEUEM.alice' in " + x.good_pfx + " passes all 7 checks"},
               });
    BOOST_TEST(r->check("cert.eas-client")["args"]["password"] == "env:PF_EAS_PFX_PASSWORD");
}

BOOST_AUTO_TEST_CASE(each_missing_piece_fails_with_its_diagnosis, *servers) {
    Exchange x;
    auto r = run_with_password(x, "broken", x.args(3, 4, "/missing", x.no_client_auth_pfx));
    BOOST_TEST(r->proc.exit_code == 2, r->proc.out << r->proc.err);
    expect(*r, {
                   {"eas.https", "pass", "is trusted"},
                   {"eas.require-ssl", "fail",
                    "ActiveSync is served over plain HTTP (http://127.0.0.1:" + x.port(4) +
                        "/Microsoft-Server-ActiveSync answers 200"},
                   {"eas.client-cert", "fail",
                    "the server does not ask for a client certificate, but "
                    "client_cert=\"require\""},
                   {"scep.test-connection", "fail", "404 Not Found from"},
                   {"cert.eas-client", "fail",
                    "missing EKU: 'WorkspaceONEUEM.bob' does not contain Client Authentication"},
               });
    words_everywhere(*r, "cert.eas-client", "the certificate template is not configured correctly");

    auto upn = run_with_password(x, "no-upn", x.args(5, 1, ndes_prefix, x.no_upn_pfx));
    BOOST_TEST(upn->proc.exit_code == 2, upn->proc.out << upn->proc.err);
    expect(*upn, {
                     {"cert.eas-client", "fail",
                      "missing SAN: 'WorkspaceONEUEM.carol' has no Subject Alternative Name with "
                      "a Principal name"},
                     {"eas.client-cert", "pass",
                      "/Microsoft-Server-ActiveSync requires a client certificate (400"},
                     {"eas.require-ssl", "pass", "plain HTTP redirects to https://"},
                 });
    words_everywhere(*upn, "cert.eas-client",
                     "the certificate authority has not been configured to accept SAN");
}

BOOST_AUTO_TEST_CASE(a_certificate_devices_cannot_trust_fails_every_eas_check, *servers) {
    Exchange x;
    auto r = preflight_run(x.pki.dir, "untrusted",
                           {"--checklist", "eas-cert-auth", "--timeout", "5", "--trust-store",
                            x.pki.root_pem, "--public-roots", x.pki.root_pem, "--set",
                            "eas_host=127.0.0.1", "--set", "eas_port=" + x.port(6)});
    BOOST_TEST(r->proc.exit_code == 2, r->proc.out << r->proc.err);
    for (auto id : {"eas.https", "eas.require-ssl", "eas.client-cert"}) {
        verdict_everywhere(*r, id, "fail");
        words_everywhere(*r, id, "incomplete chain: ");
    }
    verdict_everywhere(*r, "scep.test-connection", "skip");
    verdict_everywhere(*r, "cert.eas-client", "skip");
}

BOOST_AUTO_TEST_CASE(an_eas_host_with_scheme_and_path_is_refused_with_the_guides_words) {
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist", "eas-cert-auth", "--set",
                       "eas_host=https://mail.example.test/Microsoft-Server-ActiveSync"});
    BOOST_TEST(r.exit_code == 3, r.out << r.err);
    BOOST_TEST(contains(r.err, "--set eas_host: 'https://mail.example.test/"
                               "Microsoft-Server-ActiveSync' is not valid"),
               r.err);
    BOOST_TEST(contains(r.err, "a host name without a scheme"), r.err);
    BOOST_TEST(contains(r.err, "Do not include http:// or https:// at the beginning and do not "
                               "include /Microsoft-server-activesync at the end."),
               r.err);
}

BOOST_AUTO_TEST_CASE(checks_without_their_host_url_or_file_are_skipped) {
    pft::TempDir t;
    auto r = preflight_run(t, "none", {"--checklist", "eas-cert-auth"});
    BOOST_TEST(r->proc.exit_code == 0, r->proc.out << r->proc.err);
    for (auto id : {"eas.https", "eas.require-ssl", "eas.client-cert", "scep.test-connection",
                    "cert.eas-client"})
        verdict_everywhere(*r, id, "skip");
    words_everywhere(*r, "eas.client-cert", "not configured: give --set eas_host=");
    words_everywhere(*r, "scep.test-connection", "not configured: give --set scep_url=");
    words_everywhere(*r, "cert.eas-client", "not configured: give --set client_cert_file=");
}

BOOST_AUTO_TEST_SUITE_END()
