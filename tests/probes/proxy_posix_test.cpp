// The http and proxy probes through real proxies on loopback: squid with
// Basic authentication, tinyproxy restricting CONNECT ports. Each verdict
// must say whose fault a failure is, and the proxy password must never
// appear in a result.
#include "probes/tls/tls.hpp"
#include "probes/web/http.hpp"
#include "probes/web/proxy.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace pf;
using pf::test::run_probe;

namespace {

const std::string password = "s3cret-Pa55";

// An HTTPS origin (and a plain one) behind squid with Basic authentication,
// started once for this file: squid takes seconds to stop.
struct Setup {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Proxy Test Root"});
    pft::Issued leaf =
        f.issue(root, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}, .ekus = {"serverAuth"}});
    std::string root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    pft::Nginx nginx{{
        {pft::CertFactory::write_pem(t.file("leaf.pem"), {&leaf}),
         pft::CertFactory::write_key(t.file("leaf.key"), leaf),
         "location = /awcm/status { return 200 \"AWCM Status: OK\\n\"; }"},
        {.tls = false},
    }};
    pft::Squid squid{{.basic_user = "alice", .basic_password = password}};
    std::string tls_port = std::to_string(nginx.port(0));
    std::string plain_port = std::to_string(nginx.port(1));

    // The run's settings: trust in the test root, squid as the proxy.
    RunEnvironment env(const std::string& user = "", const std::string& pass = "") const {
        RunEnvironment e;
        e.tls.trust.system_file = root_pem;
        e.proxy.host = "127.0.0.1";
        e.proxy.port = squid.port();
        e.proxy.user = user;
        if (!pass.empty()) e.proxy.password = std::make_shared<const Secret>(pass, "env:PW");
        e.proxy.origin = "--proxy";
        return e;
    }
    std::string proxy_url(const std::string& user = "") const {
        return "http://" + (user.empty() ? "" : user + "@") +
               "127.0.0.1:" + std::to_string(squid.port());
    }
};

Setup& setup() {
    static Setup s;
    return s;
}

