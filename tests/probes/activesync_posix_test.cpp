// The activesync and exchange_powershell probes against nginx answering as
// Exchange does: 401 with the WWW-Authenticate headers Exchange sends, 200
// with MS-ASProtocolVersions for the right Basic credentials, an IIS 403.16
// page, servers that ask for (or require) a client certificate in the TLS
// handshake, and plain-HTTP sites that redirect or serve.
#include "probes/web/activesync.hpp"
#include "probes/web/exchange_powershell.hpp"
#include "support/certs.hpp"
#include "support/http_auth.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using pf::test::declaration_refuses;
using pf::test::run_probe;
using pft::any_contains;
using pft::contains;

namespace {

const std::string user = "EXAMPLE\\alice";
const std::string password = "Correct-Horse-7";

// Exchange's challenge headers, one per scheme as IIS sends them.
const std::string challenges = "add_header WWW-Authenticate \"Negotiate\" always;\n"
                               "add_header WWW-Authenticate \"NTLM\" always;\n"
                               "add_header WWW-Authenticate 'Basic realm=\"mail.example.test\"' "
                               "always;\n";

std::string eas_location(const std::string& path) {
    std::string auth = pft::basic_authorization(user, password);
    return "location = " + path +
           " {\n"
           "  if ($http_authorization = \"" +
           auth +
           "\") {\n"
           "    add_header MS-ASProtocolVersions \"2.5,12.0,12.1,14.0,14.1,16.0,16.1\" always;\n"
           "    add_header MS-ASProtocolCommands \"Sync,SendMail,FolderSync,Ping\" always;\n"
           "    return 200;\n"
           "  }\n" +
           challenges + "  return 401;\n}\n";
}

const std::string iis_403_16 =
    "<html><head><title>403.16 - Forbidden: Client certificate is untrusted or invalid."
    "</title></head><body><h2>403.16 - Forbidden: Client certificate is untrusted or "
    "invalid.</h2></body></html>";

const std::string iis_403_7 = "<html><head><title>403.7 - Forbidden: Client certificate "
                              "required.</title></head></html>";

struct Exchange {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued ca = f.root({.cn = "Preflight Exchange Test CA"});
    pft::Issued leaf = f.issue(ca, {.cn = "localhost",
                                    .dns_sans = {"localhost"},
                                    .ip_sans = {"127.0.0.1"},
                                    .ekus = {"serverAuth"}});
    std::string ca_pem = pft::CertFactory::write_pem(t.file("ca.pem"), {&ca});
    std::string chain = pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf});
    std::string key = pft::CertFactory::write_key(t.file("leaf.key"), leaf);
    pft::Nginx nginx{{
        // 0: Exchange with password authentication.
        {chain, key,
         eas_location("/Microsoft-Server-ActiveSync") +
             "location = /basic-only { add_header WWW-Authenticate 'Basic realm=\"mail\"' "
             "always; return 401; }\n"
             "location = /forbidden { default_type text/html; return 403 '" +
             iis_403_16 +
             "'; }\n"
             "location = /missing { return 404; }\n"
             "location = /cert-only { default_type text/html; return 403 '" +
             iis_403_7 +
             "'; }\n"
             "location = /powershell { add_header WWW-Authenticate \"Negotiate\" always; "
             "return 401; }\n"},
        // 1: client certificates required (IIS SSL Settings: Require).
        {chain, key,
         "ssl_verify_client on; ssl_client_certificate " + ca_pem + ";\n" +
             eas_location("/Microsoft-Server-ActiveSync")},
        // 2: client certificates asked for, not required (IIS: Accept).
        {chain, key,
         "ssl_verify_client optional_no_ca; ssl_client_certificate " + ca_pem + ";\n" +
             eas_location("/Microsoft-Server-ActiveSync")},
        // 3: plain HTTP redirected to https.
        {.extra = "location = /Microsoft-Server-ActiveSync { return 301 "
                  "https://$host$request_uri; }\n",
         .tls = false},
        // 4: ActiveSync served over plain HTTP.
        {.extra = eas_location("/Microsoft-Server-ActiveSync"), .tls = false},
    }};

    std::map<std::string, std::string> at(std::size_t site) const {
        return {{"host", "127.0.0.1"}, {"port", std::to_string(nginx.port(site))}};
    }
    RunEnvironment trusting() const {
        RunEnvironment env;
        env.tls.trust.system_file = ca_pem;
        return env;
    }
};

Exchange& exchange() {
    static Exchange e;
    return e;
}

