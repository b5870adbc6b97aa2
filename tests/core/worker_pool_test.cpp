// Blocking calls run on a bounded pool of threads owned by the run's
// io_context and joined when it goes: nothing of the loop's is ever touched
// by a worker after the loop is gone (ASan once found a steady_timer
// destroyed after its io_context was freed, by a detached worker).
#include "net/worker_pool.hpp"
#include <asio/steady_timer.hpp>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <optional>
#include <thread>
#include <vector>
#ifndef _WIN32
#include "support/threads_posix.hpp"
#endif

using namespace pf;
using namespace std::chrono_literals;

namespace {

// Holds blocking calls until opened.
struct Gate {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
    std::atomic<int> inside{0}, most_inside{0}, returned{0};

    int pass() {
        int now = ++inside;
        for (int seen = most_inside; now > seen && !most_inside.compare_exchange_weak(seen, now);)
            ;
        std::unique_lock<std::mutex> lock(m);
        cv.wait(lock, [this] { return open; });
        --inside;
        ++returned;
        return 42;
    }
    void release() {
        std::lock_guard<std::mutex> lock(m);
        open = true;
        cv.notify_all();
    }
    void wait_inside(int n) {
        for (int i = 0; i < 500 && inside < n; ++i)
            std::this_thread::sleep_for(10ms);
    }
};

// What a probe's callback holds: a timer of the loop, and a note of where
// it was destroyed.
struct ProbeState {
    ProbeState(asio::io_context& io, std::thread::id* destroyed_on)
        : timer(io), destroyed_on(destroyed_on) {}
    ~ProbeState() { *destroyed_on = std::this_thread::get_id(); }
    asio::steady_timer timer;
    std::thread::id* destroyed_on;
};

} // namespace

BOOST_AUTO_TEST_SUITE(blocking_worker_pool)

BOOST_AUTO_TEST_CASE(a_result_arrives_on_the_loop_once) {
    asio::io_context io;
    int got = 0, calls = 0;
    std::thread::id ran_on;
    asio::steady_timer keep(io, 5s);
    worker_pool(io).run<int>([] { return 7; },
                             [&](int v) {
                                 got = v;
                                 ++calls;
                                 ran_on = std::this_thread::get_id();
                                 keep.cancel();
                             });
    keep.async_wait([](std::error_code) {});
    io.run();
    BOOST_TEST(got == 7);
    BOOST_TEST(calls == 1);
    BOOST_TEST((ran_on == std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(threads_are_bounded_and_queued_calls_still_run) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    const int n = int(worker_pool_threads) + 16;
    int delivered = 0;
    for (int i = 0; i < n; ++i)
        worker_pool(io).run<int>([gate] { return gate->pass(); }, [&](int) { ++delivered; });
    gate->wait_inside(int(worker_pool_threads));
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(gate->most_inside == int(worker_pool_threads));
    BOOST_TEST(worker_pool(io).threads() == worker_pool_threads);
    gate->release();
    asio::steady_timer t(io, 5s);
    t.async_wait([](std::error_code) {});
    while (delivered < n && io.run_one_for(5s))
        ;
    BOOST_TEST(delivered == n);
    BOOST_TEST(worker_pool(io).threads() == worker_pool_threads);
}

BOOST_AUTO_TEST_CASE(an_abandoned_call_delivers_nothing_and_frees_its_callback_at_once) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    std::thread::id destroyed_on;
    auto state = std::make_shared<ProbeState>(io, &destroyed_on);
    auto abandon = worker_pool(io).run<int>([gate] { return gate->pass(); },
                                            [state](int) { BOOST_FAIL("delivered"); });
    state.reset();
    gate->wait_inside(1);
    abandon();
    BOOST_TEST((destroyed_on == std::this_thread::get_id()));
    abandon(); // twice is harmless
    gate->release();
    // The result comes back after the abandon: it is dropped.
    for (int i = 0; i < 500 && gate->returned == 0; ++i)
        std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(20ms);
    io.poll();
    BOOST_TEST(gate->returned == 1);
}

BOOST_AUTO_TEST_CASE(a_call_abandoned_while_queued_never_runs) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    std::atomic<int> ran{0};
    for (std::size_t i = 0; i < worker_pool_threads; ++i)
        worker_pool(io).run<int>([gate] { return gate->pass(); }, [](int) {});
    gate->wait_inside(int(worker_pool_threads));
    auto abandon = worker_pool(io).run<int>([&ran] { return ++ran; }, [](int) {});
    abandon();
    gate->release();
    // The pool is idle again once every gated call has returned.
    for (int i = 0; i < 500 && gate->returned < int(worker_pool_threads); ++i)
        std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(50ms);
    io.poll();
    BOOST_TEST(gate->returned == int(worker_pool_threads));
    BOOST_TEST(ran == 0);
}

