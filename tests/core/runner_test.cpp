#include "core/loader.hpp"
#include "core/runner.hpp"
#include <asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <stdexcept>

using namespace pf;

namespace {

// Probe kinds that exist only here, to drive the runner: one answers after a
// delay, one never answers (a hung server).
ProbeRegistry test_probes(int* cancelled) {
    ProbeRegistry r;
    ProbeKind delay;
    delay.name = "delay";
    delay.params = {{"ms", ParamType::integer, true, "", {}},
                    {"status", ParamType::text, false, "pass", {}}};
    delay.start = [](const ProbeContext& ctx, const ProbeArgs& a, ProbeDone done) -> ProbeCancel {
        auto t = std::make_shared<asio::steady_timer>(ctx.io,
                                                      std::chrono::milliseconds(a.integer("ms")));
        auto st = a.text("status") == "fail" ? Status::fail : Status::pass;
        t->async_wait([t, done, st](std::error_code ec) {
            if (!ec) done(ProbeResult::make(st, "answered"));
        });
        return [t] { t->cancel(); };
    };
    r.add(delay);
    ProbeKind never;
    never.name = "never";
    never.start = [cancelled](const ProbeContext&, const ProbeArgs&, ProbeDone) -> ProbeCancel {
        return [cancelled] { ++*cancelled; };
    };
    r.add(never);
    // Its completion handler throws, as a probe's code might (a library
    // call, an out-of-range access): bound to the check, or not.
    for (bool bound : {true, false}) {
        ProbeKind throws;
        throws.name = bound ? "throws" : "throws_unbound";
        throws.start = [bound](const ProbeContext& ctx, const ProbeArgs&,
                               ProbeDone) -> ProbeCancel {
            auto t = std::make_shared<asio::steady_timer>(ctx.io, std::chrono::milliseconds(20));
            auto boom = [t](std::error_code) { throw std::runtime_error("boom"); };
            if (bound)
                t->async_wait(ctx.cancel->bind(boom));
            else
                t->async_wait(boom);
            return [t] { t->cancel(); };
        };
        r.add(throws);
    }
    // Reports at once, and leaves behind a handler that throws later.
    ProbeKind leftover;
    leftover.name = "leftover_throws";
    leftover.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) -> ProbeCancel {
        auto t = std::make_shared<asio::steady_timer>(ctx.io, std::chrono::milliseconds(20));
        t->async_wait(ctx.cancel->bind([t](std::error_code) { throw std::runtime_error("late"); }));
        return deliver_now(ctx, std::move(done), ProbeResult::make(Status::pass, "answered"));
    };
    r.add(leftover);
    return r;
}

std::string checks_xml(const std::vector<std::string>& probes,
                       const std::string& severity = "required") {
    std::string body;
    for (std::size_t i = 0; i < probes.size(); ++i)
        body += "<check id=\"c" + std::to_string(i) + "\" title=\"C\" severity=\"" + severity +
                "\">" + probes[i] + "<requirement>w</requirement><fix>f</fix></check>\n";
    return "<checklist id=\"t\" title=\"T\" timeout=\"0.3\"><source document=\"G\"/>"
           "<section id=\"s\" title=\"S\">" +
           body + "</section></checklist>";
}

struct Recorder : RunObserver {
    std::vector<std::string> finished;
    std::size_t max_running = 0, running = 0;
    void check_started(const Check&, Clock::time_point) override {
        max_running = std::max(max_running, ++running);
    }
    void check_finished(const CheckResult& r) override {
        --running;
        finished.push_back(r.check->id);
    }
};

std::vector<CheckResult> run_all(const ProbeRegistry& reg, const std::string& xml,
                                 RunnerOptions opts, RunObserver* obs = nullptr,
                                 double* seconds = nullptr) {
    static std::vector<std::unique_ptr<Checklist>> keep; // results point into the checklist
    keep.push_back(std::make_unique<Checklist>(load_checklist_text(xml, "t.xml", reg)));
    auto plan = plan_run(*keep.back(), reg, {});
    asio::io_context io;
    RunEnvironment env;
    opts.handle_signals = false;
    Runner runner(io, env, opts, obs);
    auto t0 = Clock::now();
    auto results = runner.run(plan);
    if (seconds) *seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return results;
}

} // namespace

BOOST_AUTO_TEST_SUITE(runner)