// openssl s_server demanding a client certificate: without one it ends the
// handshake (TLS 1.2) or the connection after it (TLS 1.3), as IIS does
// when its binding negotiates client certificates and the site requires one.
struct DemandingServer {
    unsigned short port = pft::unused_port();
    std::unique_ptr<pft::Background> proc;
    explicit DemandingServer(const std::string& version) {
        const Exchange& e = exchange();
        std::vector<std::string> argv = {
            "openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port),
            "-cert",   e.chain,    "-key",    e.key,
            "-Verify", "1",        "-CAfile", e.ca_pem,
            "-quiet",  "-www"};
        if (!version.empty()) argv.push_back(version);
        proc = std::make_unique<pft::Background>(argv, e.t.file("s_server" + version + ".log"));
        if (!pft::wait_for_port("127.0.0.1", port, 10))
            throw std::runtime_error("openssl s_server did not start");
    }
    std::map<std::string, std::string> args() const {
        return {{"host", "127.0.0.1"}, {"port", std::to_string(port)}};
    }
};

std::string all_text(const ProbeResult& r) {
    std::string s = r.summary + "\n" + r.alert + "\n";
    for (const auto& e : r.evidence)
        s += e + "\n";
    for (const auto& b : r.blocks) {
        s += b.title + "\n";
        for (const auto& l : b.lines)
            s += l + "\n";
    }
    return s;
}

const auto servers = pft::needs_programs({"nginx"});
const auto with_openssl = pft::needs_programs({"nginx", "openssl"});

} // namespace

BOOST_AUTO_TEST_SUITE(activesync_probe_on_nginx)

BOOST_AUTO_TEST_CASE(unauthenticated_options_lists_the_schemes, *servers) {
    auto r = run_probe(activesync_probe(), exchange().trusting(), exchange().at(0));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "https://127.0.0.1:" + std::to_string(exchange().nginx.port(0)) +
                                       "/Microsoft-Server-ActiveSync answers 401 and offers "
                                       "Negotiate, NTLM, Basic"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "WWW-Authenticate: Basic realm=\"mail.example.test\""));
    BOOST_TEST(any_contains(r.evidence, "without credentials: OPTIONS https://127.0.0.1:"));
    BOOST_TEST(any_contains(r.evidence, "does not request a client certificate"));
    BOOST_TEST(!contains(r.summary, "certificate authentication"), r.summary);
}

BOOST_AUTO_TEST_CASE(credentials_get_200_and_protocol_versions_without_the_password, *servers) {
    auto args = exchange().at(0);
    args["user"] = user;
    args["password"] = password;
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "the credentials of user \"EXAMPLE\\alice\" are accepted: "
                                   "MS-ASProtocolVersions 2.5,12.0,12.1,14.0,14.1,16.0,16.1"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "MS-ASProtocolCommands: Sync,SendMail,FolderSync,Ping"));
    BOOST_TEST(any_contains(r.evidence, "credentials sent with Basic"));
    BOOST_TEST(!contains(all_text(r), password));
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_rejected_and_not_shown, *servers) {
    auto args = exchange().at(0);
    args["user"] = user;
    args["password"] = "Wrong-Battery-9";
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("the credentials of user \"EXAMPLE\\alice\" are rejected (401 "
                              "Unauthorized): wrong password") == 0,
               r.summary);
    BOOST_TEST(!contains(all_text(r), "Wrong-Battery-9"));
}

BOOST_AUTO_TEST_CASE(basic_only_path_and_iis_403_16, *servers) {
    auto args = exchange().at(0);
    args["path"] = "/basic-only";
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "/basic-only answers 401 and offers Basic"), r.summary);

    args["path"] = "/forbidden";
    auto f = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(f.status == Status::fail, f.summary);
    BOOST_TEST(contains(f.summary, "/forbidden answered 403.16 client certificate untrusted or "
                                   "invalid: put the CA that issues the device certificates"),
               f.summary);

    args["path"] = "/cert-only";
    auto c = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(c.status == Status::pass, c.summary);
    BOOST_TEST(contains(c.summary, "/cert-only requires a client certificate (403 Forbidden): "
                                   "certificate authentication only; certificate "
                                   "authentication in play (the server requires a client "
                                   "certificate)"),
               c.summary);

    args["path"] = "/missing";
    auto m = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(m.status == Status::fail, m.summary);
    BOOST_TEST(m.summary.find("404 Not Found from") == 0, m.summary);
    BOOST_TEST(contains(m.summary, "no ActiveSync virtual directory at /missing"), m.summary);
}

BOOST_AUTO_TEST_CASE(a_server_requiring_client_certificates_is_reported, *servers) {
    auto r = run_probe(activesync_probe(), exchange().trusting(), exchange().at(1));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "requires a client certificate (400"), r.summary);
    BOOST_TEST(contains(r.summary, "certificate authentication in play (the server requests a "
                                   "client certificate)"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "issuers it accepts: CN=Preflight Exchange Test CA"));

    auto args = exchange().at(1);
    args["client_cert"] = "require";
    auto q = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(q.status == Status::pass, q.summary);
}

