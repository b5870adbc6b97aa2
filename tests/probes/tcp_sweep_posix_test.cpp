// The sweep of a port range: every port gets its own answer in the order
// given, no more sockets are open at once than the window and the run's
// descriptor budget allow, the deadline ends silent ports as timed out and
// the ones never reached as not tried, and an abandoned sweep leaves nothing
// open and says nothing.
#include "net/budget.hpp"
#include "net/port_sweep.hpp"
#include "support/processes.hpp"
#include "support/silent_peers_posix.hpp"
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <optional>

using namespace pf;
using Kind = ConnectOutcome::Kind;

namespace {

const auto loopback = asio::ip::make_address("127.0.0.1");

// Counted once the loop has its own (its epoll set, wake-up and timer
// descriptors, made with the first I/O object).
std::size_t open_descriptors() {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
        ++n;
    return n;
}

// Runs a sweep to its end, sampling between the loop's handlers how many
// descriptors this process has open beyond those it had before.
struct SweepRun {
    std::optional<std::vector<ConnectOutcome>> outcomes;
    std::size_t most_extra_descriptors = 0;
};

SweepRun run_sweep(asio::io_context& io, const std::vector<std::uint16_t>& ports,
                   std::size_t window, std::chrono::milliseconds deadline) {
    SweepRun run;
    auto cancel = CheckCancel::armed(io, Clock::now() + deadline);
    asio::ip::tcp::socket loop_made_ready(io);
    std::size_t before = open_descriptors();
    auto stop = sweep_ports(io, loopback, ports, window, cancel,
                            [&](std::vector<ConnectOutcome> v) { run.outcomes = std::move(v); });
    std::function<void()> sample = [&] {
        std::size_t now = open_descriptors();
        if (now > before)
            run.most_extra_descriptors = std::max(run.most_extra_descriptors, now - before);
        if (!run.outcomes) asio::post(io, sample);
    };
    asio::post(io, sample);
    io.run();
    return run;
}

std::vector<std::uint16_t> closed_ports(std::uint16_t first, std::size_t n) {
    std::vector<std::uint16_t> v;
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(static_cast<std::uint16_t>(first + i));
    return v;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tcp_range_sweep)

BOOST_AUTO_TEST_CASE(each_port_gets_its_own_answer_in_the_order_given) {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {loopback, 0}), b(io, {loopback, 0});
    std::vector<std::uint16_t> ports{a.local_endpoint().port(), pft::unused_port(),
                                     b.local_endpoint().port(), pft::unused_port()};
    auto run = run_sweep(io, ports, 2, std::chrono::seconds(5));
    BOOST_REQUIRE(run.outcomes.has_value());
    BOOST_REQUIRE(run.outcomes->size() == 4u);
    std::vector<Kind> want{Kind::open, Kind::refused, Kind::open, Kind::refused};
    for (std::size_t i = 0; i < 4; ++i) {
        const auto& o = (*run.outcomes)[i];
        BOOST_TEST((o.kind == want[i]), i << ": " << describe(o));
        BOOST_TEST(o.endpoint.port() == ports[i]);
        BOOST_TEST(o.endpoint.address() == loopback);
        BOOST_TEST(o.ms >= 0);
        BOOST_TEST(o.ms < 1000, o.ms);
    }
    BOOST_TEST(descriptor_budget(io).in_use() == 0u);
}

