// A finished check's probe state is freed when its verdict arrives, not when
// the run ends: the runner keeps the verdict only.
#include "core/loader.hpp"
#include "core/runner.hpp"
#include <asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>
#include <memory>

using namespace pf;

namespace {

// Stands for a probe's connection state (sockets, TLS streams).
struct State {};

// "quick" answers after a few milliseconds; its state is held, as real
// probes hold theirs, by the cancel function it returns. "slow" answers
// after 400 ms, keeping the run going.
ProbeRegistry kinds(std::vector<std::weak_ptr<State>>& states) {
    ProbeRegistry r;
    ProbeKind quick;
    quick.name = "quick";
    quick.start = [&states](const ProbeContext& ctx, const ProbeArgs&,
                            ProbeDone done) -> ProbeCancel {
        auto state = std::make_shared<State>();
        states.push_back(state);
        auto t = std::make_shared<asio::steady_timer>(ctx.io, std::chrono::milliseconds(5));
        t->async_wait(ctx.cancel->bind([done](std::error_code ec) {
            if (!ec) done(ProbeResult::make(Status::pass, Reason::ok, "answered"));
        }));
        return [state, t] { t->cancel(); };
    };
    r.add(quick);
    ProbeKind slow;
    slow.name = "slow";
    slow.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) -> ProbeCancel {
        auto t = std::make_shared<asio::steady_timer>(ctx.io, std::chrono::milliseconds(400));
        t->async_wait(ctx.cancel->bind([done](std::error_code ec) {
            if (!ec) done(ProbeResult::make(Status::pass, Reason::ok, "answered"));
        }));
        return [t] { t->cancel(); };
    };
    r.add(slow);
    return r;
}

// Counts the quick checks' states still alive each time a quick check
// finishes: the runner tells of a verdict once it has let go of the check.
struct Watcher : RunObserver {
    std::vector<std::weak_ptr<State>>* states = nullptr;
    std::vector<std::size_t> alive_after;
    void check_finished(const CheckResult& r) override {
        if (r.check->probe.kind != "quick") return;
        std::size_t alive = 0;
        for (auto& s : *states)
            alive += !s.expired();
        alive_after.push_back(alive);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(runner_release)

BOOST_AUTO_TEST_CASE(a_finished_checks_probe_state_is_freed_while_the_run_goes_on) {
    std::vector<std::weak_ptr<State>> states;
    auto reg = kinds(states);
    std::string body = "<check id=\"slow\" title=\"S\" severity=\"required\"><probe "
                       "kind=\"slow\"/><requirement>w</requirement><fix>f</fix></check>";
    for (int i = 0; i < 5; ++i)
        body += "<check id=\"q" + std::to_string(i) +
                "\" title=\"Q\" severity=\"required\"><probe kind=\"quick\"/>"
                "<requirement>w</requirement><fix>f</fix></check>";
    Checklist c = load_checklist_text("<checklist id=\"t\" title=\"T\" timeout=\"2\"><source "
                                      "document=\"G\"/><section id=\"s\" title=\"S\">" +
                                          body + "</section></checklist>",
                                      "t.xml", reg);
    auto plan = plan_run(c, reg, {});
    asio::io_context io;
    RunEnvironment env;
    RunnerOptions opts;
    opts.handle_signals = false;
    Watcher w;
    w.states = &states;
    Runner runner(io, env, opts, &w);
    auto results = runner.run(plan);
    BOOST_REQUIRE(results.size() == 6u);
    for (const auto& r : results)
        BOOST_TEST(r.result.status == Status::pass);
    BOOST_TEST(states.size() == 5u);
    // The slow check still ran when each quick one finished: at each
    // verdict only the quick checks still running hold their state (kept,
    // all five would stay alive to the end).
    BOOST_TEST(w.alive_after == (std::vector<std::size_t>{4, 3, 2, 1, 0}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
