// Blocking calls on worker threads that may outlive the run: a late worker
// must never own, destroy or post to anything of a destroyed io_context
// (ASan found a steady_timer destroyed after its io_context was freed).
#include "net/detached_call.hpp"
#include <asio/steady_timer.hpp>
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <condition_variable>
#include <thread>
#include <vector>

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
    void wait_returned(int n) {
        for (int i = 0; i < 500 && returned < n; ++i)
            std::this_thread::sleep_for(10ms);
    }
};

// What a probe's callback holds: a timer of the loop, and a note of where
// and when it was destroyed.
struct ProbeState {
    ProbeState(asio::io_context& io, std::thread::id* destroyed_on)
        : timer(io), destroyed_on(destroyed_on) {}
    ~ProbeState() { *destroyed_on = std::this_thread::get_id(); }
    asio::steady_timer timer;
    std::thread::id* destroyed_on;
};

} // namespace

BOOST_AUTO_TEST_SUITE(detached_call_lifetime)

BOOST_AUTO_TEST_CASE(the_callback_dies_with_the_io_context_not_with_the_worker) {
    auto gate = std::make_shared<Gate>();
    std::thread::id destroyed_on;
    {
        asio::io_context io;
        auto state = std::make_shared<ProbeState>(io, &destroyed_on);
        state->timer.expires_after(1h);
        state->timer.async_wait([](std::error_code) {});
        detached_call<int>(
            io, [gate] { return gate->pass(); }, [state](int) { BOOST_FAIL("delivered"); });
        state.reset();
        io.poll();
        // The worker is inside the call when the io_context goes.
        for (int i = 0; i < 500 && gate->inside == 0; ++i)
            std::this_thread::sleep_for(10ms);
        BOOST_REQUIRE(gate->inside == 1);
    }
    // The io_context is gone while the call still blocks: the callback, its
    // timer with it, went on this thread, before ~io_context returned.
    BOOST_TEST((destroyed_on == std::this_thread::get_id()));
    gate->release();
    gate->wait_returned(1);
    BOOST_TEST(gate->returned == 1);
    std::this_thread::sleep_for(20ms); // the worker drops its result, touching nothing
}

BOOST_AUTO_TEST_CASE(a_result_arrives_on_the_loop_once) {
    asio::io_context io;
    int got = 0, calls = 0;
    std::thread::id ran_on;
    asio::steady_timer keep(io, 5s);
    detached_call<int>(
        io, [] { return 7; },
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

BOOST_AUTO_TEST_CASE(an_abandoned_call_delivers_nothing_and_frees_its_callback) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    std::thread::id destroyed_on;
    auto state = std::make_shared<ProbeState>(io, &destroyed_on);
    auto abandon = detached_call<int>(
        io, [gate] { return gate->pass(); }, [state](int) { BOOST_FAIL("delivered"); });
    state.reset();
    abandon();
    BOOST_TEST((destroyed_on == std::this_thread::get_id()));
    abandon(); // twice is harmless
    gate->release();
    gate->wait_returned(1);
    io.run_for(50ms);
}

BOOST_AUTO_TEST_CASE(workers_are_bounded_and_queued_calls_still_run) {
    auto gate = std::make_shared<Gate>();
    asio::io_context io;
    const int n = int(max_blocking_workers) + 16;
    int delivered = 0;
    for (int i = 0; i < n; ++i)
        detached_call<int>(
            io, [gate] { return gate->pass(); }, [&](int) { ++delivered; });
    for (int i = 0; i < 200 && gate->inside < int(max_blocking_workers); ++i)
        std::this_thread::sleep_for(10ms);
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(gate->most_inside == int(max_blocking_workers));
    gate->release();
    gate->wait_returned(n);
    asio::steady_timer t(io, 2s);
    t.async_wait([](std::error_code) {});
    while (delivered < n && io.run_one_for(2s))
        ;
    BOOST_TEST(delivered == n);
}

BOOST_AUTO_TEST_SUITE_END()
