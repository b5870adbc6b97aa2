// Negotiate (SPNEGO with Kerberos) to a proxy, as Windows sites run them:
// a real MIT KDC, squid with negotiate_kerberos_auth, and the user's ticket
// in a credential cache, as kinit or a domain logon leaves it. No password
// is given to preflight.
#include "probes/web/http.hpp"
#include "support/certs.hpp"
#include "support/hostile_peer_posix.hpp"
#include "support/kdc_posix.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/scoped_env.hpp"
#include "support/servers_posix.hpp"
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

using namespace pf;
using pf::test::run_probe;

namespace {

// One realm, one HTTPS origin and one Kerberos proxy for this file: squid
// takes seconds to stop.
struct Realm {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Negotiate Test Root"});
    pft::Issued leaf =
        f.issue(root, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}, .ekus = {"serverAuth"}});
    std::string root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    pft::Nginx nginx{{{pft::CertFactory::write_pem(t.file("leaf.pem"), {&leaf}),
                       pft::CertFactory::write_key(t.file("leaf.key"), leaf),
                       "location = /awcm/status { return 200 \"AWCM Status: OK\\n\"; }"}}};
    pft::Kdc kdc;
    std::string user_keytab = kdc.add_principal("alice");
    std::string http_keytab = kdc.add_principal("HTTP/localhost");
    // Before squid: its helper reads the realm from it too.
    pft::ScopedEnv config{"KRB5_CONFIG", kdc.config()};
    pft::Squid squid{
        {.negotiate_keytab = http_keytab, .negotiate_principal = "HTTP/localhost@" + kdc.realm()}};

    // The proxy by the name its service principal is registered under.
    RunEnvironment env(const std::string& proxy_host = "localhost") const {
        RunEnvironment e;
        e.tls.trust.system_file = root_pem;
        e.proxy.host = proxy_host;
        e.proxy.port = squid.port();
        e.proxy.origin = "--proxy";
        return e;
    }
    std::map<std::string, std::string> status_check() const {
        return {{"host", "127.0.0.1"},
                {"port", std::to_string(nginx.port())},
                {"path", "/awcm/status"},
                {"body", "AWCM Status: OK"}};
    }
};

Realm& realm() {
    static Realm r;
    return r;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const auto servers =
    pft::needs_programs({"nginx", "squid", "krb5kdc", "kdb5_util", "kadmin.local", "kinit"});

// A 407 carrying "Negotiate <token>" continues the exchange on the same
// connection: the token goes to GSS-API. The proxy's two answers arrive at
// once, as a proxy that pipelines them sends them.
pft::PeerScript two_answers(const std::string& proxy_token) {
    const std::string offer = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                              "Proxy-Authenticate: Negotiate\r\n"
                              "Content-Length: 0\r\n\r\n";
    const std::string next = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                             "Proxy-Authenticate: Negotiate " +
                             proxy_token + "\r\nContent-Length: 0\r\n\r\n";
    return {.wait_for_request = true, .reply = offer + next};
}

ProbeResult through(const pft::HostilePeer& peer) {
    RunEnvironment env = realm().env();
    env.proxy.port = peer.port();
    return run_probe(http_probe(), env, realm().status_check());
}

} // namespace

BOOST_AUTO_TEST_SUITE(negotiate_through_squid)

BOOST_AUTO_TEST_CASE(the_users_ticket_opens_the_tunnel, *servers) {
    pft::ScopedEnv cache("KRB5CCNAME", realm().kdc.kinit("alice"));
    auto r = run_probe(http_probe(), realm().env(), realm().status_check());
    BOOST_TEST(r.status == Status::pass, r.summary);
    // squid names the Kerberos user of the tunnel once it has closed.
    bool logged = false;
    for (int i = 0; i < 30 && !logged; ++i) {
        logged = contains(realm().squid.access_log(), "alice@" + realm().kdc.realm());
        if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST(logged, realm().squid.access_log());
    // proxy_auth="basic" does not allow Negotiate: the 407 stands.
    auto args = realm().status_check();
    args["proxy_auth"] = "basic";
    r = run_probe(http_probe(), realm().env(), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.reason == Reason::proxy_auth_required, r.summary);
}

BOOST_AUTO_TEST_CASE(without_a_ticket_the_verdict_says_kinit, *servers) {
    std::string missing = realm().t.file("no-such-ccache");
    pft::ScopedEnv cache("KRB5CCNAME", "FILE:" + missing);
    auto r = run_probe(http_probe(), realm().env(), realm().status_check());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST_MESSAGE(r.summary);
    BOOST_TEST(r.reason == Reason::kerberos_no_ticket, r.summary);
    BOOST_TEST(contains(r.summary, "no valid Kerberos ticket"), r.summary);
    BOOST_TEST(contains(r.summary, "kinit"), r.summary);
    // The GSS-API's own words name the cache it looked in.
    BOOST_TEST(contains(r.summary, missing), r.summary);
}

BOOST_AUTO_TEST_CASE(a_proxy_name_without_a_service_principal_is_named, *servers) {
    pft::ScopedEnv cache("KRB5CCNAME", realm().kdc.kinit("alice"));
    // The same proxy by its address: the KDC knows no HTTP/127.0.0.1.
    auto r = run_probe(http_probe(), realm().env("127.0.0.1"), realm().status_check());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST_MESSAGE(r.summary);
    BOOST_TEST(r.reason == Reason::kerberos_unknown_service, r.summary);
    BOOST_TEST(contains(r.summary, "no service principal HTTP/127.0.0.1"), r.summary);
}

// A proxy whose keytab lacks its own service key (a stale or wrong keytab)
// cannot read the ticket: its bare "Negotiate" again is a rejection.
BOOST_AUTO_TEST_CASE(a_ticket_the_proxy_cannot_read_is_rejected, *servers) {
    pft::ScopedEnv cache("KRB5CCNAME", realm().kdc.kinit("alice"));
    pft::Squid wrong_keytab{{.negotiate_keytab = realm().kdc.add_principal("HTTP/elsewhere"),
                             .negotiate_principal = "HTTP/localhost@" + realm().kdc.realm()}};
    RunEnvironment env = realm().env();
    env.proxy.port = wrong_keytab.port();
    auto r = run_probe(http_probe(), env, realm().status_check());
    BOOST_TEST_MESSAGE(r.summary);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.reason == Reason::proxy_auth_rejected, r.summary);
    BOOST_TEST(contains(r.summary, "rejected the Kerberos ticket for HTTP/localhost"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_proxy_token_continues_the_exchange, *servers) {
    pft::ScopedEnv cache("KRB5CCNAME", realm().kdc.kinit("alice"));
    // SPNEGO's "accept-incomplete" naming Kerberos: GSS-API has nothing more
    // to send, and a proxy still answering 407 has not accepted the ticket.
    pft::HostilePeer incomplete(two_answers("oRQwEqADCgEBoQsGCSqGSIb3EgECAg=="));
    auto r = through(incomplete);
    BOOST_TEST(incomplete.connections() == 1);
    BOOST_TEST(contains(incomplete.received(), "Proxy-Authorization: Negotiate "),
               incomplete.received());
    BOOST_TEST(r.reason == Reason::proxy_auth_rejected, r.summary);
    BOOST_TEST(contains(r.summary, "rejected the Kerberos ticket"), r.summary);
    // A token GSS-API cannot read: its own words.
    pft::HostilePeer garbled(two_answers("AAAA"));
    r = through(garbled);
    BOOST_TEST(r.reason == Reason::kerberos_failed, r.summary);
    BOOST_TEST(contains(r.summary, "failed on this host: Invalid token"), r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