BOOST_AUTO_TEST_CASE(the_io_context_joins_its_threads_and_frees_callbacks_on_its_thread) {
    auto gate = std::make_shared<Gate>();
    std::thread::id destroyed_on;
#ifndef _WIN32
    int before = pft::thread_count();
#endif
    std::thread opener;
    {
        asio::io_context io;
        auto state = std::make_shared<ProbeState>(io, &destroyed_on);
        state->timer.expires_after(1h);
        state->timer.async_wait([](std::error_code) {});
        worker_pool(io).run<int>([gate] { return gate->pass(); },
                                 [state](int) { BOOST_FAIL("delivered"); });
        state.reset();
        io.poll();
        gate->wait_inside(1);
        BOOST_REQUIRE(gate->inside == 1);
#ifndef _WIN32
        BOOST_TEST(pft::thread_count() == before + 1);
#endif
        // The call returns while the io_context is being destroyed: its
        // result, completed after the loop is gone, is dropped.
        opener = std::thread([gate] {
            std::this_thread::sleep_for(100ms);
            gate->release();
        });
    }
    // ~io_context waited for the worker: it has returned, and its thread is gone.
    BOOST_TEST(gate->returned == 1);
    BOOST_TEST((destroyed_on == std::this_thread::get_id()));
    opener.join();
#ifndef _WIN32
    BOOST_TEST(pft::thread_count() == before);
#endif
}

BOOST_AUTO_TEST_CASE(a_call_that_outlasts_the_join_bound_does_not_hold_up_the_end) {
    auto gate = std::make_shared<Gate>();
    std::chrono::steady_clock::duration took{};
    std::optional<asio::io_context> io;
    io.emplace();
    worker_pool(*io).run<int>([gate] { return gate->pass(); }, [](int) {});
    gate->wait_inside(1);
    auto t0 = std::chrono::steady_clock::now();
    io.reset(); // the io_context goes while the call blocks
    took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(took >= join_bound);
    BOOST_TEST(took < join_bound + 1s);
    // The call returns later and its thread ends, touching nothing of the pool.
    gate->release();
    for (int i = 0; i < 500 && gate->returned == 0; ++i)
        std::this_thread::sleep_for(10ms);
    BOOST_TEST(gate->returned == 1);
}

// A call in flight is work of the loop, as an Asio operation is: io.run()
// waits for its result rather than ending because nothing else is pending
// (a probe whose only wait is a verification on the CPU pool).
BOOST_AUTO_TEST_CASE(the_loop_runs_until_a_pending_result_arrives) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    int got = 0;
    cpu_pool(io).run<int>([gate] { return gate->pass(); }, [&](int v) { got = v; });
    std::thread opener([gate] {
        gate->wait_inside(1);
        std::this_thread::sleep_for(50ms);
        gate->release();
    });
    io.run();
    opener.join();
    BOOST_TEST(got == 42);
}

// An abandoned call is no longer the loop's work, and giving it up before
// the loop runs does not stop the loop (Asio stops one left without work).
BOOST_AUTO_TEST_CASE(a_call_abandoned_before_the_loop_runs_leaves_it_runnable) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    auto abandon = cpu_pool(io).run<int>([gate] { return gate->pass(); },
                                         [](int) { BOOST_FAIL("delivered"); });
    abandon();
    bool ran = false;
    asio::steady_timer t(io, 10ms);
    t.async_wait([&](std::error_code) { ran = true; });
    io.run();
    BOOST_TEST(ran);
    gate->release();
}

// The CPU pool has a thread per core, apart from the blocking calls' pool.
BOOST_AUTO_TEST_CASE(the_cpu_pool_has_a_thread_per_core_at_most) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::function<void()>> abandon;
    for (unsigned i = 0; i < cores + 4; ++i)
        abandon.push_back(cpu_pool(io).run<int>([gate] { return gate->pass(); }, [](int) {}));
    gate->wait_inside(int(cores));
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(gate->most_inside == int(cores));
    BOOST_TEST(cpu_pool(io).threads() == cores);
    BOOST_TEST(worker_pool(io).threads() == 0u);
    for (auto& a : abandon)
        a();
    gate->release();
}

BOOST_AUTO_TEST_SUITE_END()
