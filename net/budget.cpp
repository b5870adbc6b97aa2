#include "net/budget.hpp"
#include "net/open_files.hpp"
#include <algorithm>
#include <asio/post.hpp>
#include <thread>

namespace pf {

struct Budget::State : std::enable_shared_from_this<State> {
    State(asio::io_context& io, std::size_t limit)
        : io(io), limit(std::max<std::size_t>(limit, 1)) {}
    struct Waiter {
        std::function<void(BudgetToken)> grant; // emptied when withdrawn
    };
    struct Lease {
        explicit Lease(std::weak_ptr<State> s) : state(std::move(s)) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() {
            if (auto s = state.lock()) s->release();
        }
        std::weak_ptr<State> state;
    };

    asio::io_context& io;
    std::size_t limit, in_use = 0;
    std::deque<std::shared_ptr<Waiter>> waiters;
    bool drain_posted = false, shut = false;

    BudgetToken take() {
        ++in_use;
        return std::make_shared<Lease>(weak_from_this());
    }

    void release() {
        --in_use;
        schedule_drain();
    }

    // Waiters are granted from the loop, never inside the code that gave a
    // unit back: that code belongs to another check, which must not run
    // this one's.
    void schedule_drain() {
        if (shut || drain_posted || waiters.empty() || in_use >= limit) return;
        drain_posted = true;
        asio::post(io, [weak = weak_from_this()] {
            if (auto s = weak.lock()) s->drain();
        });
    }

    void drain() {
        drain_posted = false;
        while (!shut && in_use < limit && !waiters.empty()) {
            auto w = std::move(waiters.front());
            waiters.pop_front();
            if (!w->grant) continue;
            auto grant = std::move(w->grant);
            w->grant = nullptr;
            grant(take());
        }
    }
};

Budget::Budget(asio::io_context& io, std::size_t limit)
    : state_(std::make_shared<State>(io, limit)) {}

Budget::~Budget() {
    shut();
}

std::function<void()> Budget::acquire(std::function<void(BudgetToken)> grant) {
    auto& s = *state_;
    if (s.shut) return [] {};
    if (s.waiters.empty() && s.in_use < s.limit) {
        grant(s.take());
        return [] {};
    }
    auto w = std::make_shared<State::Waiter>();
    w->grant = std::move(grant);
    s.waiters.push_back(w);
    return [weak = std::weak_ptr<State::Waiter>(w)] {
        if (auto w = weak.lock()) w->grant = nullptr;
    };
}

std::size_t Budget::limit() const {
    return state_->limit;
}

std::size_t Budget::in_use() const {
    return state_->in_use;
}

std::size_t Budget::waiting() const {
    return static_cast<std::size_t>(
        std::count_if(state_->waiters.begin(), state_->waiters.end(),
                      [](const auto& w) { return static_cast<bool>(w->grant); }));
}

void Budget::set_limit(std::size_t limit) {
    state_->limit = std::max<std::size_t>(limit, 1);
    state_->schedule_drain();
}

void Budget::shut() {
    state_->shut = true;
    state_->waiters.clear();
}

namespace {

// One budget of each kind per io_context, shut down with it: waiters hold
// probes' state, which must go before the loop's other services do.
template <class Tag> class BudgetService : public asio::execution_context::service {
  public:
    using key_type = BudgetService<Tag>;
    static inline asio::execution_context::id id;
    explicit BudgetService(asio::execution_context& ctx)
        : asio::execution_context::service(ctx),
          budget(static_cast<asio::io_context&>(ctx), Tag::limit()) {}
    void shutdown() override { budget.shut(); }
    Budget budget;
};

struct Descriptors {
    static std::size_t limit() { return descriptor_limit_for(open_file_limit()); }
};

// A handshake computes in short steps on the CPU pool between round trips
// to the server and hops between threads: a core stays busy only with
// several handshakes each between their steps (measured on 2 cores under
// load: 1,000 checks' run 2.4 s with 4 in flight, 1.9 s with 16). Their
// times leave the wait for a CPU thread out (net/tls_handshake).
struct CpuWork {
    static std::size_t limit() {
        return 8 * std::max<std::size_t>(std::thread::hardware_concurrency(), 1);
    }
};

} // namespace

std::size_t descriptor_limit_for(std::size_t open_files) {
    // The reserve grows with the limit: curl may open a second socket while
    // it tries two addresses, and name lookups open a few of their own.
    std::size_t reserve = std::max<std::size_t>(32, open_files / 8);
    return open_files > reserve + 4 ? open_files - reserve : 4;
}

Budget& descriptor_budget(asio::io_context& io) {
    return asio::use_service<BudgetService<Descriptors>>(io).budget;
}

Budget& cpu_slots(asio::io_context& io) {
    return asio::use_service<BudgetService<CpuWork>>(io).budget;
}

} // namespace pf
