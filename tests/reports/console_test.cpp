#include "reports/console.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace pf;
using pf::test::occurrences;
using pf::test::SampleRun;

namespace {

// Plays the run to the reporter the way the runner does.
std::string console_output(const RunReport& report, ConsoleOptions opts) {
    std::ostringstream out;
    auto reporter = make_console_reporter(out, opts);
    reporter->run_started(report.results.size());
    for (const auto& r : report.results) {
        reporter->check_started(*r.check);
        reporter->check_finished(r);
    }
    reporter->run_finished(report);
    return out.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(console_report)

BOOST_AUTO_TEST_CASE(no_escape_bytes_without_color) {
    SampleRun s; // evidence holds ESC bytes from a "server"; summaries must not leak them either
    s.report.results[1].result.summary = "refused \x1b[2J";
    std::string out = console_output(s.report, {.color = false});
    BOOST_TEST(out.find('\x1b') == std::string::npos);
    BOOST_TEST(out.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(color_uses_ansi) {
    SampleRun s;
    std::string out = console_output(s.report, {.color = true});
    BOOST_TEST(out.find("\x1b[") != std::string::npos);
    BOOST_TEST(out.find("\x1b[2J") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_line_per_check_with_verdict_summary_and_time) {
    SampleRun s;
    std::string out = console_output(s.report, {});
    for (const auto& id : s.check_ids())
        BOOST_TEST(occurrences(out, id) == 1u, id);
    BOOST_TEST(out.find("FAIL  net.tcp  Reach UEM console: connection refused (250 ms)") !=
               std::string::npos);
    for (const char* tag : {"PASS ", "WARN ", "FAIL ", "ERROR ", "SKIP "})
        BOOST_TEST(out.find(tag) != std::string::npos, tag);
    BOOST_TEST(out.find("2 passed, 2 warnings, 1 failed, 1 error, 1 skipped (7 checks)") !=
               std::string::npos);
    BOOST_TEST(out.find("5.4 s") != std::string::npos);
    BOOST_TEST(out.find("INTERRUPTED") == std::string::npos);
}

// Quiet is for problems: passes and skips (a service off, a check not
// selected) are left to the summary's counts.
BOOST_AUTO_TEST_CASE(quiet_omits_passing_and_skipped_checks) {
    SampleRun s;
    std::string out = console_output(s.report, {.quiet = true});
    BOOST_TEST(out.find("net.dns") == std::string::npos);
    BOOST_TEST(out.find("host.disk") == std::string::npos);
    BOOST_TEST(out.find("net.ldap") == std::string::npos); // skipped
    BOOST_TEST(console_output(s.report, {}).find("net.ldap") != std::string::npos);
    for (const char* id : {"net.tcp", "net.proxy", "host.ram", "host.os"})
        BOOST_TEST(occurrences(out, id) == 1u, id);
    BOOST_TEST(out.find("Summary:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(interrupted_run_says_so) {
    SampleRun s(true);
    std::string out = console_output(s.report, {});
    BOOST_TEST(out.find("INTERRUPTED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_counter_is_cleared_before_each_line) {
    SampleRun s;
    std::string out = console_output(s.report, {.live = true});
    BOOST_TEST(out.find("\r[0/7] 1 running...") != std::string::npos);
    BOOST_TEST(out.find("[7/7]") != std::string::npos);
    BOOST_TEST(out.find('\x1b') == std::string::npos);
    // Every check line starts right after the counter was blanked out.
    for (const char* tag : {"PASS ", "FAIL ", "ERROR "}) {
        auto p = out.find(tag);
        BOOST_REQUIRE(p != std::string::npos);
        BOOST_TEST(out[p - 1] == '\r');
    }
    // Nothing of the counter is left after the final summary.
    BOOST_TEST(out.substr(out.rfind("Summary:")).find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_counter_counts_checks_in_flight) {
    SampleRun s;
    const auto& rs = s.report.results;
    std::ostringstream out;
    auto reporter = make_console_reporter(out, {.live = true});
    reporter->run_started(rs.size());
    reporter->check_started(*rs[0].check);
    reporter->check_started(*rs[1].check);
    BOOST_TEST(out.str().find("[0/7] 2 running...") != std::string::npos);
    reporter->check_finished(rs[3]); // skipped: finishes without having started
    BOOST_TEST(out.str().find("[1/7] 2 running...") != std::string::npos);
    reporter->check_finished(rs[0]);
    BOOST_TEST(out.str().find("[2/7] 1 running...") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
