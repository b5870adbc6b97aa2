#include "core/detached_call.hpp"
#include <condition_variable>
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

// Workers stay for the life of the process, idle ones waiting for the next
// call: a thread still exiting when the process does (OpenSSL frees its
// per-thread error state at thread exit) showed up as a leak in every few
// runs under LeakSanitizer.
struct Workers {
    std::mutex m;
    std::condition_variable wake;
    std::deque<std::function<void()>> queue;
    std::size_t threads = 0, idle = 0;

    void work() {
        for (;;) {
            std::function<void()> job;
            {
                std::unique_lock<std::mutex> lock(m);
                ++idle;
                wake.wait(lock, [this] { return !queue.empty(); });
                --idle;
                job = std::move(queue.front());
                queue.pop_front();
            }
            job(); // the call's captures go with job, before the next call
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
    w.queue.push_back(std::move(job));
    if (w.queue.size() > w.idle && w.threads < max_blocking_workers) {
        // A thread that cannot be created throws to the probe, which reports it.
        try {
            std::thread([&w] { w.work(); }).detach();
        } catch (...) {
            w.queue.pop_back();
            throw;
        }
        ++w.threads;
    }
    w.wake.notify_one();
}

} // namespace pf::detail
