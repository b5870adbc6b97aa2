#include "base/catalog.hpp"
#include "reports/console.hpp"
#include "sample_report.hpp"
#include <atomic>
#include <boost/test/unit_test.hpp>
#include <sstream>
#include <thread>

using namespace pf;
using pf::test::occurrences;
using pf::test::SampleRun;

namespace {

using Steady = std::chrono::steady_clock;
const Steady::time_point t0{std::chrono::hours(1)};

// Plays the run to the reporter the way the runner does, on a clock that
// stands at t0, each check with five seconds to go.
std::string console_output(const RunReport& report, ConsoleOptions opts) {
    std::ostringstream out;
    opts.now = [] { return t0; };
    auto reporter = make_console_reporter(out, opts);
    reporter->run_started(report.results.size());
    for (const auto& r : report.results) {
        reporter->check_started(*r.check, t0 + std::chrono::seconds(5));
        reporter->check_finished(r);
    }
    reporter->run_finished(report);
    return out.str();
}

// The per-check lines, before the recap repeats the problems.
std::string check_lines(const std::string& out) {
    return out.substr(0, out.find("Problems, worst first:"));
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
        BOOST_TEST(occurrences(check_lines(out), id) == 1u, id);
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
        BOOST_TEST(occurrences(check_lines(out), id) == 1u, id);
    BOOST_TEST(out.find("Summary:") != std::string::npos);
    BOOST_TEST(out.find("Problems, worst first:") != std::string::npos); // the recap stays
}

BOOST_AUTO_TEST_CASE(interrupted_run_says_so) {
    SampleRun s(true);
    std::string out = console_output(s.report, {});
    BOOST_TEST(out.find("INTERRUPTED") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_line_is_cleared_before_each_line) {
    SampleRun s;
    std::string out = console_output(s.report, {.live = true});
    BOOST_TEST(out.find("\r0/7 done · running: net.dns (5.0 s left)") != std::string::npos, out);
    BOOST_TEST(out.find("7/7 done") != std::string::npos);
    BOOST_TEST(out.find('\x1b') == std::string::npos);
    // Every check line starts right after the progress line was blanked out.
    for (const char* tag : {"PASS ", "FAIL ", "ERROR "}) {
        auto p = out.find(tag);
        BOOST_REQUIRE(p != std::string::npos);
        BOOST_TEST(out[p - 1] == '\r');
    }
    // Nothing of the progress line is left after the recap and the summary.
    BOOST_TEST(out.substr(out.rfind("Problems, worst first:")).find('\r') == std::string::npos);
}

// Not on a terminal (a log file, a scheduled task): no progress line at all.
BOOST_AUTO_TEST_CASE(no_progress_line_when_not_live) {
    SampleRun s;
    std::string out = console_output(s.report, {.live = false});
    BOOST_TEST(out.find("done") == std::string::npos);
    BOOST_TEST(out.find('\r') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(live_line_names_the_checks_in_flight_with_their_time_left) {
    SampleRun s;
    const auto& rs = s.report.results;
    std::ostringstream out;
    Steady::time_point now = t0;
    auto reporter =
        make_console_reporter(out, {.live = true, .width = 200, .now = [&] { return now; }});
    reporter->run_started(rs.size());
    reporter->check_started(*rs[0].check, t0 + std::chrono::milliseconds(4000));
    now = t0 + std::chrono::milliseconds(900);
    reporter->check_started(*rs[1].check, t0 + std::chrono::milliseconds(4000));
    // Soonest deadline first, each with what is left of it at this moment.
    BOOST_TEST(out.str().find("0/7 done · running: net.dns (3.1 s left), net.tcp (3.1 s left)") !=
                   std::string::npos,
               out.str());
    reporter->check_finished(rs[3]); // skipped: finishes without having started
    reporter->check_started(*rs[2].check, t0 + std::chrono::milliseconds(1500));
    BOOST_TEST(out.str().find("1/7 done · running: net.proxy (600 ms left), net.dns (3.1 s "
                              "left), net.tcp (3.1 s left)") != std::string::npos,
               out.str());
    now = t0 + std::chrono::seconds(10); // past every deadline: the runner's grace
    reporter->check_finished(rs[0]);
    BOOST_TEST(out.str().find("2/7 done · running: net.proxy (0 ms left), net.tcp (0 ms left)") !=
                   std::string::npos,
               out.str());
    reporter->check_finished(rs[2]);
    reporter->check_finished(rs[1]);
    BOOST_TEST(out.str().substr(out.str().rfind('\r')).find("running") == std::string::npos);
}

// The line never wraps: a wrapped line's \r returns to its second row and
// every redraw then leaves a copy behind.
BOOST_AUTO_TEST_CASE(progress_line_fits_the_terminal_width) {
    std::vector<Check> checks(40);
    std::vector<std::pair<const Check*, Steady::time_point>> running;
    for (std::size_t i = 0; i < checks.size(); ++i) {
        checks[i].id = "net.awcm-" + std::to_string(1000 + i);
        running.emplace_back(&checks[i], t0 + std::chrono::milliseconds(1000 + 100 * i));
    }
    auto cols = [](const std::string& t) {
        return static_cast<std::size_t>(
            std::count_if(t.begin(), t.end(), [](char c) { return (c & 0xC0) != 0x80; }));
    };
    for (std::size_t width : {20u, 50u, 80u, 132u}) {
        std::string line = progress_line(12, 52, running, t0, width);
        BOOST_TEST(cols(line) <= width - 1, width << ": " << line);
        BOOST_TEST(line.rfind("12/52 done", 0) == 0u, line);
        if (width == 20) BOOST_TEST(line == "12/52 done");
        if (width >= 80) {
            // The soonest first, then the count of what did not fit, no id cut short.
            BOOST_TEST(line.find("running: net.awcm-1000 (1.0 s left)") != std::string::npos, line);
            auto more = line.rfind(", +");
            BOOST_TEST_REQUIRE(more != std::string::npos, line);
            auto shown = occurrences(line, "net.awcm-");
            BOOST_TEST(line.substr(more) == ", +" + std::to_string(40 - shown) + " more", line);
        }
    }
    // Room for everything: no count.
    std::string wide = progress_line(12, 52, running, t0, 4000);
    BOOST_TEST(occurrences(wide, "net.awcm-") == 40u);
    BOOST_TEST(wide.find("more") == std::string::npos);
    BOOST_TEST(progress_line(3, 5, {}, t0, 80) == "3/5 done");
}

// While nothing starts or finishes the time left still counts down.
BOOST_AUTO_TEST_CASE(time_left_counts_down_between_events) {
    SampleRun s;
    std::ostringstream out;
    std::atomic<long long> ms{0};
    auto reporter = make_console_reporter(
        out, {.live = true, .redraw = std::chrono::milliseconds(5), .now = [&] {
                  return t0 + std::chrono::milliseconds(ms.load());
              }});
    reporter->run_started(1);
    reporter->check_started(*s.report.results[0].check, t0 + std::chrono::seconds(5));
    ms = 2000;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    reporter->run_finished(s.report); // stops the redraws before the text is read
    BOOST_TEST(out.str().find("net.dns (5.0 s left)") != std::string::npos, out.str());
    BOOST_TEST(out.str().find("net.dns (3.0 s left)") != std::string::npos, out.str());
}

// After the last check, the problems again: failures, then errors, then
// warnings, in checklist order within each, each with its fix.
BOOST_AUTO_TEST_CASE(recap_lists_problems_worst_first_with_their_fix) {
    SampleRun s;
    std::string out = console_output(s.report, {});
    auto at = out.find("Problems, worst first:");
    BOOST_TEST_REQUIRE(at != std::string::npos, out);
    BOOST_TEST(at > out.find("WARN  host.os")); // after the last check's line
    BOOST_TEST(at < out.find("Summary:"));
    std::string recap = out.substr(at, out.find("Summary:") - at);
    std::vector<std::string> order = {
        "FAIL  net.tcp  connection refused", "ERROR host.ram  could not read /proc/meminfo",
        "WARN  net.proxy  proxy timed out", "WARN  host.os  Debian is not a listed OS"};
    std::size_t from = 0;
    for (const auto& line : order) {
        auto p = recap.find("  " + line + "\n", from);
        BOOST_TEST_REQUIRE(p != std::string::npos, line << " in\n" << recap);
        std::string id = line.substr(6, line.find("  ", 6) - 6);
        BOOST_TEST(recap.find("\n        Fix: Fix " + id + " & retry.\n", p) == recap.find('\n', p),
                   id);
        from = p + 1;
    }
    for (const char* id : {"net.dns", "net.ldap", "host.disk"}) // pass and skip are no problems
        BOOST_TEST(recap.find(id) == std::string::npos, id);

    for (auto& r : s.report.results)
        if (r.status != Status::skip) r.status = Status::pass;
    s.report.counts = count(s.report.results);
    BOOST_TEST(console_output(s.report, {}).find("Problems") == std::string::npos);
}

// The recap, the summary and the progress line are the catalog's words, so a
// second language changes them with no change here.
BOOST_AUTO_TEST_CASE(recap_summary_and_progress_words_come_from_the_catalog) {
    std::string text;
    for (const auto& [key, value] : english_catalog().entries())
        if (key.rfind("console.", 0) == 0 || key.rfind("unit.", 0) == 0) {
            text += key + " = <" + key + ">";
            for (const auto& p : placeholders(value))
                text += "{" + p + "}|";
            text += "\n";
        }
    const Catalog keys = Catalog::parse(text, "keys only");
    set_active_catalog(keys);
    SampleRun s(true);
    std::string out = console_output(s.report, {.live = true, .width = 200});
    set_active_catalog(english_catalog());
    for (const char* key : {"<console.problems>", "<console.fix>Fix net.tcp & retry.|",
                            "<console.summary>2|<console.warning_one>", "<console.error_one>",
                            "<console.interrupted><console.check_one>",
                            "<console.progress_running>0|7|<console.progress_check>net.dns|<unit.seconds>5.0||"})
        BOOST_TEST(out.find(key) != std::string::npos, key << " in\n" << out);
    for (const char* english : {"Summary:", "Problems,", "running:", " left)", "did not finish"})
        BOOST_TEST(out.find(english) == std::string::npos, english);
}

BOOST_AUTO_TEST_SUITE_END()
