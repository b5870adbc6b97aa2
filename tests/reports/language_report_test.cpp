// The reports in the run's language: the HTML page says which (so that
// browsers and screen readers pick Japanese glyphs and voices) and gives a
// font stack that has Japanese on Windows Server and Linux; the JSON names
// the language; ids never change.
#include "base/catalog.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/report_util.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pf;
using pf::test::SampleRun;

BOOST_AUTO_TEST_SUITE(report_language)

BOOST_AUTO_TEST_CASE(html_names_its_language_and_a_japanese_font_stack) {
    SampleRun s;
    std::ostringstream en;
    write_html(s.report, en);
    BOOST_TEST(en.str().find("<html lang=\"en\">") != std::string::npos);
    s.report.lang = Language::ja;
    std::ostringstream ja;
    write_html(s.report, ja);
    BOOST_TEST(ja.str().find("<html lang=\"ja\">") != std::string::npos);
    BOOST_TEST(ja.str().find(":lang(ja) body{font-family:\"Yu Gothic\",\"Meiryo\",\"Noto Sans CJK "
                             "JP\",sans-serif}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_records_the_language) {
    SampleRun s;
    s.report.lang = Language::ja;
    std::ostringstream out;
    write_json(s.report, out);
    auto j = nlohmann::json::parse(out.str());
    BOOST_TEST(j.at("run").at("lang") == "ja");
}

BOOST_AUTO_TEST_CASE(durations_in_reports_follow_the_active_language) {
    set_active_language(Language::ja);
    std::string d = format_duration(std::chrono::milliseconds(4800));
    set_active_language(Language::en);
    BOOST_TEST(d == "4.8 秒");
    BOOST_TEST(format_duration(std::chrono::milliseconds(4800)) == "4.8 s");
}

BOOST_AUTO_TEST_SUITE_END()
