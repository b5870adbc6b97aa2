// Every network probe kind against a peer that never answers, run through the
// real runner: one verdict, at the check's deadline (± 50 ms), naming the
// phase the peer went silent in. The table has a row for every network kind
// in the registry, so a new kind without one fails here.
#include "app/registries.hpp"
#include "core/runner.hpp"
#include "support/hostile_peer_posix.hpp"
#include "support/probe_harness.hpp"
#include "support/silent_peers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace pf;
using namespace std::chrono_literals;
using pft::contains;

namespace {

constexpr auto kDeadline = 1500ms;
constexpr double kTolerance = 0.050; // seconds either side of the deadline

// Kinds that judge this host or its local files and never wait on a peer.
const std::set<std::string> kHostOnly = {"hardware",   "sizing",     "os",   "dotnet",
                                         "powershell", "privileges", "file", "cert-file"};

enum class Silence {
    accepts,       // TCP accepted, then not a byte
    proxy_accepts, // the run's proxy accepts, then not a byte
    drops_syn,     // the connect itself is never answered
    dns_server,    // the resolver's server receives the question and never answers
};

struct Row {
    std::string kind;
    std::string label;
    std::map<std::string, std::string> args; // host and port are added
    Silence silence = Silence::accepts;
    Status status = Status::fail;
    std::vector<std::string> phrases; // the verdict names the phase: all of these
};

std::vector<Row> rows() {
    const auto fail = Status::fail;
    return {
        {"dns",
         "dns",
         {{"host", "silent.preflight.test"}},
         Silence::dns_server,
         fail,
         {"no answer from the resolver for 'silent.preflight.test' within 1.5 s"}},
        {"tcp", "tcp", {}, Silence::drops_syn, fail, {"timed out: no answer from 127.0.0.1 port"}},
        {"tcp", "tcp port range", {{"port", "range"}}, Silence::drops_syn, fail, {"timed out"}},
        {"tls", "tls", {}, Silence::accepts, fail, {"no TLS handshake with 127.0.0.1:"}},
        {"tls_idle",
         "tls_idle",
         {{"idle", "1"}},
         Silence::accepts,
         fail,
         {"no TLS handshake with 127.0.0.1:"}},
        {"http",
         "https",
         {},
         Silence::accepts,
         fail,
         {"the TLS handshake with 127.0.0.1:", "did not finish within 1.5 s"}},
        {"http",
         "http plain",
         {{"scheme", "http"}},
         Silence::accepts,
         fail,
         {"took the request but sent no answer within 1.5 s"}},
        {"http",
         "http through the proxy",
         {{"via", "proxy"}},
         Silence::proxy_accepts,
         fail,
         {"no answer from the proxy", "to CONNECT 127.0.0.1:443"}},
        {"proxy",
         "proxy",
         {},
         Silence::proxy_accepts,
         fail,
         {"no answer from the proxy", "to CONNECT 127.0.0.1:443 before the deadline"}},
        {"smtp", "smtp", {}, Silence::accepts, fail, {"no 220 banner before the deadline"}},
        {"smtp",
         "smtp implicit TLS",
         {{"tls", "implicit"}},
         Silence::accepts,
         fail,
         {"did not answer the TLS handshake before the deadline"}},
        {"ldap", "ldap", {}, Silence::accepts, fail, {"did not answer an LDAP request"}},
        {"ldap",
         "ldaps",
         {{"security", "ldaps"}},
         Silence::accepts,
         fail,
         {"did not complete the TLS handshake"}},
        // Over an accepted connection syslog has no answer to wait for (it
        // passes); its silent phase is the connect.
        {"syslog",
         "syslog tcp",
         {},
         Silence::drops_syn,
         fail,
         {"no connection to 127.0.0.1:", "before the deadline"}},
        {"syslog",
         "syslog tls",
         {{"transport", "tls"}},
         Silence::accepts,
         fail,
         {"no TLS handshake with 127.0.0.1:"}},
        {"scep",
         "scep",
         {},
         Silence::accepts,
         fail,
         {"the TLS handshake with 127.0.0.1:", "did not finish within 1.5 s"}},
        {"activesync",
         "activesync",
         {},
         Silence::accepts,
         fail,
         {"no TLS handshake with 127.0.0.1:"}},
        {"exchange_powershell",
         "exchange_powershell",
         {},
         Silence::accepts,
         fail,
         {"the TLS handshake with 127.0.0.1:", "did not finish within 1.5 s"}},
        {"rpc_epmap",
         "rpc_epmap",
         {},
         Silence::accepts,
         fail,
         {"accepted the connection but did not answer the bind within 1.5 s"}},
        {"rpc_dynamic_range",
         "rpc_dynamic_range",
         {},
         Silence::drops_syn,
         fail,
         {"a firewall drops TCP", "1 timed out"}},
    };
}

struct Outcome {
    std::size_t results = 0; // checks the runner reported
    int verdicts = 0;        // times the probe called done
    Status status = Status::skip;
    std::string summary;
    double elapsed = -1, wall = -1; // seconds: the runner's and around the run
};

// One check through the runner, as `preflight run` runs it.
Outcome run_check(const ProbeKind& real, std::map<std::string, std::string> args,
                  const RunEnvironment& env) {
    Outcome out;
    // The kind as registered, counting the verdicts it gives.
    ProbeKind kind = real;
    kind.start = [&out, start = real.start](const ProbeContext& ctx, const ProbeArgs& a,
                                            ProbeDone done) {
        return start(ctx, a, [&out, done](ProbeResult r) {
            ++out.verdicts;
            done(std::move(r));
        });
    };
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.required && !p.default_value.empty())
            args[p.name] = p.default_value;
    Check check;
    check.id = "silent." + kind.name;
    check.title = "silent peer";
    check.probe.kind = kind.name;
    PlannedCheck pc;
    pc.check = &check;
    pc.kind = &kind;
    pc.args = ProbeArgs(args);
    pc.timeout = kDeadline;

