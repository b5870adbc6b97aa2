#include "reports/html.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace pf;
using pf::test::SampleRun;

namespace {

std::string html_of(const RunReport& r) {
    std::ostringstream out;
    write_html(r, out);
    return out.str();
}

std::size_t pos(const std::string& html, const std::string& needle) {
    auto p = html.find(needle);
    BOOST_TEST_REQUIRE(p != std::string::npos, needle);
    return p;
}

} // namespace

BOOST_AUTO_TEST_SUITE(html_report)

BOOST_AUTO_TEST_CASE(every_check_id_and_header_present) {
    SampleRun s;
    std::string html = html_of(s.report);
    for (const auto& id : s.check_ids())
        BOOST_TEST(html.find(">" + id + "<") != std::string::npos, id);
    for (const char* text :
         {"Cloud Connector prerequisites", "ACC Installation Guide", "Requirements", "0.1.0",
          "2027-01-15T08:00:00Z", "2027-01-15T08:00:05Z", "acc-01", "uem_host", "/opt/airwatch",
          "HTTP proxy", "249.5 ms", "host=uem.example.com", "reason refused",
          "Fix net.tcp &amp; retry."})
        BOOST_TEST(html.find(text) != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(self_contained) {
    SampleRun s;
    std::string html = html_of(s.report);
    for (const char* bad : {"src=", "<link", "href=\"http", "@import", "url(", "<script"})
        BOOST_TEST(html.find(bad) == std::string::npos, bad);
    // The only URL is the requirement text's own, shown as text.
    BOOST_TEST(pf::test::occurrences(html, "https://") == 1u);
    BOOST_TEST(html.find("http://") == std::string::npos);
    BOOST_TEST(html.find("@media print") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(escapes_data) {
    SampleRun s;
    std::string html = html_of(s.report);
    BOOST_TEST(html.find("&lt;b&gt;all&lt;/b&gt;") != std::string::npos);
    BOOST_TEST(html.find("<b>") == std::string::npos);
    BOOST_TEST(html.find("&quot;listed&quot;") != std::string::npos);
    BOOST_TEST(html.find("it&#39;s") != std::string::npos);
    BOOST_TEST(html.find("?a=1&amp;b=2") != std::string::npos);
    BOOST_TEST(html.find('\x1b') == std::string::npos);
    BOOST_TEST(html.find('\xff') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(failures_first_within_section) {
    SampleRun s;
    std::string html = html_of(s.report);
    // Sections stay in checklist order.
    BOOST_TEST(pos(html, ">Network <") < pos(html, ">Host <"));
    // Network: checklist order is dns (pass), tcp (fail), proxy (warn), ldap (skip).
    BOOST_TEST(pos(html, ">net.tcp<") < pos(html, ">net.proxy<"));
    BOOST_TEST(pos(html, ">net.proxy<") < pos(html, ">net.dns<"));
    BOOST_TEST(pos(html, ">net.dns<") < pos(html, ">net.ldap<"));
    // Host: disk (pass), ram (error), os (warn).
    BOOST_TEST(pos(html, ">host.ram<") < pos(html, ">host.os<"));
    BOOST_TEST(pos(html, ">host.os<") < pos(html, ">host.disk<"));
}

BOOST_AUTO_TEST_CASE(fix_is_prominent_only_for_problems) {
    SampleRun s;
    std::string html = html_of(s.report);
    BOOST_TEST(html.find("<div class=\"fix\">Fix net.tcp") != std::string::npos);
    BOOST_TEST(html.find("<div class=\"fix\">Fix host.ram") != std::string::npos);
    BOOST_TEST(html.find("<div class=\"fix\">Fix net.dns") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(interrupted_banner_only_when_interrupted) {
    SampleRun done, stopped(true);
    BOOST_TEST(html_of(done.report).find("INTERRUPTED") == std::string::npos);
    BOOST_TEST(html_of(stopped.report).find("INTERRUPTED") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
