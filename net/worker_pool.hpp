#pragma once
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
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

// The threads that run a run's blocking calls (getaddrinfo, the Windows LDAP
// conversation): a service of the run's io_context, so there is one pool per
// run, and its threads are joined when the io_context shuts down.
//
// Joining cannot hang the run: every call it runs is bounded by its own
// means. getaddrinfo stuck on a silent DNS server returns by the resolver's
// own timeout (resolv.conf timeout/attempts, 5 s x 2 per server by default),
// and an LDAP conversation by its request's deadline. The run's results are
// complete before that: the check was cancelled at its deadline and its
// completion is dropped. Only the process's exit waits.
//
// Threads start on demand, from the loop's thread, so that they begin in its
// network namespace (tests run probes in namespaces they create).
class WorkerPool : public asio::execution_context::service {
  public:
    using key_type = WorkerPool;
    static inline asio::execution_context::id id;
    explicit WorkerPool(asio::execution_context& ctx);
    ~WorkerPool() override;

    // Runs call on a worker thread and on_done with its result on the loop.
    // The returned function abandons the call: on_done is then not called,
    // and it is destroyed at once, on the caller's thread. A call abandoned
    // while queued never runs. Call from the loop's thread.
    template <class Result>
    std::function<void()> run(std::function<Result()> call, std::function<void(Result)> on_done);

    // How many threads the pool has started (never more than worker_pool_threads).
    std::size_t threads() const;

  private:
    struct Mailbox {
        std::mutex m;
        bool closed = false;
    };
    template <class Result> struct Box : Mailbox { std::optional<Result> result; };

    std::uint64_t add(std::function<void()> deliver);
    void submit(std::shared_ptr<Mailbox> box, std::function<void()> job);
    void deliver(std::uint64_t key);
    void forget(std::uint64_t key);
    void post_delivery(std::uint64_t key);
    void work();
    void shutdown() override;

    asio::io_context& io_;
    // The loop's side: what to do with each result. Only the loop touches it.
    std::map<std::uint64_t, std::function<void()>> pending_;
    std::uint64_t next_ = 1;
    // The workers' side.
    mutable std::mutex m_;
    std::condition_variable wake_;
    std::deque<std::pair<std::shared_ptr<Mailbox>, std::function<void()>>> queue_;
    std::vector<std::thread> threads_;
    std::size_t idle_ = 0;
    bool stopping_ = false;
};

// The pool of io's run (created on first use).
inline WorkerPool& worker_pool(asio::io_context& io) {
    return asio::use_service<WorkerPool>(io);
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
    submit(box, [this, box, key, call = std::move(call)] {
        Result r = call();
        {
            std::lock_guard<std::mutex> lock(box->m);
            if (box->closed) return;
            box->result = std::move(r);
        }
        post_delivery(key);
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
