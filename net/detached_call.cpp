#include "net/detached_call.hpp"
#include <deque>
#include <thread>

namespace pf::detail {

std::uint64_t PendingCalls::add(std::shared_ptr<Mailbox> box, std::function<void()> deliver) {
    auto key = next_++;
    entries_.emplace(key, Entry{std::move(box), std::move(deliver)});
    return key;
}

void PendingCalls::deliver(std::uint64_t key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    // Out of the map first: on_done may abandon this very call.
    auto entry = std::move(it->second);
    entries_.erase(it);
    entry.deliver();
}

void PendingCalls::forget(std::uint64_t key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) return;
    auto entry = std::move(it->second);
    entries_.erase(it);
    // entry (and the probe state its callback holds) goes here, on the loop.
}

void PendingCalls::shutdown() {
    for (auto& [key, entry] : entries_) {
        std::lock_guard<std::mutex> lock(entry.box->m);
        entry.box->closed = true;
    }
    // The callbacks, and the timers they may hold, are destroyed while the
    // io_context's services still exist.
    auto gone = std::move(entries_);
    entries_.clear();
}

namespace {

// A worker is a new thread per call, so that it starts in the caller's
// network namespace (the tests run probes in namespaces they create); it
// exits when no call waits. Only calls queued at the bound run on a thread
// another call started.
struct Workers {
    std::mutex m;
    std::deque<std::function<void()>> queue;
    std::size_t running = 0;

    void work(std::function<void()> job) {
        for (;;) {
            job();
            job = nullptr; // the call's captures go before the next one starts
            std::lock_guard<std::mutex> lock(m);
            if (queue.empty()) {
                --running;
                return;
            }
            job = std::move(queue.front());
            queue.pop_front();
        }
    }
};

// Never destroyed: a worker still inside getaddrinfo when the process exits
// must not find its queue gone.
Workers& workers() {
    static auto* w = new Workers;
    return *w;
}

} // namespace

void run_on_worker(std::function<void()> job) {
    auto& w = workers();
    std::lock_guard<std::mutex> lock(w.m);
    if (w.running >= max_blocking_workers) {
        w.queue.push_back(std::move(job));
        return;
    }
    // A thread that cannot be created throws to the probe, which reports it.
    std::thread([&w, job = std::move(job)]() mutable { w.work(std::move(job)); }).detach();
    ++w.running;
}

} // namespace pf::detail