BOOST_AUTO_TEST_CASE(client_certificate_asked_for_but_optional, *servers) {
    auto args = exchange().at(2);
    args["client_cert"] = "require";
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "answers 401 and offers Negotiate, NTLM, Basic"), r.summary);
    BOOST_TEST(contains(r.summary, "certificate authentication in play"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_handshake_refused_without_a_certificate_tls12, *with_openssl) {
    DemandingServer server("-tls1_2");
    auto args = server.args();
    args["client_cert"] = "require";
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "refuses connections without a client certificate: "
                                   "certificate authentication only; certificate authentication "
                                   "in play"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "without a client certificate: handshake failed"));
}

BOOST_AUTO_TEST_CASE(a_connection_ended_without_a_certificate_tls13, *with_openssl) {
    DemandingServer server("");
    auto r = run_probe(activesync_probe(), exchange().trusting(), server.args());
    BOOST_TEST(r.status == Status::warn, r.summary);
    BOOST_TEST(contains(r.summary, "refuses connections without a client certificate: "
                                   "certificate authentication only; ActiveSync's answers cannot "
                                   "be checked without a certificate"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "the server requests a client certificate"));
}

BOOST_AUTO_TEST_CASE(require_mode_fails_without_a_certificate_request, *servers) {
    auto args = exchange().at(0);
    args["client_cert"] = "require";
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("the server does not ask for a client certificate, but "
                              "client_cert=\"require\"") == 0,
               r.summary);
    BOOST_TEST(contains(r.summary, "clientCertificateMappingAuthentication"), r.summary);
}

BOOST_AUTO_TEST_CASE(require_ssl_passes_when_plain_http_is_refused_or_redirected, *servers) {
    auto args = exchange().at(0);
    args["require_ssl"] = "true";
    args["http_port"] = std::to_string(pft::unused_port());
    auto refused = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(refused.status == Status::pass, refused.summary);
    BOOST_TEST(contains(refused.summary,
                        "plain HTTP is not served (http://127.0.0.1:" + args["http_port"] +
                            "/Microsoft-Server-ActiveSync refused)"),
               refused.summary);

    args["http_port"] = std::to_string(exchange().nginx.port(3));
    auto redirected = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(redirected.status == Status::pass, redirected.summary);
    BOOST_TEST(contains(redirected.summary,
                        "plain HTTP redirects to https://127.0.0.1/Microsoft-Server-ActiveSync"),
               redirected.summary);
}

BOOST_AUTO_TEST_CASE(require_ssl_fails_when_plain_http_serves_activesync, *servers) {
    auto args = exchange().at(0);
    args["require_ssl"] = "true";
    args["http_port"] = std::to_string(exchange().nginx.port(4));
    args["user"] = user;
    args["password"] = password;
    auto r = run_probe(activesync_probe(), exchange().trusting(), args);
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find(
                   "ActiveSync is served over plain HTTP (http://127.0.0.1:" + args["http_port"] +
                   "/Microsoft-Server-ActiveSync answers 401 Unauthorized)") == 0,
               r.summary);
    BOOST_TEST(contains(r.summary, "set Require SSL"), r.summary);
    BOOST_TEST(!contains(all_text(r), password));
}

BOOST_AUTO_TEST_CASE(untrusted_tls_and_a_host_with_scheme_or_path, *servers) {
    auto r = run_probe(activesync_probe(), RunEnvironment{}, exchange().at(0));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("TLS: ") == 0, r.summary);

    BOOST_TEST(contains(
        declaration_refuses(activesync_probe(),
                            {{"host", "https://mail.example.test/Microsoft-Server-ActiveSync"}}),
        "host: expected a host name without a scheme"));
    BOOST_TEST(
        contains(declaration_refuses(activesync_probe(), {{"host", "mail.example.test:443"}}),
                 "host: expected a host name without a port"));

    auto no_password = run_probe(activesync_probe(), exchange().trusting(),
                                 {{"host", "127.0.0.1"}, {"user", user}});
    BOOST_TEST(no_password.status == Status::error);
    BOOST_TEST(contains(no_password.summary, "is given without a password"), no_password.summary);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(exchange_powershell_probe_on_nginx)

BOOST_AUTO_TEST_CASE(negotiate_passes_basic_only_and_missing_fail, *servers) {
    auto r = run_probe(exchange_powershell_probe(), exchange().trusting(), exchange().at(0));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "/powershell answers 401 and offers Negotiate: Kerberos "
                                   "(Negotiate) sign-in is possible"),
               r.summary);

    auto args = exchange().at(0);
    args["path"] = "/basic-only";
    auto b = run_probe(exchange_powershell_probe(), exchange().trusting(), args);
    BOOST_TEST(b.status == Status::fail, b.summary);
    BOOST_TEST(contains(b.summary, "answers 401 but offers Basic only, not Negotiate (Kerberos)"),
               b.summary);

    args["path"] = "/missing";
    auto m = run_probe(exchange_powershell_probe(), exchange().trusting(), args);
    BOOST_TEST(m.status == Status::fail, m.summary);
    BOOST_TEST(contains(m.summary, "no PowerShell virtual directory at /missing"), m.summary);
}

BOOST_AUTO_TEST_SUITE_END()
