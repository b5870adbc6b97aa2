// Every probe kind that talks to the network against misbehaving peers the
// test starts on 127.0.0.1: silence, garbage, a byte at a time, an endless
// line, a huge reply, bogus lengths, half a TLS handshake. Each must reach a
// verdict by its deadline (+100 ms) without buffering what the peer sends,
// and deadline verdicts must name the phase the peer stopped in.
// (The endpoint mapper's PDU-level faults are in rpc_hostile_posix_test.cpp.)
#include "probes/ldap/ldap.hpp"
#include "probes/reach/syslog.hpp"
#include "probes/reach/tcp.hpp"
#include "probes/rpc/rpc.hpp"
#include "probes/smtp/smtp.hpp"
#include "probes/tls/persistence.hpp"
#include "probes/tls/tls.hpp"
#include "probes/web/activesync.hpp"
#include "probes/web/exchange_powershell.hpp"
#include "probes/web/http.hpp"
#include "probes/web/proxy.hpp"
#include "probes/web/scep.hpp"
#include "support/hostile_peer_posix.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/scoped_env.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using namespace std::chrono_literals;
using pft::contains;
using pft::HostilePeer;
using pft::PeerScript;

namespace {

struct Case {
    std::string name;
    ProbeKind kind;
    std::map<std::string, std::string> args;
    bool through_proxy = false; // the peer is the run's proxy
    std::chrono::milliseconds deadline = 800ms;
};

// Every network probe kind, pointed at port. DNS is not here: the dns probe
// asks the system's resolver, which a test cannot point at a peer of its own.
std::vector<Case> cases(const std::string& port) {
    auto at = [&](std::map<std::string, std::string> extra = {}) {
        extra["host"] = "127.0.0.1";
        if (!extra.count("port")) extra["port"] = port;
        return extra;
    };
    return {
        {"tcp", tcp_probe(), at()},
        {"tls", tls_probe(), at()},
        // Its own limit: the idle time, within the deadline.
        {"tls_idle", tls_idle_probe(), at({{"idle", "1"}}), false, 1500ms},
        {"http", http_probe(), at()},
        {"http plain", http_probe(), at({{"scheme", "http"}})},
        {"http through the proxy", http_probe(), at({{"port", "443"}, {"via", "proxy"}}), true},
        {"proxy", proxy_probe(), at({{"port", "443"}}), true},
        {"smtp", smtp_probe(), at()},
        {"smtp implicit TLS", smtp_probe(), at({{"tls", "implicit"}})},
        {"ldap", ldap_probe(), at()},
        {"ldaps", ldap_probe(), at({{"security", "ldaps"}})},
        {"syslog tcp", syslog_probe(), at()},
        {"syslog tls", syslog_probe(), at({{"transport", "tls"}})},
        {"scep", scep_probe(), at()},
        {"activesync", activesync_probe(), at()},
        {"exchange_powershell", exchange_powershell_probe(), at()},
        {"rpc_epmap", rpc_epmap_probe(), at()},
        {"rpc_dynamic_range",
         rpc_dynamic_range_probe(),
         {{"host", "127.0.0.1"}, {"range", port + "-" + port}}},
    };
}

// The misbehaviours. Client-first protocols get theirs after the request.
std::vector<std::pair<std::string, PeerScript>> behaviours() {
    static const char bogus[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n" // HTTP
        "\x16\x03\x03\xff\xff"                                            // a TLS record of 64 KiB
        "\x30\x84\xff\xff\xff\xff"                                        // a BER SEQUENCE of 4 GiB
        "\x05\x00\x0c\x03\x10\x00\x00\x00\xff\xff"; // a DCE/RPC fragment of 64 KiB
    return {
        {"silent", HostilePeer::silent()},
        {"garbage", HostilePeer::garbage()},
        {"1-byte drip", HostilePeer::drip("HTTP/1.1 200 OK\r\n220 mail ESMTP\r\n")},
        {"endless line", HostilePeer::endless_line("220 ")},
        {"huge reply",
         {.wait_for_request = true,
          .reply = "HTTP/1.1 200 OK\r\nContent-Length: 104857600\r\n\r\n",
          .repeat = std::string(64 * 1024, 'x'),
          .repeat_limit = 100u << 20}},
        {"bogus lengths",
         {.wait_for_request = true, .reply = std::string(bogus, sizeof bogus - 1)}},
        {"half a TLS handshake", HostilePeer::half_tls_handshake()},
    };
}

struct Outcome {
    std::optional<ProbeResult> result;
    double seconds = -1;
};

// All cases at once on one event loop, as the runner runs a checklist.
std::vector<Outcome> run_all(const std::vector<Case>& cs, const RunEnvironment& direct,
                             const RunEnvironment& proxied) {
    asio::io_context io;
    std::vector<Outcome> out(cs.size());
    std::vector<ProbeCancel> cancels;
    auto t0 = Clock::now();
    for (std::size_t i = 0; i < cs.size(); ++i) {
        auto args = cs[i].args;
        for (const auto& p : cs[i].kind.params)
            if (!args.count(p.name) && !p.default_value.empty()) args[p.name] = p.default_value;
        ProbeContext ctx{io, t0 + cs[i].deadline, cs[i].through_proxy ? proxied : direct};
        cancels.push_back(cs[i].kind.start(ctx, ProbeArgs(args), [&out, i, t0](ProbeResult r) {
            if (out[i].result) return;
            out[i].result = std::move(r);
            out[i].seconds = std::chrono::duration<double>(Clock::now() - t0).count();
        }));
    }
    io.run_for(10s);
    for (auto& c : cancels)
        if (c) c();
    return out;
}

RunEnvironment through(const HostilePeer& peer) {
    RunEnvironment env;
    env.proxy.host = "127.0.0.1";
    env.proxy.port = peer.port();
    env.proxy.origin = "--proxy";
    return env;
}

ProbeResult run_one(const ProbeKind& kind, std::map<std::string, std::string> args,
                    const RunEnvironment& env = {}, std::chrono::milliseconds deadline = 800ms) {
    return test::run_probe(kind, env, std::move(args), deadline);
}

// AddressSanitizer keeps freed memory in quarantine and pads every
// allocation, so RSS under it says nothing of preflight's own use: the
// memory bound is asserted by the plain build, the deadlines by both.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool rss_is_preflights = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool rss_is_preflights = false;
#else
constexpr bool rss_is_preflights = true;
#endif
#else
constexpr bool rss_is_preflights = true;
#endif

} // namespace

BOOST_AUTO_TEST_SUITE(hostile_peers)

BOOST_AUTO_TEST_CASE(every_probe_kind_reaches_a_verdict_by_its_deadline_with_bounded_memory) {
    for (const auto& [name, script] : behaviours()) {
        HostilePeer peer(script);
        auto cs = cases(peer.port_text());
        long rss_before = pft::rss_kib();
        auto outcomes = run_all(cs, RunEnvironment{}, through(peer));
        long grown_mib = (pft::rss_kib() - rss_before) / 1024;
        if (rss_is_preflights)
            BOOST_TEST(grown_mib < 48, name << ": memory grew by " << grown_mib << " MiB");
        for (std::size_t i = 0; i < cs.size(); ++i) {
            const auto& o = outcomes[i];
            double limit = std::chrono::duration<double>(cs[i].deadline).count() + 0.1;
            BOOST_TEST_CONTEXT(name << " peer, " << cs[i].name << " probe") {
                BOOST_TEST_REQUIRE(o.result.has_value());
                BOOST_TEST(o.seconds <= limit, o.seconds << " s: " << o.result->summary);
                BOOST_TEST(!o.result->summary.empty());
            }
        }
    }
}

// TCP connected; only TLS stalled. The probe's own timer used to win the
// race and say there was no connection.
BOOST_AUTO_TEST_CASE(syslog_over_tls_names_the_stalled_handshake_not_the_connection) {
    HostilePeer peer(HostilePeer::silent());
    auto r = run_one(syslog_probe(),
                     {{"host", "127.0.0.1"}, {"port", peer.port_text()}, {"transport", "tls"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "no TLS handshake with 127.0.0.1:" + peer.port_text()),
               r.summary);
    BOOST_TEST(!contains(r.summary, "no connection"), r.summary);
}

BOOST_AUTO_TEST_CASE(tls_names_a_handshake_that_began_and_stalled) {
    HostilePeer peer(HostilePeer::half_tls_handshake());
    auto r = run_one(tls_probe(), {{"host", "127.0.0.1"}, {"port", peer.port_text()}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "the TLS handshake with 127.0.0.1:" + peer.port_text() +
                                       " stalled: 16 bytes of the server's answer arrived"),
               r.summary);
    BOOST_TEST(!contains(r.summary, "nothing answered TLS"), r.summary);
}

BOOST_AUTO_TEST_CASE(the_proxy_probe_tells_a_dripping_answer_from_silence) {
    HostilePeer peer(HostilePeer::drip("HTTP/1.1 200 Connection established\r\n\r\n"));
    auto r = run_one(proxy_probe(), {{"host", "127.0.0.1"}, {"port", "443"}}, through(peer));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "the proxy http://127.0.0.1:" + peer.port_text() + " sent "),
               r.summary);
    BOOST_TEST(contains(r.summary, "bytes but no complete answer to CONNECT 127.0.0.1:443 before "
                                   "the deadline (it began \"HTTP/1.1 "),
               r.summary);
    BOOST_TEST(!contains(r.summary, "stayed silent"), r.summary);
}

