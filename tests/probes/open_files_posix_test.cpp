// Running out of file descriptors is this host's problem, not the network's:
// sampling a port range under a low `ulimit -n` must neither read as a
// firewall nor pass having tried a fraction of the ports.
#include "probes/reach/tcp.hpp"
#include "probes/rpc/rpc.hpp"
#include "support/probe_harness.hpp"
#include "support/report_run.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace pf;

namespace {

// Ports below Linux's ephemeral range (32768-60999), so that no sampled port
// can be a socket of this host connecting to itself.
const std::string range = "20000-24999";

std::string checklist(const pft::TempDir& d) {
    return d.write("ports.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<checklist id="ports" title="Port ranges" timeout="20">
  <source document="AirWatch Cloud Connector (ACC) Guide" section="Network Requirements"/>
  <section id="net" title="Network">
    <check id="rpc-range" title="RPC range" severity="required">
      <probe kind="rpc_dynamic_range" host="127.0.0.1" range=")" +
                                    range + R"(" samples="5000"/>
      <requirement>The RPC dynamic range is open from the Cloud Connector to the CA.</requirement>
      <fix>Allow the range.</fix>
    </check>
    <check id="tcp-range" title="TCP range" severity="required">
      <probe kind="tcp" host="127.0.0.1" port=")" +
                                    range + R"(" sample="5000"/>
      <requirement>The ports are open.</requirement>
      <fix>Allow the range.</fix>
    </check>
  </section>
</checklist>
)");
}

// "3 open, 4997 refused, 0 timed out": the ports that answered.
int answered(const std::string& summary) {
    auto at = summary.find('(');
    int open = -1, refused = -1;
    if (at == std::string::npos ||
        std::sscanf(summary.c_str() + at, "(%d open, %d refused", &open, &refused) != 2)
        return -1;
    return open + refused;
}

// Every descriptor this process may open is in use while it lives: the soft
// limit drops to the lowest free descriptor number.
struct NoDescriptorsLeft {
    rlimit saved{};
    NoDescriptorsLeft() {
        getrlimit(RLIMIT_NOFILE, &saved);
        int lowest = fcntl(0, F_DUPFD, 0);
        close(lowest);
        rlimit low{static_cast<rlim_t>(lowest), saved.rlim_max};
        BOOST_TEST_REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
    }
    ~NoDescriptorsLeft() { setrlimit(RLIMIT_NOFILE, &saved); }
};

// Starts the probe first (the event loop's own descriptors exist), then
// takes every descriptor away while the loop runs its connects.
ProbeResult run_without_descriptors(const ProbeKind& kind,
                                    std::map<std::string, std::string> args) {
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.default_value.empty()) args[p.name] = p.default_value;
    asio::io_context io;
    RunEnvironment env;
    ProbeContext ctx{io, Clock::now() + std::chrono::seconds(3), env};
    std::optional<ProbeResult> got;
    auto cancel = kind.start(ctx, ProbeArgs(args), [&](ProbeResult r) { got = std::move(r); });
    {
        NoDescriptorsLeft none;
        io.run();
    }
    BOOST_TEST_REQUIRE(got.has_value());
    return *got;
}

// The sanitizers' runtime needs descriptors of its own (UBSan's vptr check
// probes memory through a pipe, and a report reads /proc/self/maps), so in a
// process left with none it reports the check's own probe as undefined
// behaviour. The case runs in the plain build's suite.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define PF_UNDER_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PF_UNDER_SANITIZER 1
#endif
boost::test_tools::assertion_result not_under_a_sanitizer(boost::unit_test::test_unit_id) {
#ifdef PF_UNDER_SANITIZER
    boost::test_tools::assertion_result ok(false);
    ok.message() << "skipped under the sanitizers: their runtime needs descriptors of its own "
                    "(it runs in the plain build)";
    return ok;
#else
    return true;
#endif
}

} // namespace

