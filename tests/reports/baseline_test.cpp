// What changed since the previous run: a JSON report written by write_json
// read back as the baseline, changed, and compared.
#include "base/errors.hpp"
#include "reports/baseline.hpp"
#include "reports/console.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace pf;
using pf::test::SampleRun;

namespace {

Baseline baseline_of(const RunReport& r) {
    std::ostringstream out;
    write_json(r, out);
    return parse_baseline(out.str(), "previous.json");
}

void leaf(CheckResult& r, double days, const std::string& sha256) {
    CertificateRow c;
    c.role = "leaf";
    c.days_left = days;
    c.sha256 = sha256;
    r.result.certificates = {c};
}

std::string changes_text(const RunChanges& ch) {
    std::string s;
    for (const auto& c : ch.changes)
        s += c.check + " " + std::string(to_string(c.kind)) + " " + c.before + ">" + c.after + "\n";
    return s;
}

std::string input_error(const std::string& text) {
    try {
        parse_baseline(text, "old.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(baseline)

BOOST_AUTO_TEST_CASE(same_run_changes_nothing) {
    SampleRun s;
    auto ch = compare_runs(baseline_of(s.report), s.report);
    BOOST_TEST(changes_text(ch) == "");
    BOOST_TEST(ch.new_failures() == 0u);
    BOOST_TEST(ch.baseline == "previous.json");
    BOOST_TEST(ch.baseline_started == "2027-01-15T08:00:00Z");
}

BOOST_AUTO_TEST_CASE(every_kind_of_change) {
    SampleRun before, now;
    leaf(before.report.results[0], 90, "AA");
    leaf(now.report.results[0], 50, "BB"); // into the 60-day window, another certificate
    auto& rs = now.report.results;
    rs[0].status = Status::pass;
    rs[1].result.reason = Reason::timed_out; // still failing, refused before
    rs[4].status = Status::fail;             // host.disk passed before
    rs[5].status = Status::pass;             // host.ram errored before
    rs[6].status = Status::pass;             // host.os warned before
    Baseline b = baseline_of(before.report);
    b.order.push_back("net.gone");
    b.checks["net.gone"] = {"pass", "ok", std::nullopt, ""};
    b.order.erase(b.order.begin() + 3);
    b.checks.erase("net.ldap");
    auto ch = compare_runs(b, now.report);
    BOOST_TEST(changes_text(ch) == "net.dns expiry_window 90>50\n"
                                   "net.dns certificate_changed AA>BB\n"
                                   "net.tcp reason_changed refused>timed_out\n"
                                   "net.ldap added >skip\n"
                                   "host.disk new_failure pass>fail\n"
                                   "host.ram recovered error>pass\n"
                                   "host.os status_changed warn>pass\n"
                                   "net.gone removed pass>\n");
    BOOST_TEST(ch.new_failures() == 1u);
}

BOOST_AUTO_TEST_CASE(an_added_check_that_fails_is_a_new_failure) {
    SampleRun s;
    Baseline b = baseline_of(s.report);
    b.checks.erase("net.tcp");
    auto ch = compare_runs(b, s.report);
    BOOST_TEST(changes_text(ch) == "net.tcp added >fail\nnet.tcp new_failure >fail\n");
}

BOOST_AUTO_TEST_CASE(fail_on_new_sets_the_exit_code) {
    SampleRun s; // has failures
    BOOST_TEST(exit_code(s.report) == 2);
    s.report.fail_on_new = true;
    s.report.changes = compare_runs(baseline_of(s.report), s.report);
    BOOST_TEST(exit_code(s.report) == 0); // the same failures as last time
    s.report.changes->changes.push_back({"x", ChangeKind::new_failure, "pass", "fail"});
    BOOST_TEST(exit_code(s.report) == 2);
    s.report.interrupted = true;
    BOOST_TEST(exit_code(s.report) == 3);
}

BOOST_AUTO_TEST_CASE(bad_baselines_name_file_and_field) {
    BOOST_TEST(input_error("{").starts_with("old.json: not a JSON report of preflight ("));
    BOOST_TEST(input_error("[]") == "old.json: not a JSON report of preflight (not an object)");
    BOOST_TEST(input_error(R"({"format":"preflight-facts/1"})")
                   .starts_with("old.json: field 'format': expected \"preflight-report/1\""));
    BOOST_TEST(input_error(R"({"format":"preflight-report/1","started":"t","sections":{}})") ==
               "old.json: field 'sections': expected an array");
    BOOST_TEST(
        input_error(R"({"format":"preflight-report/1","started":"t","sections":[{"checks":[)"
                    R"({"id":"a","status":"maybe","reason":"ok"}]}]})") ==
        "old.json: field 'sections[0].checks[0].status': expected pass, warn, fail, error or skip");
    BOOST_TEST(
        input_error(
            R"({"format":"preflight-report/1","started":"t","sections":[{"checks":[)"
            R"({"id":"a","status":"pass","reason":"ok","certificates":[{"days_left":1.5}]}]}]})") ==
        "old.json: field 'sections[0].checks[0].certificates[0].days_left': expected a whole "
        "number");
}

// The people's reports say it too: after the console summary, and as a
// section of the HTML, with the check id escaped.
BOOST_AUTO_TEST_CASE(console_and_html_show_the_changes) {
    SampleRun s;
    s.report.changes = RunChanges{"last<night>.json", "2027-01-14T08:00:00Z", {}};
    s.report.changes->changes = {{"net.<tcp>", ChangeKind::reason_changed, "refused", "timed_out"},
                                 {"host.disk", ChangeKind::new_failure, "pass", "fail"}};
    std::ostringstream console;
    make_console_reporter(console, {})->run_finished(s.report);
    BOOST_TEST(console.str().find("Since last<night>.json (2027-01-14T08:00:00Z): 1 new failure\n"
                                  "  reason_changed  net.<tcp>: refused -> timed_out\n"
                                  "  new_failure  host.disk: pass -> fail\n") != std::string::npos,
               console.str());
    std::ostringstream html;
    write_html(s.report, html);
    BOOST_TEST(html.str().find("<h2>Changes since the last run</h2>") != std::string::npos);
    BOOST_TEST(
        html.str().find("<td class=\"id\"><a href=\"#net._3Ctcp_3E\">net.&lt;tcp&gt;</a></td>"
                        "<td>reason_changed</td>"
                        "<td>refused</td><td>timed_out</td>") != std::string::npos);
    SampleRun plain;
    std::ostringstream none;
    write_html(plain.report, none);
    BOOST_TEST(none.str().find("Changes since") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
