// The certificate table: every certificate a check looked at, with the
// thumbprint ARM's certId wants, in the HTML (escaped) and the JSON.
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pf;
using pf::test::SampleRun;

namespace {

CertificateRow row() {
    CertificateRow c;
    c.source = "uem.example.com:443 #0";
    c.role = "leaf";
    c.subject = "CN=uem.example.com, O=<Acme & Co>";
    c.issuer = "CN=Acme CA";
    c.names = "DNS:uem.example.com, UPN:svc@corp.local";
    c.not_after = "2026-01-31T12:00:00Z";
    c.days_left = -2.5;
    c.key = "RSA 2048";
    c.signature = "sha256WithRSAEncryption";
    c.ekus = "serverAuth";
    c.sha1_thumbprint = "3F2A9B00112233445566778899AABBCCDDEEFF00";
    c.sha256 = "AB:CD";
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(certificate_table)

BOOST_AUTO_TEST_CASE(html_lists_certificates_with_their_check_and_thumbprint) {
    SampleRun s(false);
    std::ostringstream none;
    write_html(s.report, none);
    BOOST_TEST(none.str().find("<h2>Certificates</h2>") == std::string::npos,
               "no table without certificates");

    s.report.results[1].result.certificates = {row()};
    std::ostringstream out;
    write_html(s.report, out);
    auto html = out.str();
    auto at = html.find("<h2>Certificates</h2>");
    BOOST_TEST_REQUIRE(at != std::string::npos);
    auto table = html.substr(at, html.find("</table>", at) - at);
    BOOST_TEST(table.find("<td class=\"check\">net.tcp</td>") != std::string::npos, table);
    BOOST_TEST(
        table.find("<div class=\"subject\">CN=uem.example.com, O=&lt;Acme &amp; Co&gt;</div>") !=
        std::string::npos);
    BOOST_TEST(table.find("days left: -3<") != std::string::npos, "days left, rounded down");
    BOOST_TEST(table.find("<tr class=\"fail\">") != std::string::npos, "expired row marked");
    BOOST_TEST(table.find("<td class=\"thumb\">3F2A9B00112233445566778899AABBCCDDEEFF00</td>") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_carries_the_certificates_of_each_check) {
    SampleRun s(false);
    s.report.results[1].result.certificates = {row()};
    std::ostringstream out;
    write_json(s.report, out);
    auto j = nlohmann::json::parse(out.str());
    const auto& certs = j["sections"][0]["checks"][1]["certificates"];
    BOOST_TEST_REQUIRE(certs.size() == 1u);
    BOOST_TEST(certs[0]["sha1_thumbprint"] == "3F2A9B00112233445566778899AABBCCDDEEFF00");
    BOOST_TEST(certs[0]["role"] == "leaf");
    // Whole days, floored as the console shows them: expired 2.5 days ago.
    BOOST_TEST(certs[0]["days_left"].is_number_integer());
    BOOST_TEST(certs[0]["days_left"] == -3);
    BOOST_TEST(certs[0]["names"] == "DNS:uem.example.com, UPN:svc@corp.local");
    BOOST_TEST(j["sections"][0]["checks"][0]["certificates"].empty());
}

BOOST_AUTO_TEST_SUITE_END()
