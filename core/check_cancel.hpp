#pragma once
#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pf {

using Clock = std::chrono::steady_clock;

// One check's deadline and its cancellation. The runner (or, for a probe run
// on its own, the object's own timer) emits it once, at the deadline or when
// the run is interrupted; every asynchronous operation of the check listens
// to it through Asio's per-operation cancellation and completes with
// operation_aborted. An Asio slot holds one handler, so each operation gets
// a signal of its own from bind() and emit() fans out to all of them.
//
// Transports keep no timers of their own: an operation bound here ends at the
// deadline, and whoever started it turns (phase reached, cancelled) into its
// verdict.
class CheckCancel : public std::enable_shared_from_this<CheckCancel> {
  public:
    enum class Cause { none, deadline, interrupted, failed };

    // Emitted by its owner only (the runner arms one timer per check).
    static std::shared_ptr<CheckCancel> create(Clock::time_point deadline);
    // Emits itself at deadline: a probe started outside the runner (tests).
    // Its timer waits only while an operation or callback listens, so that
    // a loop run until it has no work ends when the probe does.
    static std::shared_ptr<CheckCancel> armed(asio::io_context& io, Clock::time_point deadline);

    CheckCancel(const CheckCancel&) = delete;
    CheckCancel& operator=(const CheckCancel&) = delete;
    ~CheckCancel();

    Clock::time_point deadline() const { return deadline_; }
    bool cancelled() const { return cause_ != Cause::none; }
    Cause cause() const { return cause_; }

    // Cancels every operation bound to this check (terminal cancellation)
    // and runs the on_cancel callbacks; only the first call counts.
    void emit(Cause cause);

    // handler, bound to a cancellation slot of its own. When it runs, its
    // slot is freed first, and an exception it throws is reported through
    // on_exception instead of escaping the event loop. An operation started
    // after emit() is not cancelled: check cancelled() before starting one.
    template <class Handler> auto bind(Handler handler);

    // For work that is not an Asio operation (a curl transfer): f runs once,
    // at emit(). The returned function unregisters f. Callbacks are dropped
    // after emit() and by release(), so f may hold what holds this object.
    std::function<void()> on_cancel(std::function<void()> f);

    // Runs f as the check's code: an exception becomes on_exception's.
    template <class F> void guard(F&& f);

    // Told of an exception thrown by the check's code (the runner turns it
    // into the check's error verdict). Unset, the exception escapes (a probe
    // run outside the runner, in a test).
    std::function<void(const std::string& what)> on_exception;

    // The check is over: drops the callbacks (and the cycles through them).
    void release();

  private:
    explicit CheckCancel(Clock::time_point deadline) : deadline_(deadline) {}
    struct Node {
        asio::cancellation_signal signal;
        bool busy = false;
    };
    // Frees its signal when the bound handler runs or is destroyed unrun.
    struct Lease {
        Lease(std::shared_ptr<CheckCancel> owner, Node* node)
            : owner(std::move(owner)), node(node) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        std::shared_ptr<CheckCancel> owner;
        Node* node;
        ~Lease() {
            node->signal.slot().clear();
            node->busy = false;
            owner->idle_.push_back(node);
            --owner->busy_;
            owner->listeners_changed();
        }
    };
    template <class Handler> struct Bound {
        std::shared_ptr<Lease> lease;
        Handler handler;
        template <class... Args> void operator()(Args&&... args) {
            auto owner = lease->owner;
            lease.reset();
            owner->guard([&] { handler(std::forward<Args>(args)...); });
        }
    };
    Node& free_node();
    void report(const std::string& what);
    void listeners_changed();

    Clock::time_point deadline_;
    Cause cause_ = Cause::none;
    bool released_ = false;
    bool waiting_ = false; // the timer of armed() waits
    std::size_t busy_ = 0;
    std::list<Node> nodes_;
    // Nodes not busy: a port range has a thousand operations in flight on
    // one check, and searching the list for a free one was its hot spot.
    std::vector<Node*> idle_;
    std::list<std::pair<std::uint64_t, std::function<void()>>> callbacks_;
    std::uint64_t next_callback_ = 1;
    // armed(): the loop, and the timer made the first time something listens
    // (a probe that never waits creates no timer, and on Windows no timer thread).
    asio::io_context* io_ = nullptr;
    std::unique_ptr<asio::steady_timer> timer_;
};

using CheckCancelPtr = std::shared_ptr<CheckCancel>;

template <class Handler> auto CheckCancel::bind(Handler handler) {
    Node& node = free_node();
    node.busy = true;
    ++busy_;
    listeners_changed();
    auto lease = std::make_shared<Lease>(shared_from_this(), &node);
    return asio::bind_cancellation_slot(node.signal.slot(),
                                        Bound<Handler>{std::move(lease), std::move(handler)});
}

template <class F> void CheckCancel::guard(F&& f) {
    // Once the check has its verdict, what its leftovers throw is dropped:
    // it must not reach the other checks.
    if (!on_exception && !released_) return f();
    try {
        f();
    } catch (const std::exception& e) {
        report(e.what());
    } catch (...) {
        report("an exception of unknown type");
    }
}

} // namespace pf