// curl's own error for a non-HTTP answer to CONNECT was "A libcurl function
// was given a bad argument (curl error 43)".
BOOST_AUTO_TEST_CASE(http_through_a_proxy_answering_garbage_says_it_is_no_http_proxy) {
    HostilePeer peer(HostilePeer::garbage(true));
    auto r = run_one(http_probe(), {{"host", "127.0.0.1"}, {"port", "443"}, {"via", "proxy"}},
                     through(peer));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "the proxy http://127.0.0.1:" + peer.port_text() +
                                       " did not answer CONNECT 127.0.0.1:443 as an HTTP proxy"),
               r.summary);
    BOOST_TEST(!contains(r.summary, "curl error"), r.summary);

    // The same garbage, then a close.
    auto script = HostilePeer::garbage(true);
    script.close_after = true;
    HostilePeer closing(script);
    r = run_one(http_probe(), {{"host", "127.0.0.1"}, {"port", "443"}, {"via", "proxy"}},
                through(closing));
    BOOST_TEST(contains(r.summary, "the proxy http://127.0.0.1:" + closing.port_text() +
                                       " did not answer CONNECT 127.0.0.1:443 as an HTTP proxy"),
               r.summary);
    BOOST_TEST(!contains(r.summary, "curl error"), r.summary);
}

