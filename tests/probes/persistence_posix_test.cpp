// The tls_idle probe: an idle TLS connection through tinyproxy, whose
// Timeout closes idle tunnels, and directly to nginx, which keeps it.
#include "probes/tls/persistence.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using pf::test::run_probe;

using pft::any_contains;
using pft::contains;

namespace {

double measurement(const ProbeResult& r, const std::string& name) {
    for (const auto& m : r.measurements)
        if (m.name == name) return m.value;
    return -1;
}

struct IdleOrigin {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Idle Test Root"});
    pft::Issued leaf = f.issue(root, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}});
    std::unique_ptr<pft::Nginx> nginx;
    RunEnvironment env;

    IdleOrigin() {
        pft::NginxSite s;
        s.cert_file = pft::CertFactory::write_pem(dir.file("chain.pem"), {&leaf});
        s.key_file = pft::CertFactory::write_key(dir.file("key.pem"), leaf);
        nginx = std::make_unique<pft::Nginx>(std::vector<pft::NginxSite>{s});
    }
    ProbeResult probe(const std::string& idle, std::chrono::milliseconds deadline) {
        return run_probe(
            tls_idle_probe(), env,
            {{"host", "127.0.0.1"}, {"port", std::to_string(nginx->port())}, {"idle", idle}},
            deadline);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(tls_idle, *pft::needs_programs({"nginx", "tinyproxy"}))

BOOST_AUTO_TEST_CASE(a_proxy_idle_timeout_cuts_the_connection_and_says_when) {
    IdleOrigin o;
    pft::Tinyproxy proxy({.timeout_seconds = 2});
    o.env.proxy.host = "127.0.0.1";
    o.env.proxy.port = proxy.port();
    o.env.proxy.origin = "test";
    auto r = o.probe("5", std::chrono::seconds(10));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("the path closed the idle connection after ") == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "the proxy http://127.0.0.1:" + std::to_string(proxy.port())),
               r.summary);
    double s = measurement(r, "idle until closed");
    BOOST_TEST(s > 1.5);
    BOOST_TEST(s < 4.5);
}

BOOST_AUTO_TEST_CASE(a_direct_connection_that_stays_open_passes) {
    IdleOrigin o;
    auto r = o.probe("1.5", std::chrono::seconds(5));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("127.0.0.1:" + std::to_string(o.nginx->port()) +
                              " stayed open for 1.5 s idle") == 0u,
               r.summary);
    BOOST_TEST(measurement(r, "idle") >= 1.5);
}

BOOST_AUTO_TEST_CASE(a_server_ending_its_idle_session_is_told_apart_from_the_path) {
    // nginx ends a connection that sends no request within
    // client_header_timeout, with a TLS close_notify: a TLS endpoint, not a
    // middlebox, closed it.
    IdleOrigin o;
    pft::NginxSite s;
    s.cert_file = o.dir.file("chain.pem");
    s.key_file = o.dir.file("key.pem");
    s.extra = "client_header_timeout 1s;";
    o.nginx = std::make_unique<pft::Nginx>(std::vector<pft::NginxSite>{s});
    auto r = o.probe("4", std::chrono::seconds(6));
    BOOST_TEST(r.status == Status::warn, r.summary);
    BOOST_TEST(r.summary.find("the server ended the idle TLS session after 1.") == 0u, r.summary);
}

BOOST_AUTO_TEST_CASE(a_deadline_before_the_idle_time_fails_with_what_was_seen) {
    IdleOrigin o;
    auto r = o.probe("5", std::chrono::milliseconds(1500));
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("the check's deadline came after 1.") == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "before the 5.0 s required"), r.summary);
}

BOOST_AUTO_TEST_CASE(the_run_wide_idle_overrides_and_zero_skips) {
    IdleOrigin o;
    o.env.tls.idle = std::chrono::milliseconds(0);
    auto r = o.probe("120", std::chrono::seconds(5));
    BOOST_TEST(r.status == Status::skip);
    BOOST_TEST(r.summary == "skipped: --idle 0");
    o.env.tls.idle = std::chrono::milliseconds(500);
    auto r2 = o.probe("120", std::chrono::seconds(5));
    BOOST_TEST(r2.status == Status::pass, r2.summary);
}

BOOST_AUTO_TEST_CASE(an_unreachable_host_fails_before_any_idling) {
    IdleOrigin o;
    auto r = run_probe(tls_idle_probe(), o.env,
                       {{"host", "127.0.0.1"}, {"port", std::to_string(pft::unused_port())}},
                       std::chrono::seconds(3));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "refused"), r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
