// The http probe against real nginx servers on loopback: statuses, bodies,
// kept headers, redirects, TLS trust, refused ports, the deadline, and many
// checks sharing one event loop.
#include "net/curl_loop.hpp"
#include "probes/web/http.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pf;
using pf::test::declaration_refuses;
using pf::test::run_probe;

namespace {

// nginx with a generated chain (root → intermediate → leaf for 127.0.0.1 and
// localhost) on a TLS site with the locations the tests ask for, and a plain
// HTTP site. Started once for the suite.
struct Origin {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight HTTP Test Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight HTTP Test Intermediate", .ca = true});
    pft::Issued leaf = f.issue(inter, {.cn = "localhost",
                                       .dns_sans = {"localhost"},
                                       .ip_sans = {"127.0.0.1"},
                                       .ekus = {"serverAuth"}});
    std::string root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    // limit_rate: nginx sends the first 1000 bytes at once and the rest a
    // second later, so /slow takes about a second of waiting, not of work.
    std::string slow_body = std::string(1400, 'x');
    pft::Nginx nginx{{
        {pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf, &inter}),
         pft::CertFactory::write_key(t.file("leaf.key"), leaf),
         "location = /awcm/status { return 200 \"AWCM Status: OK\\n\"; }\n"
         "location = /down { return 503 \"maintenance\\n\"; }\n"
         "location = /auth { add_header WWW-Authenticate 'Negotiate' always; "
         "add_header WWW-Authenticate 'NTLM' always; return 401 \"login\\n\"; }\n"
         "location = /old { return 302 /awcm/status; }\n"
         "location = /loop-a { return 302 /loop-b; }\n"
         "location = /loop-b { return 301 /loop-a; }\n"
         "location ~ ^/hop/(.*)$ { return 302 /hop/x$1; }\n"
         "location = /slow { limit_rate 1000; return 200 \"" +
             slow_body + "\"; }\n"},
        {.tls = false},
    }};
    std::string tls_port = std::to_string(nginx.port(0));
    std::string plain_port = std::to_string(nginx.port(1));

    RunEnvironment trusting() const {
        RunEnvironment env;
        env.tls.trust.system_file = root_pem;
        return env;
    }
};

Origin& origin() {
    static Origin o;
    return o;
}

std::map<std::string, std::string> at(const std::string& path) {
    return {{"host", "127.0.0.1"}, {"port", origin().tls_port}, {"path", path}};
}

bool has_line(const ProbeResult& r, const std::string& text) {
    for (const auto& e : r.evidence)
        if (e.find(text) != std::string::npos) return true;
    return false;
}

double measured(const ProbeResult& r, const std::string& name) {
    for (const auto& m : r.measurements)
        if (m.name == name) return m.value;
    return -1;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

const auto nginx = pft::needs_programs({"nginx"});

} // namespace

BOOST_AUTO_TEST_SUITE(http_probe_on_nginx)

BOOST_AUTO_TEST_CASE(status_200_with_the_body_text_passes, *nginx) {
    auto args = at("/awcm/status");
    args["body"] = "AWCM Status: OK";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(
        contains(r.summary, "200 OK from https://127.0.0.1:" + origin().tls_port + "/awcm/status"),
        r.summary);
    BOOST_TEST(contains(r.summary, "the body contains \"AWCM Status: OK\""), r.summary);
    BOOST_TEST(has_line(r, "HTTP/1.1 200 OK"));
    BOOST_TEST(has_line(r, "body: AWCM Status: OK\\n"));
    BOOST_TEST(has_line(r, "route: direct: no outbound proxy configured"));
    BOOST_TEST(measured(r, "connect") >= 0);
    BOOST_TEST(measured(r, "tls") > 0);
    BOOST_TEST(measured(r, "first byte") > 0);
    BOOST_TEST(measured(r, "total") >= measured(r, "first byte"));
    BOOST_TEST(measured(r, "dns") == -1, "an IP literal needs no lookup");
}

BOOST_AUTO_TEST_CASE(a_missing_body_text_fails, *nginx) {
    auto args = at("/awcm/status");
    args["body"] = "Ready";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(
        contains(r.summary, "the answer (200 OK) from https://127.0.0.1:" + origin().tls_port +
                                "/awcm/status does not contain \"Ready\""),
        r.summary);
}

BOOST_AUTO_TEST_CASE(an_unexpected_status_names_both, *nginx) {
    auto args = at("/down");
    args["expect"] = "200";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::fail);
    // The server's own reason phrase (nginx: "Service Temporarily Unavailable").
    BOOST_TEST(r.summary.find("expected 200, got 503 Service Temporarily Unavailable") == 0,
               r.summary);
    BOOST_TEST(has_line(r, "body: maintenance\\n"));
}

BOOST_AUTO_TEST_CASE(chosen_headers_are_kept_as_evidence, *nginx) {
    auto args = at("/auth");
    args["expect"] = "401";
    args["headers"] = "WWW-Authenticate, Server";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("401 Unauthorized from") == 0, r.summary);
    BOOST_TEST(has_line(r, "WWW-Authenticate: Negotiate"));
    BOOST_TEST(has_line(r, "WWW-Authenticate: NTLM"));
    BOOST_TEST(has_line(r, "Server: nginx"));
}