    asio::io_context io;
    RunnerOptions options;
    options.handle_signals = false;
    Runner runner(io, env, options);
    auto t0 = Clock::now();
    auto results = runner.run({pc});
    out.wall = std::chrono::duration<double>(Clock::now() - t0).count();
    out.results = results.size();
    if (!results.empty()) {
        out.status = results[0].result.status;
        out.summary = results[0].result.summary;
        out.elapsed = std::chrono::duration<double>(results[0].elapsed).count();
    }
    return out;
}

// For the child process of the DNS row: the outcome as lines.
std::string encode(const Outcome& o) {
    std::ostringstream s;
    s << o.results << "\n"
      << o.verdicts << "\n"
      << int(o.status) << "\n"
      << o.elapsed << "\n"
      << o.wall << "\n"
      << o.summary;
    return s.str();
}

Outcome decode(const std::string& text) {
    Outcome o;
    std::istringstream s(text);
    int status = 0;
    s >> o.results >> o.verdicts >> status >> o.elapsed >> o.wall;
    o.status = static_cast<Status>(status);
    s.get();
    std::getline(s, o.summary, '\0');
    return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(silent_peer)

BOOST_AUTO_TEST_CASE(every_network_kind_gives_one_verdict_at_its_deadline) {
    const ProbeRegistry& registry = builtin_probes();
    for (const Row& row : rows()) {
        BOOST_TEST_CONTEXT(row.label) {
            const ProbeKind* kind = registry.find(row.kind);
            BOOST_TEST_REQUIRE(kind != nullptr);
            auto args = row.args;
            args["host"] = args.count("host") ? args["host"] : "127.0.0.1";
            Outcome o;
            if (row.silence == Silence::dns_server) {
                if (geteuid() != 0) {
                    BOOST_TEST_MESSAGE("skipped: a DNS server of the test's own needs root "
                                       "(a network and a mount namespace)");
                    continue;
                }
                o = decode(pft::run_with_silent_dns(
                    [&] { return encode(run_check(*kind, args, RunEnvironment{})); }));
            } else if (row.silence == Silence::drops_syn) {
                pft::UnansweredConnect peer;
                // A range of one port: the peer's.
                auto range = peer.port_text() + "-" + peer.port_text();
                if (row.kind == "rpc_dynamic_range")
                    args["range"] = range;
                else
                    args["port"] = args.count("port") ? range : peer.port_text();
                o = run_check(*kind, args, RunEnvironment{});
            } else {
                pft::HostilePeer peer(pft::HostilePeer::silent());
                RunEnvironment env;
                if (row.silence == Silence::proxy_accepts) {
                    env.proxy.host = "127.0.0.1";
                    env.proxy.port = peer.port();
                    env.proxy.origin = "--proxy";
                    args["port"] = "443";
                } else {
                    args["port"] = peer.port_text();
                }
                o = run_check(*kind, args, env);
            }
            double deadline = std::chrono::duration<double>(kDeadline).count();
            BOOST_TEST_MESSAGE(row.label << ": " << to_string(o.status) << " after " << o.elapsed
                                         << " s (wall " << o.wall << " s): " << o.summary);
            BOOST_TEST(o.results == 1u);
            BOOST_TEST(o.verdicts == 1, o.verdicts << " verdicts from the probe");
            BOOST_TEST(std::abs(o.elapsed - deadline) <= kTolerance,
                       "verdict after " << o.elapsed << " s: " << o.summary);
            BOOST_TEST(std::abs(o.wall - deadline) <= kTolerance,
                       "the run took " << o.wall << " s");
            BOOST_TEST(o.status == row.status, o.summary);
            for (const auto& phrase : row.phrases)
                BOOST_TEST(contains(o.summary, phrase), o.summary);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_network_kind_has_a_row) {
    std::set<std::string> covered;
    for (const Row& row : rows())
        covered.insert(row.kind);
    for (const auto& name : builtin_probes().names())
        BOOST_TEST((covered.count(name) || kHostOnly.count(name)),
                   name << ": a network probe kind without a silent-peer row");
    // An exemption for a kind that is gone would hide the next one of that name.
    for (const auto& name : kHostOnly)
        BOOST_TEST(builtin_probes().find(name) != nullptr, name << " is not a probe kind");
}

BOOST_AUTO_TEST_SUITE_END()
