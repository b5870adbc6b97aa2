// --only / --skip and --max-time, as the planner applies them.
#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/check_selection.hpp"
#include "core/loader.hpp"
#include "core/plan.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using namespace std::chrono_literals;

namespace {

const char* kList = R"(<?xml version="1.0"?>
<checklist id="t" title="T" timeout="5">
  <source document="Guide"/>
  <parameters>
    <param name="idle" description="idle seconds" default="120"/>
  </parameters>
  <section id="hardware" title="Hardware">
    <check id="hw.ram" title="RAM" severity="required">
      <probe kind="tcp" host="127.0.0.1" port="1"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
  <section id="network" title="Network">
    <check id="net.awcm-443" title="AWCM" severity="required">
      <probe kind="tcp" host="127.0.0.1" port="443"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
    <check id="net.awcm-persistent" title="Idle" severity="required" timeout="150">
      <probe kind="tls_idle" host="127.0.0.1" port="443" idle="${idle}"/>
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)";

Checklist load() {
    return load_checklist_text(kList, "t.xml", builtin_probes());
}

RunSettings selecting(std::vector<std::string> only, std::vector<std::string> skip = {}) {
    RunSettings s;
    s.selection.only = parse_select_patterns(only, "--only");
    s.selection.skip = parse_select_patterns(skip, "--skip");
    return s;
}

std::vector<std::string> running(const std::vector<PlannedCheck>& plan) {
    std::vector<std::string> out;
    for (const auto& pc : plan)
        if (!pc.skip) out.push_back(pc.check->id);
    return out;
}