BOOST_AUTO_TEST_CASE(results_stay_in_checklist_order) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    Recorder rec;
    auto results = run_all(
        reg,
        checks_xml({"<probe kind=\"delay\" ms=\"120\"/>", "<probe kind=\"delay\" ms=\"60\"/>",
                    "<probe kind=\"delay\" ms=\"1\"/>"}),
        {}, &rec);
    BOOST_REQUIRE(results.size() == 3u);
    BOOST_TEST(results[0].check->id == "c0");
    BOOST_TEST(results[1].check->id == "c1");
    BOOST_TEST(results[2].check->id == "c2");
    // They ran at once, so they finished fastest first.
    BOOST_TEST(rec.finished == (std::vector<std::string>{"c2", "c1", "c0"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_probe_that_never_answers_is_cut_at_its_deadline) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    double secs = 0;
    RunnerOptions o;
    o.grace = std::chrono::milliseconds(100);
    auto results = run_all(reg, checks_xml({"<probe kind=\"never\"/>"}), o, nullptr, &secs);
    BOOST_TEST(results[0].status == Status::error);
    BOOST_TEST(results[0].result.summary.find("no verdict within the 0.3 s deadline") !=
                   std::string::npos,
               results[0].result.summary);
    BOOST_TEST(cancelled == 1);
    BOOST_TEST(secs >= 0.3);
    BOOST_TEST(secs < 1.0);
}

BOOST_AUTO_TEST_CASE(two_hundred_hung_checks_take_one_deadline_not_two_hundred) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    std::vector<std::string> probes(200, "<probe kind=\"never\"/>");
    double secs = 0;
    RunnerOptions o;
    o.grace = std::chrono::milliseconds(100);
    auto results = run_all(reg, checks_xml(probes), o, nullptr, &secs);
    BOOST_TEST(results.size() == 200u);
    BOOST_TEST(cancelled == 200);
    for (std::size_t i = 0; i < results.size(); ++i)
        BOOST_TEST(results[i].check->id == "c" + std::to_string(i));
    BOOST_TEST(secs < 1.5, secs << " s for 200 checks with a 0.3 s deadline each");
}

BOOST_AUTO_TEST_CASE(jobs_bound_how_many_run_at_once) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    std::vector<std::string> probes(6, "<probe kind=\"delay\" ms=\"50\"/>");
    Recorder rec;
    RunnerOptions o;
    o.jobs = 2;
    double secs = 0;
    auto results = run_all(reg, checks_xml(probes), o, &rec, &secs);
    BOOST_TEST(rec.max_running == 2u);
    BOOST_TEST(secs >= 0.15); // three rounds of two
    for (const auto& r : results)
        BOOST_TEST(r.status == Status::pass);
}

// Checks that only wait cost nothing: by default none waits for another
// (the old default of 256 at once made 600 filtered ports three deadlines).
BOOST_AUTO_TEST_CASE(by_default_every_check_runs_at_once) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    std::vector<std::string> probes(600, "<probe kind=\"delay\" ms=\"100\"/>");
    Recorder rec;
    auto results = run_all(reg, checks_xml(probes), {}, &rec);
    BOOST_TEST(rec.max_running == 600u);
    for (const auto& r : results)
        BOOST_TEST(r.status == Status::pass);
}

// A result shows its check's parameters without a copy of them: 3,000
// checks' copies were 0.9 MB of the run's peak.
BOOST_AUTO_TEST_CASE(a_result_shares_its_checks_parameters_with_the_plan) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    auto c = load_checklist_text(checks_xml({"<probe kind=\"delay\" ms=\"1\" status=\"fail\"/>"}),
                                 "t.xml", reg);
    auto plan = plan_run(c, reg, {});
    asio::io_context io;
    RunEnvironment env;
    RunnerOptions o;
    o.handle_signals = false;
    Runner runner(io, env, o);
    auto results = runner.run(plan);
    BOOST_REQUIRE(results.size() == 1u);
    BOOST_TEST(results[0].args["ms"] == "1");
    BOOST_TEST(results[0].args["status"] == "fail");
    BOOST_TEST(results[0].args.size() == plan[0].args.all().size());
    BOOST_TEST(&results[0].args.map() == &plan[0].args.all());
}

BOOST_AUTO_TEST_CASE(severity_turns_a_failure_into_a_warning) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    auto req = run_all(reg, checks_xml({"<probe kind=\"delay\" ms=\"1\" status=\"fail\"/>"}), {});
    BOOST_TEST(req[0].status == Status::fail);
    auto rec = run_all(
        reg, checks_xml({"<probe kind=\"delay\" ms=\"1\" status=\"fail\"/>"}, "recommended"), {});
    BOOST_TEST(rec[0].status == Status::warn);
    BOOST_TEST(rec[0].result.status == Status::fail); // the diagnosis itself is kept
}