// A budget of 4 descriptors and a window of 16: the budget bounds it. A
// budget of thousands and a window of 8: the window does.
BOOST_AUTO_TEST_CASE(no_more_sockets_at_once_than_the_budget_and_the_window_allow) {
    for (auto [budget, window] : {std::pair<std::size_t, std::size_t>{4, 16}, {5000, 8}}) {
        asio::io_context io;
        descriptor_budget(io).set_limit(budget);
        // Below Linux's ephemeral range: no port is a socket of this host's own.
        auto ports = closed_ports(20000, 300);
        auto run = run_sweep(io, ports, window, std::chrono::seconds(10));
        BOOST_REQUIRE(run.outcomes.has_value());
        std::size_t answered = 0;
        for (const auto& o : *run.outcomes)
            answered += o.kind == Kind::refused || o.kind == Kind::open;
        BOOST_TEST(answered == 300u);
        // The sockets, and the sweep's own epoll set.
        BOOST_TEST(run.most_extra_descriptors <= std::min(budget, window) + 1,
                   run.most_extra_descriptors << " descriptors with a budget of " << budget
                                              << " and a window of " << window);
        BOOST_TEST(run.most_extra_descriptors >= 2u); // it did run in parallel
        BOOST_TEST(descriptor_budget(io).in_use() == 0u);
    }
}

// Ports whose SYN goes unanswered are in flight at the deadline: timed out,
// after about the deadline; the ports whose turn never came were not tried.
BOOST_AUTO_TEST_CASE(the_deadline_ends_silent_ports_as_timed_out_and_untried_ones_as_not_tried) {
    pft::UnansweredConnect silent;
    asio::io_context io;
    std::vector<std::uint16_t> ports(5, silent.port());
    auto t0 = Clock::now();
    auto run = run_sweep(io, ports, 2, std::chrono::milliseconds(300));
    auto took = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    BOOST_REQUIRE(run.outcomes.has_value());
    BOOST_TEST(took >= 290);
    BOOST_TEST(took < 3000);
    for (std::size_t i = 0; i < ports.size(); ++i) {
        const auto& o = (*run.outcomes)[i];
        BOOST_TEST((o.kind == (i < 2 ? Kind::timed_out : Kind::not_tried)),
                   i << ": " << describe(o));
        BOOST_TEST(o.endpoint.port() == silent.port());
    }
    BOOST_TEST((*run.outcomes)[0].ms >= 250);
    BOOST_TEST(descriptor_budget(io).in_use() == 0u);
}

// Every descriptor of the budget is held by others past the deadline: the
// sweep waits for one, and at the deadline says it never tried, not that the
// ports are filtered.
BOOST_AUTO_TEST_CASE(a_sweep_without_descriptors_until_the_deadline_tried_nothing) {
    asio::io_context io;
    auto& budget = descriptor_budget(io);
    budget.set_limit(1);
    BudgetToken held;
    budget.acquire([&](BudgetToken t) { held = std::move(t); });
    asio::steady_timer release(io, std::chrono::milliseconds(400));
    release.async_wait([&](std::error_code) { held.reset(); });
    auto run = run_sweep(io, closed_ports(20000, 3), 4, std::chrono::milliseconds(100));
    BOOST_REQUIRE(run.outcomes.has_value());
    for (const auto& o : *run.outcomes)
        BOOST_TEST((o.kind == Kind::not_tried), describe(o));
}

BOOST_AUTO_TEST_CASE(an_abandoned_sweep_closes_its_sockets_and_reports_nothing) {
    pft::UnansweredConnect silent;
    asio::io_context io;
    auto cancel = CheckCancel::armed(io, Clock::now() + std::chrono::seconds(5));
    asio::ip::tcp::socket loop_made_ready(io);
    std::size_t before = open_descriptors();
    bool called = false;
    auto stop = sweep_ports(io, loopback, std::vector<std::uint16_t>(3, silent.port()), 3, cancel,
                            [&](std::vector<ConnectOutcome>) { called = true; });
    io.run_for(std::chrono::milliseconds(100));
    BOOST_TEST(open_descriptors() > before); // connecting
    BOOST_TEST(descriptor_budget(io).in_use() == 3u);
    stop();
    // Nothing is left to wait for: the loop ends long before the deadline.
    auto t0 = Clock::now();
    io.restart();
    io.run();
    BOOST_TEST(std::chrono::duration<double>(Clock::now() - t0).count() < 2.0);
    BOOST_TEST(!called);
    BOOST_TEST(open_descriptors() == before);
    BOOST_TEST(descriptor_budget(io).in_use() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
