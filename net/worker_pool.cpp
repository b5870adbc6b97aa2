#include "net/worker_pool.hpp"
#include <algorithm>

namespace pf {

WorkerPool::WorkerPool(asio::execution_context& ctx, std::size_t max_threads)
    : service(ctx), io_(static_cast<asio::io_context&>(ctx)),
      max_threads_(std::max<std::size_t>(max_threads, 1)) {
    shared_->pool = this;
}

CpuPool::CpuPool(asio::execution_context& ctx)
    : WorkerPool(ctx, std::max(1u, std::thread::hardware_concurrency())) {}

WorkerPool::~WorkerPool() {
    shutdown();
}

std::size_t WorkerPool::threads() const {
    return threads_.size();
}

std::uint64_t WorkerPool::add(std::function<void()> deliver) {
    auto key = next_++;
    pending_.emplace(key, Pending{std::move(deliver), asio::make_work_guard(io_)});
    return key;
}

void WorkerPool::submit(std::shared_ptr<Mailbox> box, std::function<void()> job) {
    std::lock_guard<std::mutex> lock(shared_->m);
    if (shared_->stopping) return;
    shared_->queue.emplace_back(std::move(box), std::move(job));
    if (shared_->idle > 0) {
        shared_->wake.notify_one();
        return;
    }
    if (threads_.size() < max_threads_) {
        // A thread that cannot be created throws to the probe, which reports it.
        auto index = shared_->ended.size();
        shared_->ended.push_back(false);
        threads_.emplace_back(work, shared_, index);
    }
}

void WorkerPool::work(std::shared_ptr<Shared> shared, std::size_t index) {
    std::unique_lock<std::mutex> lock(shared->m);
    for (;;) {
        ++shared->idle;
        shared->wake.wait(lock, [&] { return shared->stopping || !shared->queue.empty(); });
        --shared->idle;
        if (shared->stopping) break;
        auto [box, job] = std::move(shared->queue.front());
        shared->queue.pop_front();
        lock.unlock();
        bool abandoned;
        {
            std::lock_guard<std::mutex> box_lock(box->m);
            abandoned = box->closed;
        }
        if (!abandoned) job();
        job = nullptr; // the call's captures go before the next call starts
        box.reset();
        lock.lock();
    }
    shared->ended[index] = true;
    shared->exited.notify_all();
}

void WorkerPool::post_delivery(const std::shared_ptr<Shared>& shared, std::uint64_t key) {
    // Under the lock: once shutdown has begun nothing more is posted, so a
    // late result never reaches a loop, or a pool, that is going away.
    std::lock_guard<std::mutex> lock(shared->m);
    if (shared->stopping) return;
    WorkerPool* pool = shared->pool;
    asio::post(pool->io_, [pool, key] { pool->deliver(key); });
}

void WorkerPool::deliver(std::uint64_t key) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    // Out of the map first: on_done may abandon this very call.
    auto p = std::move(it->second);
    pending_.erase(it);
    p.deliver();
}

void WorkerPool::forget(std::uint64_t key) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    auto p = std::move(it->second);
    pending_.erase(it);
    // p's callback, and the probe state it holds, is destroyed here, on the
    // loop. Its work ends from a handler, as an aborted operation's does:
    // ending it here could leave a loop not yet running without work, and
    // Asio stops such a loop, so that its run() would return at once.
    asio::post(io_, [work = std::move(p.work)] {});
}

namespace {

// Threads still inside a call when their pool went (see WorkerPool). Never
// destroyed: a std::thread must not be destroyed while it runs.
std::vector<std::thread>& parked() {
    static auto* threads = new std::vector<std::thread>;
    return *threads;
}
std::mutex parked_mutex;

} // namespace

void WorkerPool::shutdown() {
    auto threads = std::move(threads_);
    threads_.clear();
    std::vector<bool> ended;
    {
        std::unique_lock<std::mutex> lock(shared_->m);
        if (shared_->stopping) return;
        shared_->stopping = true;
        shared_->pool = nullptr;
        shared_->queue.clear();
        shared_->wake.notify_all();
        shared_->exited.wait_for(lock, join_bound, [&] {
            for (bool e : shared_->ended)
                if (!e) return false;
            return true;
        });
        ended = shared_->ended;
    }
    // Callbacks (and the timers they may hold) go while the io_context's
    // services still exist, on the thread that ends the loop.
    auto gone = std::move(pending_);
    pending_.clear();
    gone.clear();
    for (std::size_t i = 0; i < threads.size(); ++i) {
        if (ended[i]) {
            threads[i].join();
        } else {
            std::lock_guard<std::mutex> lock(parked_mutex);
            parked().push_back(std::move(threads[i]));
        }
    }
}

} // namespace pf
