#pragma once
#include "core/plan.hpp"
#include "core/run_environment.hpp"
#include "core/run_observer.hpp"
#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <memory>

namespace pf {

struct RunnerOptions {
    // At most this many checks at once; 0, no cap. A check that waits costs
    // nothing: what costs is budgeted where it is spent (descriptors and
    // TLS handshakes, net/budget.hpp), so a run of checks that mostly wait
    // ends in about one deadline whatever their number.
    std::size_t jobs = 0;
    // How long past its deadline (when the check's cancellation is emitted) a
    // probe may take to report before the runner gives the verdict itself.
    // Every probe's work is bound to the cancellation, and the silent-peer
    // test shows each kind reporting itself at the deadline, so this only
    // keeps a probe with a bug from holding the run forever. It is not 0:
    // the aborted operations' handlers run after the emit, some in more than
    // one step, and a timer due at once could overtake them.
    std::chrono::milliseconds grace{300};
    bool handle_signals = true; // Ctrl-C and SIGTERM interrupt the run
};

// The last resort against a server that echoes a password: every text of a
// result loses the run's secrets (core/secret.cpp says which secrets can be
// removed without garbling a sentence). The one place this happens, for
// `run` (Runner::complete) and `cert`.
void redact_result(ProbeResult& r, const std::vector<SecretRef>& secrets);

// Runs planned checks concurrently on one event loop (at most `jobs` at a
// time when set), each against its own deadline; results come back in plan
// order.
class Runner {
  public:
    Runner(asio::io_context& io, const RunEnvironment& env, RunnerOptions options,
           RunObserver* observer = nullptr);
    std::vector<CheckResult> run(const std::vector<PlannedCheck>& plan);
    void interrupt(); // call from the loop's thread
    bool interrupted() const { return interrupted_; }

  private:
    struct Slot {
        bool started = false;
        bool done = false;
        Clock::time_point start;
        ProbeCancel cancel;
        CheckCancelPtr check; // the check's deadline and cancellation
        std::unique_ptr<asio::steady_timer> timer;
    };
    void launch(std::size_t i);
    void launch_more();
    void complete(std::size_t i, ProbeResult r);
    void stop(std::size_t i, CheckCancel::Cause why);
    void failed(std::size_t i, const std::string& what);
    void escaped(const std::string& what);
    void finish_if_done();

    asio::io_context& io_;
    const RunEnvironment& env_;
    RunnerOptions options_;
    RunObserver* observer_;
    const std::vector<PlannedCheck>* plan_ = nullptr;
    std::vector<Slot> slots_;
    std::vector<CheckResult> results_;
    std::vector<SecretRef> secrets_; // every secret of the plan and the proxy's
    std::size_t next_ = 0, active_ = 0, finished_ = 0;
    bool interrupted_ = false;
    std::unique_ptr<asio::signal_set> signals_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

} // namespace pf