std::string error_of(const RunSettings& s) {
    auto c = load();
    try {
        plan_run(c, builtin_probes(), s);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(check_selection)

BOOST_AUTO_TEST_CASE(globs_match_whole_ids) {
    BOOST_TEST(glob_match("net.*", "net.awcm-443"));
    BOOST_TEST(!glob_match("net.*", "hw.ram"));
    BOOST_TEST(glob_match("*awcm*", "net.awcm-persistent"));
    BOOST_TEST(glob_match("hw.r?m", "hw.ram"));
    BOOST_TEST(!glob_match("hw.r?m", "hw.rams"));
    BOOST_TEST(!glob_match("net", "net.awcm-443")); // no implied prefix
    BOOST_TEST(glob_match("*", ""));
    BOOST_TEST(glob_match("a*b*c", "axxbyyc"));
    BOOST_TEST(!glob_match("a*b*c", "axxbyy"));
}

BOOST_AUTO_TEST_CASE(only_by_glob_runs_just_the_network_checks) {
    auto c = load();
    auto plan = plan_run(c, builtin_probes(), selecting({"net.*"}));
    BOOST_TEST(running(plan) == (std::vector<std::string>{"net.awcm-443", "net.awcm-persistent"}),
               boost::test_tools::per_element());
    BOOST_REQUIRE(plan[0].skip);
    BOOST_TEST((plan[0].skip->reason == Reason::not_selected));
    BOOST_TEST((plan[0].skip->status == Status::skip));
    BOOST_TEST(plan[0].skip->summary.find("--only 'net.*'") != std::string::npos,
               plan[0].skip->summary);
}

BOOST_AUTO_TEST_CASE(skip_by_section_and_comma_lists) {
    auto c = load();
    auto plan = plan_run(c, builtin_probes(), selecting({}, {"hardware"}));
    BOOST_TEST(running(plan) == (std::vector<std::string>{"net.awcm-443", "net.awcm-persistent"}),
               boost::test_tools::per_element());
    BOOST_TEST(plan[0].skip->summary.find("--skip 'hardware'") != std::string::npos,
               plan[0].skip->summary);
    plan = plan_run(c, builtin_probes(), selecting({"hw.ram,net.awcm-443"}, {"hw.*"}));
    BOOST_TEST(running(plan) == (std::vector<std::string>{"net.awcm-443"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_pattern_matching_nothing_is_bad_input) {
    auto e = error_of(selecting({"net.*", "nte.*"}));
    BOOST_TEST(e.find("--only 'nte.*'") != std::string::npos, e);
    BOOST_TEST(e.find("matches no check") != std::string::npos, e);
    BOOST_TEST(e.find("hardware, network") != std::string::npos, e);
    e = error_of(selecting({}, {"software"}));
    BOOST_TEST(e.find("--skip 'software'") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(a_mistyped_id_gets_a_suggestion) {
    auto e = error_of(selecting({"net.awmc-443"}));
    BOOST_TEST(e.find("did you mean 'net.awcm-443'?") != std::string::npos, e);
    e = error_of(selecting({}, {"hardwre"}));
    BOOST_TEST(e.find("did you mean 'hardware'?") != std::string::npos, e);
    // A glob is no typo, and a word far from every id gets no guess.
    BOOST_TEST(error_of(selecting({"nte.*"})).find("did you mean") == std::string::npos);
    BOOST_TEST(error_of(selecting({"software"})).find("did you mean") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(patterns_are_bounded_and_checked) {
    BOOST_CHECK_THROW(parse_select_patterns({std::string(201, 'a')}, "--only"), InputError);
    try {
        parse_select_patterns({"net/*"}, "--only");
        BOOST_FAIL("a slash is accepted");
    } catch (const InputError& e) {
        BOOST_TEST(std::string(e.what()).find("--only 'net/*'") != std::string::npos, e.what());
    }
    BOOST_TEST(parse_select_patterns({"a,,b,"}, "--skip").size() == 2u);
    auto spaced = parse_select_patterns({"hw.* , sw.*"}, "--skip");
    BOOST_REQUIRE(spaced.size() == 2u);
    BOOST_TEST(spaced[0].pattern == "hw.*");
    BOOST_TEST(spaced[1].pattern == "sw.*");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(time_budget)

BOOST_AUTO_TEST_CASE(deadlines_beyond_the_budget_are_shortened) {
    auto c = load();
    RunSettings s;
    s.budget = 4000ms;
    auto plan = plan_run(c, builtin_probes(), s);
    fit_to_budget(plan, c, s, 4000ms);
    // One second is kept for the runner's grace and the reports.
    BOOST_TEST(plan[0].timeout.count() == 3000);
    BOOST_TEST(plan[1].timeout.count() == 3000);
    BOOST_TEST(!plan[0].skip);
    // Without a budget the checklist's own deadlines stand.
    plan = plan_run(c, builtin_probes(), {});
    BOOST_TEST(plan[0].timeout.count() == 5000);
    BOOST_TEST(plan[2].timeout.count() == 150000);
}

BOOST_AUTO_TEST_CASE(the_idle_check_is_skipped_when_its_idle_time_does_not_fit) {
    auto c = load();
    RunSettings s;
    s.budget = 55000ms;
    auto plan = plan_run(c, builtin_probes(), s);
    fit_to_budget(plan, c, s, 55000ms);
    BOOST_REQUIRE(plan[2].skip);
    BOOST_TEST((plan[2].skip->reason == Reason::over_time_budget));
    const auto& why = plan[2].skip->summary;
    BOOST_TEST(why.find("120 s") != std::string::npos, why);
    BOOST_TEST(why.find("that --max-time 55 leaves") != std::string::npos, why);
    // 55 s - 1 s reserve - 5 s to open the connection.
    BOOST_TEST(why.find("--idle 49 ") != std::string::npos, why);
    BOOST_TEST(!plan[1].skip);
    BOOST_TEST(plan[1].timeout.count() == 5000);
}

BOOST_AUTO_TEST_CASE(an_idle_time_that_fits_runs_with_a_shortened_deadline) {
    auto c = load();
    RunSettings s;
    s.budget = 55000ms;
    s.hold = 40000ms; // --idle 40
    auto plan = plan_run(c, builtin_probes(), s);
    fit_to_budget(plan, c, s, 55000ms);
    BOOST_TEST(!plan[2].skip);
    BOOST_TEST(plan[2].timeout.count() == 54000);
    // The checklist's own idle parameter counts the same way.
    RunSettings p;
    p.budget = 55000ms;
    p.values["idle"] = {"49", "--set idle"};
    plan = plan_run(c, builtin_probes(), p);
    fit_to_budget(plan, c, p, 55000ms);
    BOOST_TEST(!plan[2].skip);
    p.values["idle"] = {"50", "--set idle"};
    plan = plan_run(c, builtin_probes(), p);
    fit_to_budget(plan, c, p, 55000ms);
    BOOST_TEST(plan[2].skip.has_value());
}

BOOST_AUTO_TEST_CASE(no_time_left_skips_every_check) {
    auto c = load();
    RunSettings s;
    s.budget = 2000ms;
    auto plan = plan_run(c, builtin_probes(), s);
    fit_to_budget(plan, c, s, 900ms);
    for (const auto& pc : plan) {
        BOOST_REQUIRE(pc.skip);
        BOOST_TEST((pc.skip->reason == Reason::over_time_budget));
    }
}

BOOST_AUTO_TEST_CASE(checks_already_skipped_keep_their_reason) {
    auto c = load();
    RunSettings s = selecting({"hardware"});
    s.budget = 10000ms;
    auto plan = plan_run(c, builtin_probes(), s);
    fit_to_budget(plan, c, s, 10000ms);
    BOOST_TEST((plan[2].skip->reason == Reason::not_selected));
}

BOOST_AUTO_TEST_SUITE_END()