// The proxy reads the CONNECT and closes without a byte: the tunnel's own
// words, as the proxy and tls checks say it (curl's were "the request to …
// failed: … (curl error 56)").
BOOST_AUTO_TEST_CASE(http_through_a_proxy_closing_without_an_answer_blames_the_proxy) {
    HostilePeer peer({.wait_for_request = true, .close_after = true});
    auto r = run_one(http_probe(), {{"host", "127.0.0.1"}, {"port", "443"}, {"via", "proxy"}},
                     through(peer));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.reason == Reason::proxy_protocol_error);
    BOOST_TEST(contains(r.summary, "the proxy http://127.0.0.1:" + peer.port_text() +
                                       " did not answer CONNECT as an HTTP proxy: it closed the "
                                       "connection without answering"),
               r.summary);
    BOOST_TEST(!contains(r.summary, "curl error"), r.summary);
}

// A proxy wanting Kerberos only, and no ticket here: the verdict says kinit,
// and the password given for other schemes never goes to it.
BOOST_AUTO_TEST_CASE(a_proxy_offering_only_negotiate_without_a_ticket_says_kinit) {
    HostilePeer peer({.wait_for_request = true,
                      .reply = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                               "Proxy-Authenticate: Negotiate\r\n"
                               "Content-Length: 0\r\n\r\n"});
    pft::TempDir dir;
    pft::ScopedEnv no_cache("KRB5CCNAME", "FILE:" + dir.file("no-ccache"));
    auto env = through(peer);
    env.proxy.user = "svc-acc";
    env.proxy.password = std::make_shared<const Secret>("Canary-Proxy-Pw-94", "env:TEST_PROXY_PW");
    auto r = run_one(http_probe(), {{"host", "127.0.0.1"}, {"port", "443"}, {"via", "proxy"}}, env);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.reason == Reason::kerberos_no_ticket, r.summary);
    BOOST_TEST(contains(r.summary, "no valid Kerberos ticket"), r.summary);
    BOOST_TEST(!contains(peer.received(), "Canary-Proxy-Pw-94"));
}

BOOST_AUTO_TEST_CASE(smtp_names_a_banner_line_that_never_ends) {
    HostilePeer peer(HostilePeer::endless_line("220 "));
    auto r = run_one(smtp_probe(), {{"host", "127.0.0.1"}, {"port", peer.port_text()}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "without ending a line"), r.summary);
    BOOST_TEST(!contains(r.summary, "closed the connection without a 220 banner"), r.summary);
}

// The proxy answers 407 and closes, without "Connection: close": curl repeats
// the request with the credentials on the closed connection, and they never
// reach the proxy, so they were not rejected.
BOOST_AUTO_TEST_CASE(a_407_then_a_close_is_not_a_rejection_of_credentials_never_sent) {
    HostilePeer peer({.wait_for_request = true,
                      .reply = "HTTP/1.1 407 Proxy Authentication Required\r\n"
                               "Proxy-Authenticate: Basic realm=\"corp\"\r\n"
                               "Content-Length: 0\r\n\r\n",
                      .close_after = true});
    auto env = through(peer);
    env.proxy.user = "svc-acc";
    env.proxy.password = std::make_shared<const Secret>("Canary-Proxy-Pw-93", "env:TEST_PROXY_PW");
    auto r = run_one(http_probe(), {{"host", "127.0.0.1"}, {"port", "443"}, {"via", "proxy"}}, env);
    BOOST_TEST(r.status == Status::fail);
    auto sent = peer.received();
    for (char& c : sent)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    BOOST_TEST(contains(sent, "connect 127.0.0.1:443"), sent);
    BOOST_TEST(!contains(sent, "proxy-authorization"), sent);
    BOOST_TEST(contains(r.summary, "the credentials for user svc-acc never reached the proxy"),
               r.summary);
    BOOST_TEST(contains(r.summary, "answered 407 (it offers Basic realm=\"corp\") and then closed "
                                   "the connection"),
               r.summary);
    BOOST_TEST(!contains(r.summary, "the proxy rejected"), r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
