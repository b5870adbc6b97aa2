#include "net/worker_pool.hpp"

namespace pf {

WorkerPool::WorkerPool(asio::execution_context& ctx)
    : service(ctx), io_(static_cast<asio::io_context&>(ctx)) {}

WorkerPool::~WorkerPool() {
    shutdown();
}

std::size_t WorkerPool::threads() const {
    std::lock_guard<std::mutex> lock(m_);
    return threads_.size();
}

std::uint64_t WorkerPool::add(std::function<void()> deliver) {
    auto key = next_++;
    pending_.emplace(key, std::move(deliver));
    return key;
}

void WorkerPool::submit(std::shared_ptr<Mailbox> box, std::function<void()> job) {
    std::lock_guard<std::mutex> lock(m_);
    if (stopping_) return;
    queue_.emplace_back(std::move(box), std::move(job));
    if (idle_ > 0) {
        wake_.notify_one();
        return;
    }
    if (threads_.size() < worker_pool_threads) {
        // A thread that cannot be created throws to the probe, which reports it.
        threads_.emplace_back([this] { work(); });
    }
}

void WorkerPool::work() {
    std::unique_lock<std::mutex> lock(m_);
    for (;;) {
        ++idle_;
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (stopping_) return;
        auto [box, job] = std::move(queue_.front());
        queue_.pop_front();
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
}

void WorkerPool::post_delivery(std::uint64_t key) {
    // Under the pool's lock: once shutdown has begun nothing more is posted,
    // so a late result never reaches a loop that is going away.
    std::lock_guard<std::mutex> lock(m_);
    if (stopping_) return;
    asio::post(io_, [this, key] { deliver(key); });
}

void WorkerPool::deliver(std::uint64_t key) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    // Out of the map first: on_done may abandon this very call.
    auto f = std::move(it->second);
    pending_.erase(it);
    f();
}

void WorkerPool::forget(std::uint64_t key) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    auto f = std::move(it->second);
    pending_.erase(it);
    // f, and the probe state it holds, is destroyed here, on the loop.
}

void WorkerPool::shutdown() {
    std::vector<std::thread> threads;
    {
        std::lock_guard<std::mutex> lock(m_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        queue_.clear();
        threads = std::move(threads_);
        threads_.clear();
    }
    wake_.notify_all();
    // Callbacks (and the timers they may hold) go while the io_context's
    // services still exist, on the thread that ends the loop.
    auto gone = std::move(pending_);
    pending_.clear();
    gone.clear();
    // See the class comment: every call ends by its own timeout.
    for (auto& t : threads)
        t.join();
}

} // namespace pf
