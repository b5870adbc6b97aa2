#pragma once
#include "core/check_cancel.hpp"
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace pf {

// At most this many threads per run run blocking calls; more calls queue.
inline constexpr std::size_t worker_pool_threads = 8;
// How long shutdown waits for calls still running (see WorkerPool).
inline constexpr std::chrono::milliseconds join_bound{250};

// The threads that run a run's blocking calls (getaddrinfo, the LDAP
// conversation): a service of the run's io_context, so there is one pool per
// run, and its threads are joined when the io_context shuts down.
//
// Joining does not hang the run. The run's results are complete before it:
// a check is cancelled at its deadline and its call's completion dropped.
// The calls end by their own means, but not soon enough to wait for them:
// getaddrinfo stuck on a silent DNS server returns only by the resolver's
// own timeout (resolv.conf timeout x attempts per server: 5 s x 2 by
// default, and an admin may set more), and libldap's TLS handshake with an
// LDAPS peer that accepts and stays silent spins without any timeout (until
// the LDAP probe no longer runs libldap's handshake on Linux). So the join
// waits join_bound at most; a thread still inside a call then is parked, not
// destroyed: it owns only the pool's shared state, never the io_context or
// the service, posts nothing once shutdown began, and ends with its call or
// with the process.
//
// Threads start on demand, from the loop's thread, so that they begin in its
// network namespace (tests run probes in namespaces they create).
class WorkerPool : public asio::execution_context::service {
  public:
    using key_type = WorkerPool;
    static inline asio::execution_context::id id;
    explicit WorkerPool(asio::execution_context& ctx,
                        std::size_t max_threads = worker_pool_threads);
    ~WorkerPool() override;

    // Runs call on a worker thread and on_done with its result on the loop.
    // The returned function abandons the call: on_done is then not called,
    // and it is destroyed at once, on the caller's thread. A call abandoned
    // while queued never runs. Call from the loop's thread.
    template <class Result>
    std::function<void()> run(std::function<Result()> call, std::function<void(Result)> on_done);

    // How many threads the pool has started (never more than its maximum).
    std::size_t threads() const;

  private:
    struct Mailbox {
        std::mutex m;
        bool closed = false;
    };
    template <class Result> struct Box : Mailbox { std::optional<Result> result; };

    // The workers' side, shared with them: what a worker touches.
    struct Shared {
        std::mutex m;
        std::condition_variable wake, exited;
        std::deque<std::pair<std::shared_ptr<Mailbox>, std::function<void()>>> queue;
        std::vector<bool> ended; // per thread, in start order
        std::size_t idle = 0;
        bool stopping = false;
        WorkerPool* pool = nullptr; // valid while !stopping
    };

    std::uint64_t add(std::function<void()> deliver);
    void submit(std::shared_ptr<Mailbox> box, std::function<void()> job);
    void deliver(std::uint64_t key);
    void forget(std::uint64_t key);
    static void post_delivery(const std::shared_ptr<Shared>& shared, std::uint64_t key);
    static void work(std::shared_ptr<Shared> shared, std::size_t index);
    void shutdown() override;

    asio::io_context& io_;
    std::size_t max_threads_;
    // The loop's side: what to do with each result, and the call counted as
    // work of the loop, as an Asio operation is (io.run() does not return
    // while one is pending). Only the loop touches it.
    struct Pending {
        std::function<void()> deliver;
        asio::executor_work_guard<asio::io_context::executor_type> work;
    };
    std::map<std::uint64_t, Pending> pending_;
    std::uint64_t next_ = 1;
    std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
    std::vector<std::thread> threads_; // touched by the loop's thread only
};

// The pool of io's run (created on first use).
inline WorkerPool& worker_pool(asio::io_context& io) {
    return asio::use_service<WorkerPool>(io);
}

// The run's second pool, for CPU-heavy work taken off the event loop (TLS
// handshake steps, chain verification): one thread per hardware thread, as
// more would only share the same cores. It is apart from worker_pool
// because a call there may block for seconds (getaddrinfo on a silent DNS
// server), and a handshake queued behind it would miss its deadline.
class CpuPool : public WorkerPool {
  public:
    using key_type = CpuPool;
    static inline asio::execution_context::id id;
    explicit CpuPool(asio::execution_context& ctx);
};

inline WorkerPool& cpu_pool(asio::io_context& io) {
    return asio::use_service<CpuPool>(io);
}

// Runs call on the CPU pool and on_done with its result on the loop. An
// exception call throws is rethrown on the loop inside cancel's guard, so
// that it ends only its check (an internal error), as on the loop; on a
// worker thread it would end the process. The returned function abandons
// the call (on_done is then not called). call must own what it uses and
// hold nothing of the loop's (sockets, timers), which must not be
// destroyed on a worker thread.
template <class Result>
std::function<void()> compute(asio::io_context& io, const CheckCancelPtr& cancel,
                              std::function<Result()> call, std::function<void(Result)> on_done) {
    struct Outcome {
        std::optional<Result> value;
        std::exception_ptr error;
    };
    return cpu_pool(io).run<Outcome>(
        [call = std::move(call)] {
            Outcome o;
            try {
                o.value.emplace(call());
            } catch (...) {
                o.error = std::current_exception();
            }
            return o;
        },
        [cancel, on_done = std::move(on_done)](Outcome o) {
            cancel->guard([&] {
                if (o.error) std::rethrow_exception(o.error);
                on_done(std::move(*o.value));
            });
        });
}

template <class Result>
std::function<void()> WorkerPool::run(std::function<Result()> call,
                                      std::function<void(Result)> on_done) {
    auto box = std::make_shared<Box<Result>>();
    auto key = add([box, on_done = std::move(on_done)] {
        std::optional<Result> r;
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed || !box->result) return;
            box->closed = true;
            r = std::move(box->result);
        }
        on_done(std::move(*r));
    });
    // The job owns the call and the mailbox only: nothing of the loop's (the
    // probe's state, its timers) is ever destroyed on a worker thread.
    submit(box, [shared = shared_, box, key, call = std::move(call)] {
        Result r = call();
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed) return;
            box->result = std::move(r);
        }
        post_delivery(shared, key);
    });
    return [this, box, key] {
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed) return;
            box->closed = true;
        }
        forget(key);
    };
}

} // namespace pf
