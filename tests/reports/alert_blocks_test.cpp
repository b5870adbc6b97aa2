// Alerts (e.g. TLS interception) must stand out and long evidence (a
// certificate chain) must travel in every format, escaped.
#include "reports/console.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pf;
using pf::test::SampleRun;

BOOST_AUTO_TEST_SUITE(alerts_and_blocks)

BOOST_AUTO_TEST_CASE(html_shows_the_alert_and_folds_the_block) {
    SampleRun s(false);
    std::ostringstream out;
    write_html(s.report, out);
    auto html = out.str();
    BOOST_TEST(
        html.find("<div class=\"alert\">TLS interception by Zscaler &lt;re-signed&gt;</div>") !=
        std::string::npos);
    BOOST_TEST(html.find("<details class=\"block\"><summary>Certificate chain sent by "
                         "uem.example.com:443</summary>") != std::string::npos);
    BOOST_TEST(html.find("[1] CN=Zscaler Root CA &amp; &lt;co&gt;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_carries_alert_and_blocks) {
    SampleRun s(false);
    std::ostringstream out;
    write_json(s.report, out);
    auto j = nlohmann::json::parse(out.str());
    const auto& c = j["sections"][0]["checks"][1];
    BOOST_TEST(c["alert"] == "TLS interception by Zscaler <re-signed>");
    BOOST_TEST(c["blocks"][0]["title"] == "Certificate chain sent by uem.example.com:443");
    BOOST_TEST(c["blocks"][0]["lines"].size() == 2u);
    BOOST_TEST(j["sections"][0]["checks"][0]["alert"].is_null());
}

BOOST_AUTO_TEST_CASE(junit_and_console_say_alert) {
    SampleRun s(false);
    std::ostringstream junit, console;
    write_junit(s.report, junit);
    BOOST_TEST(junit.str().find("ALERT: TLS interception by Zscaler") != std::string::npos);
    BOOST_TEST(junit.str().find("[1] CN=Zscaler Root CA &amp; &lt;co&gt;") != std::string::npos);
    auto c = make_console_reporter(console, ConsoleOptions{});
    for (const auto& r : s.report.results)
        c->check_finished(r);
    BOOST_TEST(console.str().find("ALERT TLS interception by Zscaler") != std::string::npos,
               console.str());
}

BOOST_AUTO_TEST_SUITE_END()
