// The runner's one deadline per check reaches the probes' network operations
// through Asio's cancellation: against peers that never answer, real probes
// give their own verdict once, at the deadline, and not the runner's
// fallback. Real sockets on 127.0.0.1.
#include "core/loader.hpp"
#include "core/runner.hpp"
#include "probes/reach/dns.hpp"
#include "probes/reach/tcp.hpp"
#include "probes/tls/tls.hpp"
#include "support/hostile_peer_posix.hpp"
#include "support/threads_posix.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pf;
using namespace std::chrono_literals;

namespace {

struct Counter : RunObserver {
    std::map<std::string, int> finished;
    void check_finished(const CheckResult& r) override { ++finished[r.check->id]; }
};

// Counts the verdicts each probe delivers, so that "exactly once" is asserted
// on the probe's side, not only on the runner's.
ProbeKind counted(ProbeKind k, std::shared_ptr<int> calls) {
    auto start = k.start;
    k.start = [start, calls](const ProbeContext& ctx, const ProbeArgs& a, ProbeDone done) {
        return start(ctx, a, [calls, done](ProbeResult r) {
            ++*calls;
            done(std::move(r));
        });
    };
    return k;
}

std::vector<CheckResult> run_xml(const ProbeRegistry& reg, const std::string& checks,
                                 RunObserver* obs) {
    static std::vector<std::unique_ptr<Checklist>> keep; // results point into the checklist
    keep.push_back(std::make_unique<Checklist>(load_checklist_text(
        "<checklist id=\"t\" title=\"T\" timeout=\"0.5\"><source document=\"G\"/>"
        "<section id=\"s\" title=\"S\">" +
            checks + "</section></checklist>",
        "t.xml", reg)));
    auto plan = plan_run(*keep.back(), reg, {});
    asio::io_context io;
    RunEnvironment env;
    RunnerOptions opts;
    opts.handle_signals = false;
    Runner runner(io, env, opts, obs);
    return runner.run(plan);
}

std::string check(const std::string& id, const std::string& probe) {
    return "<check id=\"" + id + "\" title=\"C\" severity=\"required\">" + probe +
           "<requirement>w</requirement><fix>f</fix></check>";
}

// A listener whose accept queue is full: the kernel drops further SYNs, so a
// connect to it gets no answer at all (a filtered port, without root).
struct FullBacklog {
    int listener = -1;
    std::vector<int> queued;
    unsigned short port = 0;
    FullBacklog() {
        listener = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        BOOST_REQUIRE(listen(listener, 0) == 0);
        socklen_t len = sizeof a;
        getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        // Fill the queue: these complete their handshakes and are never accepted.
        for (int i = 0; i < 4; ++i) {
            int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
            queued.push_back(s);
        }
        usleep(100 * 1000);
    }
    ~FullBacklog() {
        for (int s : queued)
            close(s);
        close(listener);
    }
};

void at_deadline(const CheckResult& r) {
    BOOST_TEST_INFO(r.check->id << ": " << r.result.summary);
    BOOST_TEST((r.result.reason != Reason::deadline_exceeded)); // the probe's own verdict
    BOOST_TEST(r.elapsed.count() >= 500 - 5);
    BOOST_TEST(r.elapsed.count() <= 500 + 50);
}

} // namespace

BOOST_AUTO_TEST_SUITE(deadline_cancellation)

BOOST_AUTO_TEST_CASE(a_tls_handshake_with_a_silent_peer_ends_at_the_deadline_once) {
    pft::HostilePeer silent(pft::HostilePeer::silent());
    auto calls = std::make_shared<int>(0);
    ProbeRegistry reg;
    reg.add(counted(tls_probe(), calls));
    Counter seen;
    auto results = run_xml(reg,
                           check("tls", "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" +
                                            silent.port_text() + "\"/>"),
                           &seen);
    BOOST_REQUIRE(results.size() == 1u);
    at_deadline(results[0]);
    BOOST_TEST(results[0].status == Status::fail);
    BOOST_TEST(results[0].result.summary.find("no TLS handshake with 127.0.0.1:" +
                                              silent.port_text()) != std::string::npos,
               results[0].result.summary);
    BOOST_TEST(*calls == 1);
    BOOST_TEST(seen.finished["tls"] == 1);
}

BOOST_AUTO_TEST_CASE(a_connect_that_gets_no_answer_ends_at_the_deadline_once) {
    FullBacklog filtered;
    auto calls = std::make_shared<int>(0);
    ProbeRegistry reg;
    reg.add(counted(tcp_probe(), calls));
    Counter seen;
    auto results = run_xml(reg,
                           check("tcp", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" +
                                            std::to_string(filtered.port) + "\"/>"),
                           &seen);
    BOOST_REQUIRE(results.size() == 1u);
    at_deadline(results[0]);
    BOOST_TEST(results[0].status == Status::fail);
    BOOST_TEST(results[0].result.summary.find("timed out") != std::string::npos,
               results[0].result.summary);
    BOOST_TEST(*calls == 1);
    BOOST_TEST(seen.finished["tcp"] == 1);
}

BOOST_AUTO_TEST_CASE(a_run_leaves_no_thread_behind) {
    int before = pft::thread_count();
    {
        ProbeRegistry reg;
        reg.add(dns_probe());
        std::string checks;
        for (int i = 0; i < 12; ++i)
            checks += check("d" + std::to_string(i), "<probe kind=\"dns\" host=\"localhost\"/>");
        auto results = run_xml(reg, checks, nullptr);
        for (const auto& r : results)
            BOOST_TEST(r.status == Status::pass, r.result.summary);
    }
    // The run's io_context joined its worker threads when it went.
    BOOST_TEST(pft::thread_count() == before);
}

BOOST_AUTO_TEST_SUITE_END()
