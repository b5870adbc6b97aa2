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
    // The page's language is the catalog's.
    BOOST_TEST(html.find("<html lang=\"en\">") != std::string::npos);
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

BOOST_AUTO_TEST_CASE(banner_word_follows_the_worst_status) {
    SampleRun s;
    std::string html = html_of(s.report);
    BOOST_TEST(html.find("<title>NOT READY: Cloud Connector prerequisites on acc-01") !=
               std::string::npos);
    BOOST_TEST(pos(html, "<div class=\"word\">NOT READY</div>") < pos(html, "id=\"pf-problems\""));
    BOOST_TEST(html.find("Failed: 1") != std::string::npos);
    BOOST_TEST(html.find("Warnings: 2") != std::string::npos);
    // Only warnings left: ready with warnings; nothing left: ready.
    for (auto& r : s.report.results)
        if (r.status == Status::fail || r.status == Status::error) r.status = Status::pass;
    s.report.counts = count(s.report.results);
    BOOST_TEST(html_of(s.report).find("<title>READY WITH WARNINGS:") != std::string::npos);
    for (auto& r : s.report.results)
        if (r.status == Status::warn) r.status = Status::pass;
    s.report.counts = count(s.report.results);
    html = html_of(s.report);
    BOOST_TEST(html.find("<title>READY:") != std::string::npos);
    BOOST_TEST(html.find("No check failed, erred or warned.") != std::string::npos);
    SampleRun stopped(true);
    BOOST_TEST(html_of(stopped.report).find("<title>COULD NOT RUN:") != std::string::npos);
    stopped.report.facts = {};
    BOOST_TEST(
        html_of(stopped.report)
            .find("<title>COULD NOT RUN: Cloud Connector prerequisites (preflight)</title>") !=
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(problems_worst_first_with_fix_and_link_to_the_row) {
    SampleRun s;
    std::string html = html_of(s.report);
    auto list = html.substr(pos(html, "<ol class=\"problems\">"));
    list = list.substr(0, list.find("</ol>"));
    // fail, then error, then the two warnings in checklist order; no pass or skip.
    BOOST_TEST(pos(list, "href=\"#net.tcp\"") < pos(list, "href=\"#host.ram\""));
    BOOST_TEST(pos(list, "href=\"#host.ram\"") < pos(list, "href=\"#net.proxy\""));
    BOOST_TEST(pos(list, "href=\"#net.proxy\"") < pos(list, "href=\"#host.os\""));
    BOOST_TEST(list.find("net.dns") == std::string::npos);
    BOOST_TEST(list.find("net.ldap") == std::string::npos);
    BOOST_TEST(list.find("connection refused") != std::string::npos);
    BOOST_TEST(list.find("Fix net.tcp &amp; retry.") != std::string::npos);
    // Every link has its row.
    for (const char* id : {"net.tcp", "host.ram", "net.proxy", "host.os"})
        BOOST_TEST(html.find("<tr id=\"" + std::string(id) + "\"") != std::string::npos, id);
    // And the problems come before the first section table.
    BOOST_TEST(pos(html, "<ol class=\"problems\">") < pos(html, "<table class=\"checks\">"));
}

BOOST_AUTO_TEST_CASE(anchors_are_valid_fragments) {
    SampleRun s;
    auto& odd = const_cast<Check&>(*s.report.results[1].check);
    odd.id = "net.a b#c\"d";
    std::string html = html_of(s.report);
    BOOST_TEST(html.find("<tr id=\"net.a_20b_23c_22d\"") != std::string::npos);
    BOOST_TEST(html.find("href=\"#net.a_20b_23c_22d\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(context_shows_the_inputs_of_the_run) {
    SampleRun s;
    s.report.command_line = {
        "preflight", "run", "--site", "/etc/pf/site one.xml", "--set", "ldap_password=env:LDAP_PW",
        "--users",   "5000"};
    s.report.site_file = "/etc/pf/site one.xml";
    s.report.users = 5000;
    s.report.servers = 2;
    std::string html = html_of(s.report);
    auto ctx = html.substr(pos(html, "id=\"pf-context\""));
    ctx = ctx.substr(0, ctx.find("</section>"));
    for (const char* text :
         {"preflight run --site &#39;/etc/pf/site one.xml&#39; --set ldap_password=env:LDAP_PW "
          "--users 5000",
          "Site file", "Users (--users)</th><td>5000", "Servers (--servers)</th><td>2",
          "Started (local time)", "acc-01", "2027-01-15T08:00:00Z", "proxy (HTTP proxy)"})
        BOOST_TEST(ctx.find(text) != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(parameters_at_their_default_are_folded) {
    SampleRun s;
    s.checklist.params = {{"uem_host", "", std::string("uem.example.com")},
                          {"install_path", "", std::string("C:\\AirWatch")}};
    std::string html = html_of(s.report);
    auto params = html.substr(pos(html, "id=\"pf-parameters\""));
    params = params.substr(0, params.find("</section>"));
    auto fold = pos(params, "<details class=\"defaults\">");
    // install_path differs from its default and is shown; uem_host is folded.
    BOOST_TEST(pos(params, "/opt/airwatch") < fold);
    BOOST_TEST(pos(params, "uem_host") > fold);
    BOOST_TEST(params.find("Parameters at their defaults: 1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(folded_evidence_is_also_in_a_print_block) {
    SampleRun s;
    std::string html = html_of(s.report);
    BOOST_TEST(pf::test::occurrences(html, "[1] CN=Zscaler Root CA &amp; &lt;co&gt;") == 2u);
    BOOST_TEST(html.find("<div class=\"print-only block\">") != std::string::npos);
    BOOST_TEST(html.find("@media print") != std::string::npos);
    BOOST_TEST(html.find(".print-only{display:block}") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_cert_report_has_no_host_services_or_parameters) {
    SampleRun s;
    s.report.kind = ReportKind::cert;
    s.report.facts = {};
    std::string html = html_of(s.report);
    BOOST_TEST(html.find("<title>NOT READY: Cloud Connector prerequisites (preflight cert)") !=
               std::string::npos);
    for (const char* absent : {"Host facts", "Integration services", "id=\"pf-parameters\""})
        BOOST_TEST(html.find(absent) == std::string::npos, absent);
    // The files checked are its sections.
    BOOST_TEST(html.find("Files checked</th><td>Network\nHost</td>") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