BOOST_AUTO_TEST_SUITE(open_files)

// The soft limit of 64 cannot be raised (the hard one is 64 too): without a
// bound on concurrent sockets most connects failed with EMFILE, and the
// ranges passed on the few hundred that did not.
BOOST_AUTO_TEST_CASE(every_port_of_a_5000_port_range_is_tried_under_a_limit_of_64) {
    pft::TempDir d;
    auto run = pft::preflight_run(d, "low", {"--checklist", checklist(d), "--quiet"}, "run",
                                  {"prlimit", "--nofile=64:64"});
    for (const std::string id : {"rpc-range", "tcp-range"}) {
        BOOST_TEST(run->status(id) == "pass", id << ": " << run->summary(id));
        BOOST_TEST(answered(run->summary(id)) == 5000, id << ": " << run->summary(id));
        BOOST_TEST(pft::contains(run->summary(id), "0 timed out of 5000 sampled"),
                   run->summary(id));
    }
}

// A range sampled whole (sample >= its size) under Debian's kind of limit
// (here 256, which the hard limit keeps from being raised): 16,384 closed
// ports once gave 15,370 "Too many open files" and still passed. Each port
// now waits for a descriptor, so every one is tried and answers.
BOOST_AUTO_TEST_CASE(a_16384_port_range_sampled_whole_is_tried_whole_under_a_limit_of_256) {
    pft::TempDir d;
    // Below the ephemeral range: no port is a socket of this host's own.
    auto xml = d.write("whole.xml", R"(<?xml version="1.0" encoding="UTF-8"?>
<checklist id="whole" title="Whole range" timeout="30">
  <source document="AirWatch Cloud Connector (ACC) Guide" section="Network Requirements"/>
  <section id="net" title="Network">
    <check id="whole-range" title="Whole range" severity="required">
      <probe kind="tcp" host="127.0.0.1" port="1024-17407" sample="65535"/>
      <requirement>The ports are open.</requirement>
      <fix>Allow the range.</fix>
    </check>
  </section>
</checklist>
)");
    auto run = pft::preflight_run(d, "whole", {"--checklist", xml, "--quiet"}, "run",
                                  {"prlimit", "--nofile=256:256"});
    auto summary = run->summary("whole-range");
    BOOST_TEST(run->status("whole-range") == "pass", summary);
    BOOST_TEST(answered(summary) == 16384, summary);
    BOOST_TEST(pft::contains(summary, "0 timed out of 16384 sampled"), summary);
    BOOST_TEST(!pft::contains(summary, "descriptor"), summary);
}

BOOST_AUTO_TEST_CASE(no_descriptor_left_is_an_error_saying_so_not_a_firewall,
                     *boost::unit_test::precondition(not_under_a_sanitizer)) {
    auto r = run_without_descriptors(
        rpc_dynamic_range_probe(),
        {{"host", "127.0.0.1"}, {"range", "20000-20009"}, {"samples", "10"}});
    BOOST_TEST(r.status == Status::error, r.summary);
    BOOST_TEST(pft::contains(r.summary, "out of file descriptors: 10 of 10 sampled ports could "
                                        "not be tried"),
               r.summary);
    BOOST_TEST(!pft::contains(r.summary, "firewall"), r.summary);

    r = run_without_descriptors(tcp_probe(),
                                {{"host", "127.0.0.1"}, {"port", "20000-20009"}, {"sample", "10"}});
    BOOST_TEST(r.status == Status::error, r.summary);
    BOOST_TEST(pft::contains(r.summary, "out of file descriptors"), r.summary);

    r = run_without_descriptors(tcp_probe(), {{"host", "127.0.0.1"}, {"port", "20000"}});
    BOOST_TEST(r.status == Status::error, r.summary);
    BOOST_TEST(pft::contains(r.summary, "out of file descriptors: preflight could not open a "
                                        "socket"),
               r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