BOOST_AUTO_TEST_CASE(interrupt_stops_running_checks_and_skips_the_rest) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    auto c = load_checklist_text(checks_xml({"<probe kind=\"never\"/>", "<probe kind=\"never\"/>",
                                             "<probe kind=\"never\"/>"}),
                                 "t.xml", reg);
    auto plan = plan_run(c, reg, {});
    asio::io_context io;
    RunEnvironment env;
    RunnerOptions o;
    o.jobs = 1;
    o.handle_signals = false;
    Runner runner(io, env, o);
    asio::steady_timer t(io, std::chrono::milliseconds(50));
    t.async_wait([&](std::error_code) { runner.interrupt(); });
    auto results = runner.run(plan);
    BOOST_TEST(runner.interrupted());
    BOOST_TEST(results[0].status == Status::error);
    BOOST_TEST(results[0].result.summary.find("interrupted") != std::string::npos);
    BOOST_TEST(results[1].status == Status::skip);
    BOOST_TEST(results[2].result.summary == "not run: the run was interrupted");
    BOOST_TEST((results[0].result.reason == Reason::interrupted));
    BOOST_TEST(cancelled == 1);
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_is_its_checks_error_and_the_run_goes_on) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    Recorder rec;
    auto results =
        run_all(reg,
                checks_xml({"<probe kind=\"delay\" ms=\"100\"/>", "<probe kind=\"throws\"/>",
                            "<probe kind=\"delay\" ms=\"1\"/>"}),
                {}, &rec);
    BOOST_REQUIRE(results.size() == 3u);
    BOOST_TEST(results[1].status == Status::error);
    BOOST_TEST((results[1].result.reason == Reason::internal_error));
    BOOST_TEST(results[1].result.summary.find("boom") != std::string::npos,
               results[1].result.summary);
    // The others ran to their own verdicts.
    BOOST_TEST(results[0].status == Status::pass);
    BOOST_TEST(results[2].status == Status::pass);
    BOOST_TEST(rec.finished.size() == 3u);
}

BOOST_AUTO_TEST_CASE(an_exception_from_an_unbound_handler_does_not_end_the_run) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    auto results = run_all(reg, checks_xml({"<probe kind=\"throws_unbound\"/>"}), {});
    BOOST_REQUIRE(results.size() == 1u);
    BOOST_TEST(results[0].status == Status::error);
    BOOST_TEST((results[0].result.reason == Reason::internal_error));
    // Run alone, the check that threw is the one running.
    auto more = run_all(
        reg, checks_xml({"<probe kind=\"delay\" ms=\"1\"/>", "<probe kind=\"throws_unbound\"/>"}),
        {});
    BOOST_TEST(more[0].status == Status::pass);
    BOOST_TEST(more[1].status == Status::error);
}

BOOST_AUTO_TEST_CASE(what_a_finished_check_throws_later_harms_no_other_check) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    auto results = run_all(
        reg,
        checks_xml({"<probe kind=\"leftover_throws\"/>", "<probe kind=\"delay\" ms=\"100\"/>"}),
        {});
    BOOST_TEST(results[0].status == Status::pass);
    BOOST_TEST(results[1].status == Status::pass, results[1].result.summary);
}

BOOST_AUTO_TEST_CASE(the_runners_own_verdicts_carry_a_reason) {
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    RunnerOptions o;
    o.grace = std::chrono::milliseconds(50);
    auto results = run_all(reg, checks_xml({"<probe kind=\"never\"/>"}), o);
    BOOST_TEST((results[0].result.reason == Reason::deadline_exceeded));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(runner_skips)

BOOST_AUTO_TEST_CASE(a_skipped_check_never_starts_its_probe) {
    // A check that is skipped (here: its parameter unset) must not run, even
    // when earlier skips free up job slots while the plan is being started.
    int cancelled = 0;
    auto reg = test_probes(&cancelled);
    int started = 0;
    ProbeKind counting;
    counting.name = "counting";
    counting.params = {{"x", ParamType::text, false, "", {}}};
    counting.start = [&started](const ProbeContext& ctx, const ProbeArgs&,
                                ProbeDone done) -> ProbeCancel {
        ++started;
        return deliver_now(ctx, std::move(done), ProbeResult::make(Status::pass, "ran"));
    };
    reg.add(counting);
    std::string xml = "<checklist id=\"t\" title=\"T\"><source document=\"G\"/><parameters><param "
                      "name=\"p\"/></parameters>"
                      "<section id=\"s\" title=\"S\">";
    for (int i = 0; i < 4; ++i)
        xml += "<check id=\"skip" + std::to_string(i) +
               "\" title=\"C\" severity=\"required\"><probe kind=\"counting\" "
               "x=\"${p}\"/><requirement>w</requirement><fix>f</fix></check>";
    xml += "<check id=\"runs\" title=\"C\" severity=\"required\"><probe "
           "kind=\"counting\"/><requirement>w</requirement>"
           "<fix>f</fix></check></section></checklist>";
    RunnerOptions o;
    o.jobs = 1;
    auto results = run_all(reg, xml, o);
    BOOST_TEST(started == 1);
    for (int i = 0; i < 4; ++i) {
        BOOST_TEST(results[i].status == Status::skip);
        BOOST_TEST(results[i].elapsed.count() == 0);
    }
    BOOST_TEST(results[4].status == Status::pass);
}

BOOST_AUTO_TEST_SUITE_END()