BOOST_AUTO_TEST_CASE(a_redirect_is_reported_not_followed, *nginx) {
    auto location = "https://127.0.0.1:" + origin().tls_port + "/awcm/status";
    auto r = run_probe(http_probe(), origin().trusting(), at("/old"));
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("302 Moved Temporarily from") == 0, r.summary);
    BOOST_TEST(contains(r.summary, "redirecting to " + location + " (not followed)"), r.summary);
    BOOST_TEST(has_line(r, "Location: " + location));

    auto args = at("/old");
    args["expect"] = "200";
    r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "expected 200, got 302 Moved Temporarily"), r.summary);
    BOOST_TEST(contains(r.summary,
                        "redirect to " + location + " not followed (follow=\"true\" follows it)"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_redirect_is_followed_when_asked, *nginx) {
    auto args = at("/old");
    args["follow"] = "true";
    args["expect"] = "200";
    args["body"] = "AWCM Status";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(
        r.summary.find("200 OK from https://127.0.0.1:" + origin().tls_port + "/awcm/status") == 0,
        r.summary);
    BOOST_TEST(contains(r.summary, "after 1 redirect(s)"), r.summary);
    BOOST_TEST(
        has_line(r, "302 Moved Temporarily: https://127.0.0.1:" + origin().tls_port + "/old → "));
}

// 3xx is in the default expect (200-399), so a loop used to pass once the
// redirect budget ran out.
BOOST_AUTO_TEST_CASE(a_redirect_loop_or_an_endless_chain_fails_when_following, *nginx) {
    auto args = at("/loop-a");
    args["follow"] = "true";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    auto base = "https://127.0.0.1:" + origin().tls_port;
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "redirect loop: " + base + "/loop-b redirects back to " + base +
                                       "/loop-a, already visited after 2 redirect(s)"),
               r.summary);
    BOOST_TEST(has_line(r, "301 Moved Permanently: " + base + "/loop-b → " + base + "/loop-a"));

    args = at("/hop/");
    args["follow"] = "true";
    r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "more than 10 redirects from " + base + "/hop/, the last to " +
                                       base + "/hop/xxxxxxxxxxx"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_diagnosed, *nginx) {
    // No trust injected: this machine's store does not hold the test root.
    auto r = run_probe(http_probe(), {}, at("/awcm/status"));
    BOOST_TEST(r.status == Status::fail);
    // The chain the handshake was refused on names the cause, as the tls check would.
    BOOST_TEST(r.summary.find("TLS: untrusted chain: 127.0.0.1's chain stops at "
                              "'Preflight HTTP Test Intermediate'") == 0,
               r.summary);
    BOOST_TEST(!r.blocks.empty(), "the chain the server sent is shown");
    BOOST_TEST((r.reason == Reason::untrusted_root));
    BOOST_TEST(has_line(r, "verify: depth 1 'Preflight HTTP Test Intermediate': unable to get "
                           "local issuer certificate"));
}