std::map<std::string, std::string> status_check() {
    return {{"host", "127.0.0.1"}, {"port", setup().tls_port}, {"path", "/awcm/status"}};
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

bool has_line(const ProbeResult& r, const std::string& text) {
    for (const auto& e : r.evidence)
        if (contains(e, text)) return true;
    return false;
}

// The password in no field a report shows.
void no_secret(const ProbeResult& r) {
    BOOST_TEST(!contains(r.summary, password), r.summary);
    BOOST_TEST(!contains(r.alert, password));
    for (const auto& e : r.evidence)
        BOOST_TEST(!contains(e, password), e);
    for (const auto& b : r.blocks) {
        BOOST_TEST(!contains(b.title, password));
        for (const auto& l : b.lines)
            BOOST_TEST(!contains(l, password), l);
    }
}

ProbeResult checked(const ProbeKind& kind, const RunEnvironment& env,
                    std::map<std::string, std::string> args) {
    auto r = run_probe(kind, env, std::move(args));
    no_secret(r);
    return r;
}

// squid logged a CONNECT to the test origin by user (it writes its log
// shortly after the answer).
bool connect_logged_for(const pft::Squid& squid, const std::string& user) {
    for (int i = 0; i < 30; ++i) {
        if (contains(squid.access_log(), "CONNECT 127.0.0.1:" + setup().tls_port) &&
            contains(squid.access_log(), user))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

const auto servers = pft::needs_programs({"nginx", "squid"});

// A proxy that accepts connections (the kernel does, from its backlog) and
// never answers.
struct SilentProxy {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    std::uint16_t port = 0;
    SilentProxy() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof a;
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || listen(fd, 8) != 0)
            throw std::runtime_error("cannot listen on loopback");
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
    }
    ~SilentProxy() { close(fd); }
    RunEnvironment env() const {
        RunEnvironment e;
        e.proxy.host = "127.0.0.1";
        e.proxy.port = port;
        return e;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(http_probe_through_squid)

BOOST_AUTO_TEST_CASE(without_credentials_the_407_names_the_schemes, *servers) {
    auto r = checked(http_probe(), setup().env(), status_check());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "proxy wants authentication: Basic realm=\"preflight-test\"; give "
                            "--proxy http://USER@127.0.0.1:" +
                                std::to_string(setup().squid.port()) +
                                " and --proxy-password env:NAME",
               r.summary);
    BOOST_TEST(has_line(r, "proxy answered: HTTP/1.1 407 Proxy Authentication Required"));
    BOOST_TEST(has_line(r, "route: through the proxy " + setup().proxy_url() + " (from --proxy)"));
}

BOOST_AUTO_TEST_CASE(with_credentials_the_request_goes_through_the_tunnel, *servers) {
    auto args = status_check();
    args["body"] = "AWCM Status: OK";
    auto r = checked(http_probe(), setup().env("alice", password), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "200 OK from https://127.0.0.1:" + setup().tls_port +
                                       "/awcm/status through " + setup().proxy_url("alice")),
               r.summary);
    BOOST_TEST(has_line(r, "proxy address: 127.0.0.1"));
    // squid logs a tunnel when it has closed.
    bool logged = false;
    for (int i = 0; i < 30 && !logged; ++i) {
        logged = contains(setup().squid.access_log(), "CONNECT 127.0.0.1:" + setup().tls_port);
        if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST(logged, setup().squid.access_log());
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_diagnosed, *servers) {
    auto r = checked(http_probe(), setup().env("alice", "not-" + password), status_check());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy rejected the credentials for user alice (407 again; it "
                              "offers Basic realm=\"preflight-test\")") == 0,
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_scheme_the_proxy_does_not_offer_is_named, *servers) {
    auto args = status_check();
    args["proxy_auth"] = "ntlm";
    auto r = checked(http_probe(), setup().env("alice", password), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy offers Basic realm=\"preflight-test\", but "
                              "proxy_auth=\"ntlm\" allows none of them") == 0,
               r.summary);
}

BOOST_AUTO_TEST_CASE(plain_http_is_forwarded_by_the_proxy, *servers) {
    std::map<std::string, std::string> args = {
        {"host", "127.0.0.1"}, {"port", setup().plain_port}, {"scheme", "http"}};
    auto r = checked(http_probe(), setup().env("alice", password), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "through " + setup().proxy_url("alice")), r.summary);
    r = checked(http_probe(), setup().env(), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("proxy wants authentication: Basic realm=\"preflight-test\"") == 0,
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_target_the_proxy_cannot_reach_is_not_the_proxys_fault, *servers) {
    auto closed = std::to_string(pft::unused_port());
    auto r = checked(http_probe(), setup().env("alice", password),
                     {{"host", "127.0.0.1"}, {"port", closed}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy could not reach 127.0.0.1:" + closed + " (HTTP/1.1 503") ==
                   0,
               r.summary);
    BOOST_TEST(has_line(r, "X-Squid-Error: ERR_CONNECT_FAIL"));
}

BOOST_AUTO_TEST_CASE(no_proxy_sends_the_request_direct, *servers) {
    auto env = setup().env("alice", password);
    env.proxy.no_proxy = {"127.0.0.1"};
    auto r = checked(http_probe(), env, status_check());
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(!contains(r.summary, "through"), r.summary);
    BOOST_TEST(has_line(r, "route: direct: NO_PROXY (127.0.0.1) bypasses the proxy"));
    // via="proxy" insists on the proxy, NO_PROXY or not.
    auto args = status_check();
    args["via"] = "proxy";
    r = checked(http_probe(), env, args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "through " + setup().proxy_url("alice")), r.summary);
}

BOOST_AUTO_TEST_CASE(via_proxy_without_a_proxy_is_skipped) {
    auto r = checked(http_probe(), {}, {{"host", "127.0.0.1"}, {"via", "proxy"}});
    BOOST_TEST(r.status == Status::skip);
    BOOST_TEST(contains(r.summary, "no outbound proxy configured"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_silent_proxy_is_named_at_the_deadline) {
    SilentProxy silent;
    auto r = run_probe(http_probe(), silent.env(), {{"host", "awcm274.awmdm.com"}},
                       std::chrono::milliseconds(500));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary ==
                   "no answer from the proxy http://127.0.0.1:" + std::to_string(silent.port) +
                       " to CONNECT awcm274.awmdm.com:443 within 0.5 s (it accepted the "
                       "connection, then stayed silent)",
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_proxy_that_refuses_is_blamed, *servers) {
    RunEnvironment env = setup().env("alice", password);
    env.proxy.port = pft::unused_port();
    auto r = checked(http_probe(), env, status_check());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy http://alice@127.0.0.1:" + std::to_string(env.proxy.port) +
                              " itself refused the connection") == 0,
               r.summary);
    BOOST_TEST(contains(r.summary, "the proxy's fault, not 127.0.0.1:" + setup().tls_port + "'s"));
}

// A proxy that authenticates with NTLM only, as Active Directory shops run
// them: the tunnel answers its challenge (NTLMv2) on the same connection.
BOOST_AUTO_TEST_CASE(an_ntlm_proxy_is_answered_in_ntlm, *servers) {
    pft::Squid ntlm({.ntlm = true});
    RunEnvironment env = setup().env("CORP\\bob", "ntlm-Pa55");
    env.proxy.port = ntlm.port();
    auto args = status_check();
    args["body"] = "AWCM Status: OK";
    auto r = run_probe(http_probe(), env, args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(connect_logged_for(ntlm, "bob"), ntlm.access_log());
    // Without credentials the 407 names NTLM; proxy_auth="basic" allows none
    // of what it offers.
    env.proxy.user.clear();
    env.proxy.password.reset();
    r = run_probe(http_probe(), env, status_check());
    BOOST_TEST(r.summary.find("proxy wants authentication: NTLM") == 0, r.summary);
    env = setup().env("CORP\\bob", "ntlm-Pa55");
    env.proxy.port = ntlm.port();
    args = status_check();
    args["proxy_auth"] = "basic";
    r = run_probe(http_probe(), env, args);
    BOOST_TEST(r.summary.find("the proxy offers NTLM, but proxy_auth=\"basic\" allows none") == 0,
               r.summary);
}

// Digest: the password never crosses the wire, and a wrong one is rejected.
BOOST_AUTO_TEST_CASE(a_digest_proxy_is_answered_in_digest, *servers) {
    pft::Squid digest({.basic_user = "carol", .basic_password = "dig-Pa55", .digest = true});
    RunEnvironment env = setup().env("carol", "dig-Pa55");
    env.proxy.port = digest.port();
    auto r = run_probe(http_probe(), env, status_check());
    BOOST_TEST(r.status == Status::pass, r.summary);
    env = setup().env("carol", "not-dig-Pa55");
    env.proxy.port = digest.port();
    r = run_probe(http_probe(), env, status_check());
    BOOST_TEST(r.summary.find("the proxy rejected the credentials for user carol") == 0, r.summary);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(proxy_probe_connect)

BOOST_AUTO_TEST_CASE(without_a_proxy_the_check_is_skipped) {
    auto r = checked(proxy_probe(), {}, {{"host", "awcm274.awmdm.com"}});
    BOOST_TEST(r.status == Status::skip);
    BOOST_TEST(r.summary == "no outbound proxy configured (--proxy URL, the site file's <proxy>, "
                            "or HTTPS_PROXY)");
}

BOOST_AUTO_TEST_CASE(a_no_proxy_match_is_skipped_saying_so) {
    RunEnvironment env;
    env.proxy.host = "proxy.corp.example";
    env.proxy.port = 8080;
    env.proxy.no_proxy = {".awmdm.com"};
    auto r = checked(proxy_probe(), env, {{"host", "awcm274.awmdm.com"}});
    BOOST_TEST(r.status == Status::skip);
    BOOST_TEST(r.summary == "NO_PROXY (.awmdm.com) bypasses the proxy "
                            "http://proxy.corp.example:8080 for awcm274.awmdm.com: the "
                            "connection goes direct");
}

BOOST_AUTO_TEST_CASE(the_tunnel_opens_with_credentials, *servers) {
    auto r = checked(proxy_probe(), setup().env("alice", password),
                     {{"host", "127.0.0.1"}, {"port", setup().tls_port}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("CONNECT to 127.0.0.1:" + setup().tls_port + " through " +
                              setup().proxy_url("alice") + " established (") == 0,
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_407_names_the_scheme_and_the_credentials, *servers) {
    std::map<std::string, std::string> args = {{"host", "127.0.0.1"}, {"port", setup().tls_port}};
    auto r = checked(proxy_probe(), setup().env(), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("proxy wants authentication: Basic realm=\"preflight-test\"; give "
                              "--proxy http://USER@127.0.0.1:") == 0,
               r.summary);
    BOOST_TEST(has_line(r, "credentials sent: none"));
    r = checked(proxy_probe(), setup().env("alice", "wrong"), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy rejected the credentials for user alice") == 0, r.summary);
    BOOST_TEST(has_line(r, "credentials sent: Basic, user alice"));
}

BOOST_AUTO_TEST_CASE(a_proxy_port_nothing_listens_on_is_the_proxys_fault) {
    RunEnvironment env;
    env.proxy.host = "127.0.0.1";
    env.proxy.port = pft::unused_port();
    auto r = checked(proxy_probe(), env, {{"host", "awcm274.awmdm.com"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy http://127.0.0.1:" + std::to_string(env.proxy.port) +
                              " itself refused the connection") == 0,
               r.summary);
    BOOST_TEST(contains(r.summary, "the proxy's fault, not awcm274.awmdm.com:443's"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_silent_proxy_times_out_the_connect) {
    SilentProxy silent;
    auto r = run_probe(proxy_probe(), silent.env(), {{"host", "awcm274.awmdm.com"}},
                       std::chrono::milliseconds(500));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(
        r.summary.find("no answer from the proxy http://127.0.0.1:" + std::to_string(silent.port) +
                       " to CONNECT awcm274.awmdm.com:443 before the deadline") == 0,
        r.summary);
}

BOOST_AUTO_TEST_CASE(an_unreachable_target_is_beyond_the_proxy, *servers) {
    auto closed = std::to_string(pft::unused_port());
    auto r = checked(proxy_probe(), setup().env("alice", password),
                     {{"host", "127.0.0.1"}, {"port", closed}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the proxy could not reach 127.0.0.1:" + closed + " (HTTP/1.1 503") ==
                   0,
               r.summary);
}

// squid's harness takes no extra configuration lines, so the policy refusal
// comes from tinyproxy, which allows CONNECT to the listed ports only.
BOOST_AUTO_TEST_CASE(a_port_the_policy_forbids_is_blocked_by_the_proxy,
                     *pft::needs_programs({"tinyproxy"})) {
    pft::Tinyproxy tiny({.connect_ports = {443}});
    RunEnvironment env;
    env.proxy.host = "127.0.0.1";
    env.proxy.port = tiny.port();
    auto r = checked(proxy_probe(), env, {{"host", "127.0.0.1"}, {"port", "8443"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("blocked by the proxy's policy: http://127.0.0.1:" +
                              std::to_string(tiny.port()) +
                              " refused CONNECT to 127.0.0.1:8443 (HTTP/1.") == 0,
               r.summary);
    // The http probe says the same.
    r = checked(http_probe(), env, {{"host", "127.0.0.1"}, {"port", "8443"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("blocked by the proxy's policy") == 0, r.summary);
}

BOOST_AUTO_TEST_SUITE_END()

// The tls and proxy probes open their tunnels as the http probe does: a
// proxy that wants Digest or NTLM is answered in it, not sent Basic it
// would refuse.
BOOST_AUTO_TEST_SUITE(tls_and_proxy_probes_through_squid)

std::map<std::string, std::string> tls_target() {
    return {{"host", "127.0.0.1"}, {"port", setup().tls_port}};
}

// The test root counts as public too: the chain through the proxy is the
// origin's, not a re-signed one.
RunEnvironment through(const pft::Squid& squid, const std::string& user, const std::string& pass) {
    RunEnvironment env = setup().env(user, pass);
    env.proxy.port = squid.port();
    env.tls.public_roots = setup().root_pem;
    return env;
}

BOOST_AUTO_TEST_CASE(a_digest_proxy_is_answered_in_digest, *servers) {
    pft::Squid digest({.basic_user = "carol", .basic_password = "dig-Pa55", .digest = true});
    RunEnvironment env = through(digest, "carol", "dig-Pa55");
    auto r = run_probe(tls_probe(), env, tls_target());
    BOOST_TEST(r.status == Status::pass, r.summary);
    r = run_probe(proxy_probe(), env, tls_target());
    BOOST_TEST(r.status == Status::pass, r.summary);
    env.proxy.password = std::make_shared<const Secret>("not-dig-Pa55", "env:PW");
    r = run_probe(proxy_probe(), env, tls_target());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(has_line(r, "credentials sent: Digest, user carol"));
    env.proxy.password = std::make_shared<const Secret>("not-dig-Pa55", "env:PW");
    r = run_probe(tls_probe(), env, tls_target());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "the proxy rejected the credentials for user carol"), r.summary);
}

BOOST_AUTO_TEST_CASE(an_ntlm_proxy_is_answered_in_ntlm, *servers) {
    pft::Squid ntlm({.ntlm = true});
    RunEnvironment env = through(ntlm, "CORP\\bob", "ntlm-Pa55");
    auto r = run_probe(tls_probe(), env, tls_target());
    BOOST_TEST(r.status == Status::pass, r.summary);
    r = run_probe(proxy_probe(), env, tls_target());
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(connect_logged_for(ntlm, "bob"), ntlm.access_log());
}

BOOST_AUTO_TEST_SUITE_END()
