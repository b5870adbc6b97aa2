// Finished tls checks free their connections (TLS streams, SSL objects, BIO
// pairs) at once while the run goes on, against a real nginx on loopback: a
// thousand checks must not keep a thousand connections until the end.
#include "app/registries.hpp"
#include "core/loader.hpp"
#include "core/runner.hpp"
#include "net/tls_connect.hpp"
#include "support/certs.hpp"
#include "support/hostile_peer_posix.hpp"
#include "support/needs_programs.hpp"
#include "support/servers_posix.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

// Samples the live TLS connections each time a check against nginx
// finishes: the runner tells of a verdict once it has let go of the check.
struct Watcher : RunObserver {
    bool silent_done = false;
    std::vector<std::size_t> live_after;
    bool silent_ran_at_last = false; // at the last sample
    void check_finished(const CheckResult& r) override {
        if (r.check->id == "silent") {
            silent_done = true;
            return;
        }
        live_after.push_back(live_tls_links());
        silent_ran_at_last = !silent_done;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(finished_checks, *pft::needs_programs({"nginx"}))

BOOST_AUTO_TEST_CASE(a_finished_tls_check_frees_its_connection_while_the_run_goes_on) {
    pft::TempDir dir;
    pft::CertFactory f;
    auto root = f.root({.cn = "Preflight Test Root"});
    auto leaf = f.issue(root, {.cn = "localhost", .dns_sans = {"localhost"}});
    pft::NginxSite site;
    site.cert_file = pft::CertFactory::write_pem(dir.file("chain.pem"), {&leaf});
    site.key_file = pft::CertFactory::write_key(dir.file("key.pem"), leaf);
    pft::Nginx nginx({site});
    // Keeps the run going: it accepts and never answers the handshake, so
    // its own connection stays open until its deadline.
    pft::HostilePeer silent(pft::HostilePeer::silent());

    std::string body = "<check id=\"silent\" title=\"S\" severity=\"required\" timeout=\"3\">"
                       "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" +
                       silent.port_text() + "\"/><requirement>w</requirement><fix>f</fix></check>";
    const int checks = 40;
    for (int i = 0; i < checks; ++i)
        body += "<check id=\"c" + std::to_string(i) +
                "\" title=\"C\" severity=\"required\"><probe kind=\"tls\" host=\"127.0.0.1\" "
                "sni=\"localhost\" port=\"" +
                std::to_string(nginx.port()) +
                "\"/><requirement>w</requirement><fix>f</fix></check>";
    const ProbeRegistry& reg = builtin_probes();
    Checklist c = load_checklist_text("<checklist id=\"t\" title=\"T\" timeout=\"5\"><source "
                                      "document=\"G\"/><section id=\"s\" title=\"S\">" +
                                          body + "</section></checklist>",
                                      "t.xml", reg);
    auto plan = plan_run(c, reg, {});
    asio::io_context io;
    RunEnvironment env;
    env.tls.trust.system_file = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
    env.tls.public_roots = env.tls.trust.system_file;
    RunnerOptions opts;
    opts.handle_signals = false;
    opts.jobs = 8; // checks start as others finish, as in a large run
    Watcher w;
    Runner runner(io, env, opts, &w);
    std::size_t before = live_tls_links();
    auto results = runner.run(plan);

    BOOST_REQUIRE(results.size() == std::size_t(checks + 1));
    for (int i = 1; i <= checks; ++i)
        BOOST_TEST(results[i].result.status == Status::pass, results[i].result.summary);
    BOOST_TEST(results[0].result.status == Status::fail, results[0].result.summary);
    BOOST_REQUIRE(w.live_after.size() == std::size_t(checks));
    // At each completion only the connections of checks still running are
    // alive: the silent peer's and at most the other 7 slots'. Kept until
    // the run's end, they would grow to 41.
    for (auto live : w.live_after)
        BOOST_TEST(live - before <= 8u);
    // After the last nginx check, only the silent peer's connection is left
    // (none if a slow machine let its deadline pass first).
    BOOST_TEST(w.live_after.back() - before == (w.silent_ran_at_last ? 1u : 0u));
}

BOOST_AUTO_TEST_SUITE_END()
