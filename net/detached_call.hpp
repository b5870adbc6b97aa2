#pragma once
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

namespace pf {

// Runs a blocking call (getaddrinfo, parts of libldap) on a worker thread
// and hands the result to the event loop. Workers are detached: a call that
// hangs must never hold up a run, so it is abandoned instead of joined.
//
// A worker may outlive the run and its io_context, so it owns nothing of the
// loop's: only the call and a small mailbox (a mutex, a closed flag, the
// result). on_done, and with it the probe's state and its timers, stays with
// the io_context (a service of it) and is destroyed on the loop's side, at
// the latest when the io_context is. The mailbox closes when the result is
// delivered, when the call is abandoned and when the io_context goes away;
// a worker finishing after that drops its result without touching asio.
//
// Calling the returned function abandons the call; after it returns, on_done
// will not be called.
template <class Result>
std::function<void()> detached_call(asio::io_context& io, std::function<Result()> call,
                                    std::function<void(Result)> on_done);

// At most this many worker threads run at once in the process; further calls
// wait for a free worker (and a call abandoned while waiting never runs).
inline constexpr std::size_t max_blocking_workers = 64;

namespace detail {

struct Mailbox {
    std::mutex m;
    bool closed = false;
    asio::io_context* io = nullptr; // valid while not closed
    std::uint64_t key = 0;
};

template <class Result> struct ResultBox : Mailbox { std::optional<Result> result; };

// The loop's side of the calls of one io_context: what to do with each
// result. Its shutdown (in ~io_context) closes every mailbox still open.
class PendingCalls : public asio::execution_context::service {
  public:
    using key_type = PendingCalls;
    static inline asio::execution_context::id id;
    explicit PendingCalls(asio::execution_context& ctx) : service(ctx) {}

    std::uint64_t add(std::shared_ptr<Mailbox> box, std::function<void()> deliver);
    void deliver(std::uint64_t key);
    void forget(std::uint64_t key);

  private:
    void shutdown() override;
    struct Entry {
        std::shared_ptr<Mailbox> box;
        std::function<void()> deliver;
    };
    std::map<std::uint64_t, Entry> entries_;
    std::uint64_t next_ = 1;
};

// Queues job for a worker thread (at most max_blocking_workers of them).
void run_on_worker(std::function<void()> job);

} // namespace detail

template <class Result>
std::function<void()> detached_call(asio::io_context& io, std::function<Result()> call,
                                    std::function<void(Result)> on_done) {
    auto box = std::make_shared<detail::ResultBox<Result>>();
    box->io = &io;
    auto& pending = asio::use_service<detail::PendingCalls>(io);
    box->key = pending.add(box, [box, on_done = std::move(on_done)] {
        std::optional<Result> r;
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed || !box->result) return;
            box->closed = true; // delivered once
            r = std::move(box->result);
        }
        on_done(std::move(*r));
    });
    detail::run_on_worker([box, call = std::move(call)] {
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed) return;
        }
        Result r = call();
        std::lock_guard<std::mutex> lock(box->m);
        if (box->closed) return;
        box->result = std::move(r);
        // The handler holds no probe state: destroyed unrun, it frees nothing
        // of the loop's.
        asio::post(*box->io, [io = box->io, key = box->key] {
            asio::use_service<detail::PendingCalls>(*io).deliver(key);
        });
    });
    return [box] {
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed) return;
            box->closed = true;
        }
        asio::use_service<detail::PendingCalls>(*box->io).forget(box->key);
    };
}

} // namespace pf