BOOST_AUTO_TEST_CASE(plain_http_works_and_names_are_resolved_by_the_probe, *nginx) {
    auto r = run_probe(http_probe(), {},
                       {{"host", "localhost"}, {"scheme", "http"}, {"port", origin().plain_port}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("200 OK from http://localhost:" + origin().plain_port + "/") == 0,
               r.summary);
    BOOST_TEST(has_line(r, "address: 127.0.0.1"));
    BOOST_TEST(measured(r, "dns") >= 0);
    BOOST_TEST(measured(r, "tls") == -1);
}

BOOST_AUTO_TEST_CASE(head_and_options_are_sent_as_asked, *nginx) {
    auto args = at("/awcm/status");
    args["method"] = "HEAD";
    auto r = run_probe(http_probe(), origin().trusting(), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(has_line(r, "HEAD https://127.0.0.1:"));
    BOOST_TEST(origin().nginx.logged("\"HEAD /awcm/status HTTP/1.1\""),
               origin().nginx.access_log());
    BOOST_TEST(declaration_refuses(http_probe(), {{"method", "DELETE"}}) ==
               "method: expected GET, HEAD, OPTIONS or POST");
    BOOST_TEST(contains(declaration_refuses(http_probe(), {{"expect", "2xx"}}),
                        "expect: expected HTTP status codes (100-599) or ranges"));
    BOOST_TEST(declaration_refuses(http_probe(), {{"expect", "200-399,401"}}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_probe_failures)

BOOST_AUTO_TEST_CASE(a_closed_port_is_refused) {
    auto port = std::to_string(pft::unused_port());
    auto r = run_probe(http_probe(), {}, {{"host", "127.0.0.1"}, {"port", port}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("refused: 127.0.0.1 is up but nothing accepts connections on port " +
                              port) == 0,
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_name_that_does_not_exist_is_said_so) {
    auto r = run_probe(http_probe(), {}, {{"host", "no-such-host.invalid"}});
    BOOST_TEST(r.status == Status::fail);
    // Without a DNS server the resolver may only say it could not ask.
    BOOST_TEST((contains(r.summary, "name does not resolve: 'no-such-host.invalid'") ||
                contains(r.summary, "DNS temporary failure for 'no-such-host.invalid'")),
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_silent_server_times_out_in_the_tls_handshake) {
    // A listener that never accepts: the kernel completes TCP, nobody speaks TLS.
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0);
    BOOST_REQUIRE(listen(fd, 8) == 0);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    auto port = std::to_string(ntohs(a.sin_port));
    auto t0 = Clock::now();
    auto r = run_probe(http_probe(), {}, {{"host", "127.0.0.1"}, {"port", port}},
                       std::chrono::milliseconds(600));
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    close(fd);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("the TLS handshake with 127.0.0.1:" + port +
                              " did not finish within 0.6 s") == 0,
               r.summary);
    BOOST_TEST(s < 1.0, "the verdict came " << s << " s after the start, not at the deadline");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(http_probe_concurrency)

// Twenty slow requests on one loop take about as long as one: the loop is
// never blocked by curl, the resolver or certificate loading.
BOOST_AUTO_TEST_CASE(twenty_checks_share_the_loop, *nginx) {
    auto env = origin().trusting();
    auto one = Clock::now();
    auto single = run_probe(http_probe(), env, at("/slow"), std::chrono::seconds(2));
    double per_request = std::chrono::duration<double>(Clock::now() - one).count();
    BOOST_TEST(single.status == Status::pass, single.summary);
    BOOST_TEST(per_request > 0.4, "/slow should wait about a second, took " << per_request);

    asio::io_context io;
    auto kind = http_probe();
    std::map<std::string, std::string> args = at("/slow");
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.default_value.empty()) args[p.name] = p.default_value;
    std::vector<ProbeResult> results;
    std::vector<ProbeCancel> cancels;
    auto t0 = Clock::now();
    ProbeContext ctx{io, t0 + std::chrono::seconds(2), env};
    for (int i = 0; i < 20; ++i)
        cancels.push_back(
            kind.start(ctx, ProbeArgs(args), [&](ProbeResult r) { results.push_back(r); }));
    io.run();
    double all = std::chrono::duration<double>(Clock::now() - t0).count();
    BOOST_REQUIRE(results.size() == 20u);
    for (const auto& r : results)
        BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(all < 20 * per_request / 4,
               "20 checks took " << all << " s; one takes " << per_request << " s");
    BOOST_TEST(all < 2.0);
    BOOST_TEST_MESSAGE("one /slow check: " << per_request << " s; twenty at once: " << all << " s");
}

// A transfer whose callback is the only owner of its easy handle: the cancel
// must remove the handle from curl before it destroys the callback.
BOOST_AUTO_TEST_CASE(a_cancelled_transfer_may_own_its_handle, *nginx) {
    asio::io_context io;
    auto easy = std::make_shared<CurlEasy>(make_curl_easy());
    std::string url = "http://127.0.0.1:" + origin().plain_port + "/";
    curl_easy_setopt(easy->get(), CURLOPT_URL, url.c_str());
    bool called = false;
    auto cancel =
        CurlLoop::of(io).perform(easy->get(), [easy, &called](CURLcode) { called = true; });
    easy.reset();
    cancel();
    io.run_for(std::chrono::milliseconds(100));
    BOOST_TEST(!called);
}

// Exercises CurlLoop's two ways of dropping a transfer midway: a cancel, and
// the event loop going away with transfers in flight.
BOOST_AUTO_TEST_CASE(checks_in_flight_can_be_cancelled_or_abandoned, *nginx) {
    auto env = origin().trusting();
    auto kind = http_probe();
    std::map<std::string, std::string> args = at("/slow");
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.default_value.empty()) args[p.name] = p.default_value;
    int delivered = 0;
    {
        asio::io_context io;
        ProbeContext ctx{io, Clock::now() + std::chrono::seconds(2), env};
        std::vector<ProbeCancel> cancels;
        for (int i = 0; i < 5; ++i)
            cancels.push_back(kind.start(ctx, ProbeArgs(args), [&](ProbeResult) { ++delivered; }));
        io.run_for(std::chrono::milliseconds(200)); // the transfers are under way
        for (auto& c : cancels)
            c();
        io.run_for(std::chrono::milliseconds(100));
        BOOST_TEST(delivered == 0);
        // Five more, left running when the loop is destroyed.
        for (int i = 0; i < 5; ++i)
            kind.start(ctx, ProbeArgs(args), [&](ProbeResult) { ++delivered; });
        io.run_for(std::chrono::milliseconds(200));
    }
    BOOST_TEST(delivered == 0);
    // The loop is usable again afterwards: a fresh one runs a check normally.
    auto r = run_probe(kind, env, at("/awcm/status"));
    BOOST_TEST(r.status == Status::pass, r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
