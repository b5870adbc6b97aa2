#include "reports/nagios.hpp"
#include "sample_report.hpp"
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace pf;
using pf::test::occurrences;
using pf::test::SampleRun;

namespace {

std::string nagios_of(const RunReport& r) {
    std::ostringstream out;
    write_nagios(r, out);
    return out.str();
}

std::string first_line(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

// Turns every result into a pass but the ones named, to build OK and WARNING runs.
void pass_all_but(RunReport& r, const std::vector<std::string>& keep) {
    for (auto& c : r.results)
        if (std::find(keep.begin(), keep.end(), c.check->id) == keep.end() &&
            c.status != Status::skip) {
            c.status = c.result.status = Status::pass;
            c.result.reason = Reason::ok;
        }
    r.counts = count(r.results);
}

} // namespace

BOOST_AUTO_TEST_SUITE(nagios_report)

BOOST_AUTO_TEST_CASE(status_line_names_the_worst_state_and_the_problems) {
    SampleRun s;
    auto line = first_line(nagios_of(s.report));
    // The first result is a pass and the last a warning: the state is the run's worst.
    BOOST_TEST(line.rfind("PREFLIGHT CRITICAL - 1 failed (net.tcp: refused), 1 error "
                          "(host.ram: fact_unknown), 2 warnings (net.proxy: timed_out, host.os: "
                          "unsupported), 2 passed, 1 skipped | ",
                          0) == 0u,
               line);
}

// The product an interception was recognised by comes from the verdict's
// data (its message argument), not from its sentence.
BOOST_AUTO_TEST_CASE(an_interception_names_the_product_on_the_status_line) {
    SampleRun s;
    for (auto& c : s.report.results)
        if (c.check->id == "net.tcp") {
            c.result.reason = Reason::tls_interception;
            c.result.message = {"interception.by_product", {{"product", "Zscaler"}}};
            c.result.message.args.emplace_back("interceptor", "Zscaler");
        }
    auto line = first_line(nagios_of(s.report));
    BOOST_TEST(line.find("1 failed (net.tcp: tls_interception by Zscaler), ") != std::string::npos,
               line);
}

BOOST_AUTO_TEST_CASE(perfdata_follows_the_guidelines) {
    SampleRun s;
    s.report.expiry_warn_days = 45;
    s.report.expiry_fail_days = 20;
    s.report.results[1].result.certificates = {{}, {}};
    s.report.results[1].result.certificates[0].days_left = 80;
    s.report.results[1].result.certificates[1].days_left = 44.5;
    auto line = first_line(nagios_of(s.report));
    auto perf = line.substr(line.find(" | ") + 3);
    BOOST_TEST(perf == "failed=1;;0;0 errors=1;;0;0 warnings=2;0;;0 passed=2;;;0 skipped=1;;;0 "
                       "duration=5.432s;;;0 cert_days_left_min=44.5;45:;20:");
    // Without certificates, no certificate perfdata rather than a made-up value.
    SampleRun none;
    BOOST_TEST(nagios_of(none.report).find("cert_days_left_min") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(ok_and_warning_runs) {
    SampleRun ok;
    pass_all_but(ok.report, {});
    BOOST_TEST(first_line(nagios_of(ok.report)).rfind("PREFLIGHT OK - 6 passed, 1 skipped | ", 0) ==
               0u);
    BOOST_TEST(occurrences(nagios_of(ok.report), "\n") == 1u); // no problems, no long output
    SampleRun warn;
    pass_all_but(warn.report, {"net.proxy"});
    auto text = nagios_of(warn.report);
    BOOST_TEST(first_line(text).rfind(
                   "PREFLIGHT WARNING - 1 warning (net.proxy: timed_out), 5 passed", 0) == 0u);
    BOOST_TEST(text.find("\nWARNING net.proxy: timed_out - proxy timed out\n") != std::string::npos,
               text);
}

BOOST_AUTO_TEST_CASE(an_interrupted_run_is_unknown) {
    SampleRun s(true);
    auto line = first_line(nagios_of(s.report));
    BOOST_TEST(line.rfind("PREFLIGHT UNKNOWN - run interrupted after 5.4 s, 1 failed", 0) == 0u,
               line);
}

BOOST_AUTO_TEST_CASE(long_output_has_one_line_per_problem_worst_first) {
    SampleRun s;
    auto text = nagios_of(s.report);
    auto rest = text.substr(text.find('\n') + 1);
    BOOST_TEST(rest == "CRITICAL net.tcp: refused - connection refused\n"
                       "CRITICAL host.ram: fact_unknown - could not read /proc/meminfo\n"
                       "WARNING net.proxy: timed_out - proxy timed out\n"
                       "WARNING host.os: unsupported - Debian is not a listed OS\n");
}

BOOST_AUTO_TEST_CASE(probe_text_cannot_forge_perfdata_or_lines) {
    SampleRun s;
    s.report.results[1].result.summary = "refused | fake=1\nPREFLIGHT OK - all good";
    auto text = nagios_of(s.report);
    BOOST_TEST(occurrences(text, "|") == 1u, text); // only the status line's separator
    BOOST_TEST(occurrences(text, "\n") == 5u, text);
    BOOST_TEST(text.find("refused / fake=1 PREFLIGHT OK - all good") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(many_problems_stay_on_one_short_status_line) {
    SampleRun s;
    for (auto& c : s.report.results)
        c.status = Status::fail;
    s.report.counts = count(s.report.results);
    auto line = first_line(nagios_of(s.report));
    BOOST_TEST(line.find("7 failed (net.dns: ok, net.tcp: refused, net.proxy: timed_out, "
                         "net.ldap: service_disabled, host.disk: ok, +2 more)") !=
                   std::string::npos,
               line);
}

BOOST_AUTO_TEST_CASE(bad_input_is_unknown_with_the_reason) {
    std::ostringstream out;
    write_nagios_unknown("site.xml:3:7: port: expected 1 to 65535 | x", out);
    BOOST_TEST(out.str() == "PREFLIGHT UNKNOWN - site.xml:3:7: port: expected 1 to 65535 / x\n");
}

BOOST_AUTO_TEST_SUITE_END()
