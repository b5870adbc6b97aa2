#include "probes/reach/dns.hpp"
#include "probes/reach/tcp.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

using namespace pf;
using pf::test::run_probe;

BOOST_AUTO_TEST_SUITE(tcp_on_loopback)

BOOST_AUTO_TEST_CASE(a_listening_port_is_open_with_its_latency) {
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = std::to_string(listener.local_endpoint().port());
    auto r = run_probe(tcp_probe(), {}, {{"host", "127.0.0.1"}, {"port", port}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary.find("127.0.0.1:" + port + " open") == 0, r.summary);
    BOOST_TEST(r.reason == Reason::ok);
    BOOST_TEST(r.message.key == "tcp.open");
    BOOST_REQUIRE(!r.measurements.empty());
    // An IP address is not looked up, so there is no lookup time to show.
    for (const auto& m : r.measurements)
        BOOST_TEST(m.name != "resolve");
    BOOST_TEST(r.measurements[0].unit == "ms");
    BOOST_TEST(r.measurements[0].value >= 0);
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_refused_not_filtered) {
    auto port = std::to_string(pft::unused_port());
    auto r = run_probe(tcp_probe(), {}, {{"host", "127.0.0.1"}, {"port", port}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("refused: 127.0.0.1 is up but nothing accepts connections on port " +
                              port) == 0,
               r.summary);
    BOOST_TEST(r.reason == Reason::refused);
    BOOST_TEST(r.message.key == "connect.refused");
}

BOOST_AUTO_TEST_CASE(every_address_of_a_name_is_tried) {
    // localhost has 127.0.0.1 (and ::1 where /etc/hosts lists it); a listener
    // on 127.0.0.1 alone makes any IPv6 address fail, which must be said.
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = std::to_string(listener.local_endpoint().port());
    auto r = run_probe(tcp_probe(), {}, {{"host", "localhost"}, {"port", port}});
    bool has_v6 = r.evidence.size() > 1;
    BOOST_TEST(r.status == (has_v6 ? Status::warn : Status::pass), r.summary);
    bool some_open = false;
    for (const auto& e : r.evidence)
        some_open = some_open || e.find("127.0.0.1 port " + port + ": open") == 0;
    BOOST_TEST(some_open);
}

BOOST_AUTO_TEST_CASE(a_range_that_answers_is_reachable) {
    // Nothing listens on these loopback ports: refusals come back, so no
    // firewall is in the way.
    auto r = run_probe(tcp_probe(), {},
                       {{"host", "127.0.0.1"}, {"port", "61000-61099"}, {"sample", "5"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("reachable") != std::string::npos, r.summary);
    BOOST_TEST(r.reason == Reason::ok);
    BOOST_TEST(r.message.key == "tcp.range_reachable");
    // Five samples refused alike: one line for the five.
    BOOST_REQUIRE(r.evidence.size() == 1u);
    BOOST_TEST(r.evidence[0].find("127.0.0.1 port 61000: refused in ") == 0u, r.evidence[0]);
    BOOST_TEST(pft::contains(r.evidence[0], "likewise 4 more sampled ports up to port 61099"),
               r.evidence[0]);
}

// A closed range of 16,384 ports once put 16,384 lines in every report;
// a run of samples that answered alike is one line, and a change of answer
// starts a new one.
// Outcomes made by hand, nothing is sent; the address is loopback all the same.
BOOST_AUTO_TEST_CASE(range_evidence_is_a_line_per_run_of_like_answers) {
    auto at = [](std::uint16_t port, ConnectOutcome::Kind k, std::string detail = {}) {
        return ConnectOutcome{k, {asio::ip::make_address("127.0.0.2"), port}, 0.5, detail};
    };
    using K = ConnectOutcome::Kind;
    std::vector<ConnectOutcome> v;
    for (std::uint16_t p = 40000; p < 56384; ++p)
        v.push_back(at(p, p == 50000 ? K::open : K::refused));
    v.push_back(at(60000, K::timed_out));
    v.push_back(at(60001, K::unreachable, "No route to host"));
    v.push_back(at(60002, K::unreachable, "Network is unreachable"));
    auto lines = range_evidence(v);
    BOOST_REQUIRE(lines.size() == 6u);
    BOOST_TEST(lines[0].find("127.0.0.2 port 40000: refused in 0.50 ms") == 0u, lines[0]);
    BOOST_TEST(pft::contains(lines[0], "likewise 9999 more sampled ports up to port 49999"),
               lines[0]);
    BOOST_TEST(lines[1] == "127.0.0.2 port 50000: open (0.50 ms)");
    BOOST_TEST(pft::contains(lines[2], "likewise 6382 more sampled ports up to port 56383"),
               lines[2]);
    BOOST_TEST(lines[3].find("127.0.0.2 port 60000: timed out") == 0u, lines[3]);
    BOOST_TEST(lines[4] == "127.0.0.2 port 60001: unreachable (No route to host)");
    BOOST_TEST(lines[5] == "127.0.0.2 port 60002: unreachable (Network is unreachable)");
    // Two alike: one line, and "port" in the singular.
    BOOST_TEST(range_evidence({at(1, K::refused), at(2, K::refused)}).size() == 1u);
    BOOST_TEST(pft::contains(range_evidence({at(1, K::refused), at(2, K::refused)})[0],
                             "likewise 1 more sampled port up to port 2"));
}

BOOST_AUTO_TEST_CASE(samples_cover_both_ends_of_a_range) {
    auto p = sample_ports(49152, 65535, 8);
    BOOST_TEST(p.size() == 8u);
    BOOST_TEST(p.front() == 49152);
    BOOST_TEST(p.back() == 65535);
    BOOST_TEST(sample_ports(10, 12, 8).size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(dns_on_this_host)

BOOST_AUTO_TEST_CASE(localhost_resolves_from_the_hosts_file) {
    auto r = run_probe(dns_probe(), {}, {{"host", "localhost"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("127.0.0.1") != std::string::npos, r.summary);
    BOOST_TEST(r.measurements.at(0).name == "resolve");
    BOOST_TEST(r.reason == Reason::ok);
    BOOST_TEST(r.message.key == "dns.resolved");
}

BOOST_AUTO_TEST_CASE(an_ip_literal_needs_no_lookup) {
    auto r = run_probe(dns_probe(), {}, {{"host", "::1"}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.evidence.at(0).find("AAAA") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
