// The RPC probes against a real endpoint mapper: Samba's AD DC in a network
// namespace of the test's own. Samba registers NETLOGON (and LSARPC, SAMR,
// DRSUAPI) on ports from 49152 and has no Certificate Services, so
// ICertPassage is "not registered" there; nftables rules in the namespace
// stand in for a firewall dropping port 135 or the dynamic range.
#include "probes/rpc/rpc.hpp"
#include "support/preconditions.hpp"
#include "support/probe_harness.hpp"
#include "support/samba_posix.hpp"

using pf::Status;

namespace {

const char* netlogon = "12345678-1234-abcd-ef00-01234567cffb";

struct Timed {
    pf::ProbeResult result;
    double seconds = 0;
};

Timed run_in(const pft::SambaDc& dc, const pf::ProbeKind& kind,
             std::map<std::string, std::string> args, std::chrono::milliseconds deadline) {
    auto env = pf::test::env_with(pf::test::linux_facts());
    auto timed = pft::in_namespace(dc.ns(), [&] {
        auto t0 = std::chrono::steady_clock::now();
        auto r = pf::test::run_probe(kind, env, args, deadline);
        return Timed{r,
                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
    });
    // Boost.Test logs from the test's own thread only.
    BOOST_TEST_MESSAGE(kind.name << ": " << timed.result.summary);
    for (const auto& e : timed.result.evidence)
        BOOST_TEST_MESSAGE("  " << e);
    return timed;
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

// "NETLOGON is registered at port 49153 on …" -> 49153
int port_in(const std::string& summary) {
    auto at = summary.find("at port ");
    return at == std::string::npos ? 0 : std::atoi(summary.c_str() + at + 8);
}

void drop(const pft::SambaDc& dc, const std::string& ports) {
    dc.netns().sh("nft list table inet t >/dev/null 2>&1 || (nft add table inet "
                  "t && nft add chain "
                  "inet t in '{ type filter hook input priority 0; }')");
    dc.netns().sh("nft add rule inet t in tcp dport " + ports + " drop");
}

} // namespace

BOOST_AUTO_TEST_SUITE(rpc_samba, *pft::needs_root({"ip", "nft", "samba", "samba-tool"}))

BOOST_AUTO_TEST_CASE(the_endpoint_mapper_maps_netlogon_and_not_icertpassage) {
    pft::SambaDc dc;
    BOOST_REQUIRE_MESSAGE(dc.wait_for(135, 20), "Samba's endpoint mapper did not start\n"
                                                    << dc.log());

    auto t = run_in(dc, pf::rpc_epmap_probe(),
                    {{"host", "127.0.0.1"}, {"interface", netlogon}, {"version", "1.0"}},
                    std::chrono::seconds(5));
    BOOST_TEST(t.result.status == Status::pass, t.result.summary);
    BOOST_TEST(starts_with(t.result.summary, "NETLOGON is registered at port "), t.result.summary);
    BOOST_TEST(t.result.summary.find(" on 127.0.0.1 and the port answers") != std::string::npos);
    BOOST_TEST(port_in(t.result.summary) >= 49152);
    bool tower = false;
    for (const auto& e : t.result.evidence)
        tower = tower || e.find("ncacn_ip_tcp:0.0.0.0[") != std::string::npos;
    BOOST_TEST(tower, "the tower Samba sent is in the evidence");

    t = run_in(dc, pf::rpc_epmap_probe(), {{"host", "127.0.0.1"}}, std::chrono::seconds(5));
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(t.result.summary ==
               "ICertPassage is not registered at the endpoint mapper of 127.0.0.1: the "
               "Certificate Services (CertSvc) service is stopped, or the CA does not "
               "expose this "
               "interface");

    t = run_in(dc, pf::rpc_dynamic_range_probe(), {{"host", "127.0.0.1"}},
               std::chrono::milliseconds(1500));
    BOOST_TEST(t.result.status == Status::pass, t.result.summary);
    BOOST_TEST(starts_with(t.result.summary,
                           "the RPC dynamic range 49152-65535 on 127.0.0.1 is reachable ("),
               t.result.summary);
    // Samba listens on the lowest ports of the range, which are always sampled.
    BOOST_TEST(t.result.summary.find("(0 open") == std::string::npos, t.result.summary);
}

BOOST_AUTO_TEST_CASE(firewall_drops_are_diagnosed) {
    pft::SambaDc dc;
    BOOST_REQUIRE_MESSAGE(dc.wait_for(135, 20), "Samba's endpoint mapper did not start\n"
                                                    << dc.log());
    drop(dc, "49152-65535");
    auto deadline = std::chrono::milliseconds(1500);
    auto t = run_in(dc, pf::rpc_dynamic_range_probe(), {{"host", "127.0.0.1"}}, deadline);
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(starts_with(t.result.summary,
                           "a firewall drops TCP 49152-65535 to 127.0.0.1 (0 open, 0 refused, "),
               t.result.summary);
    BOOST_TEST(t.result.summary.find("): allow the RPC dynamic range from this server to the CA "
                                     "(or restrict the CA's range and allow that)") !=
               std::string::npos);
    BOOST_TEST(t.seconds < 1.6, t.seconds);

    // Port 135 still answers: the mapping works, the mapped port does not.
    t = run_in(dc, pf::rpc_epmap_probe(),
               {{"host", "127.0.0.1"}, {"interface", netlogon}, {"version", "1.0"}}, deadline);
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(starts_with(t.result.summary, "NETLOGON is registered at port "), t.result.summary);
    BOOST_TEST(t.result.summary.find(", but connecting to it timed out: a firewall drops the RPC "
                                     "dynamic ports") != std::string::npos,
               t.result.summary);
    BOOST_TEST(t.seconds < 1.8, t.seconds);

    drop(dc, "135");
    t = run_in(dc, pf::rpc_epmap_probe(), {{"host", "127.0.0.1"}}, deadline);
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(starts_with(t.result.summary, "timed out: no answer from 127.0.0.1 port 135 within"),
               t.result.summary);
    BOOST_TEST(t.result.summary.find("filtered by a firewall") != std::string::npos);
    BOOST_TEST(t.seconds < 1.8, t.seconds);
}

BOOST_AUTO_TEST_SUITE_END()
