// The header and page parsing the enterprise web probes share.
#include "probes/web/web_request.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

BOOST_AUTO_TEST_SUITE(web_request_parsing)

BOOST_AUTO_TEST_CASE(schemes_from_one_challenge_per_header) {
    auto s = auth_schemes({"Negotiate", "NTLM", "Basic realm=\"mail.example.test\""});
    BOOST_TEST(list_text(s) == "Negotiate, NTLM, Basic");
}

BOOST_AUTO_TEST_CASE(schemes_from_several_challenges_in_one_header) {
    // RFC 9110 11.6.1: challenges and parameters share one list; a quoted
    // comma belongs to its parameter.
    auto s = auth_schemes({"Basic realm=\"a, b\", charset=\"UTF-8\", NTLM, Bearer "
                           "authorization_uri=\"https://login.example/x\", "
                           "error=\"invalid_token\"",
                           "NTLM"});
    BOOST_TEST(list_text(s) == "Basic, NTLM, Bearer");
}

BOOST_AUTO_TEST_CASE(negotiate_with_a_token_is_one_scheme) {
    auto s = auth_schemes({"Negotiate oYIBBjCCAQKgAwoBAaEL=="});
    BOOST_TEST(list_text(s) == "Negotiate");
    BOOST_TEST(auth_schemes({}).empty());
}

BOOST_AUTO_TEST_CASE(iis_substatus_from_the_page_title) {
    auto t = iis_substatus("<title>403.16 - Forbidden: Client certificate is untrusted or "
                           "invalid.</title>");
    BOOST_REQUIRE(t.has_value());
    BOOST_TEST(t->code == "403.16");
    BOOST_TEST(t->meaning == "client certificate untrusted or invalid");
    auto seven = iis_substatus("<h2>403.7 - Forbidden: Client certificate required.</h2>");
    BOOST_REQUIRE(seven.has_value());
    BOOST_TEST(seven->meaning == "client certificate required");
    BOOST_TEST(iis_substatus("<h2>403.13 - Forbidden</h2>")->meaning ==
               "client certificate revoked");
    BOOST_TEST(iis_substatus("403.17 - Forbidden")->meaning ==
               "client certificate expired or not yet valid");
    BOOST_TEST(iis_substatus("HTTP Error 403.4 - Forbidden")->meaning == "SSL required");
    BOOST_TEST(!iis_substatus("<title>403 Forbidden</title>").has_value());
    BOOST_TEST(!iis_substatus("version 1403.166").has_value());
}

BOOST_AUTO_TEST_CASE(iis_substatus_scan_keeps_word_boundaries) {
    BOOST_TEST(!iis_substatus("403.123 then 403.7x").has_value());
    BOOST_TEST(iis_substatus("x403.4 and (403.16)")->code == "403.16");
    BOOST_TEST(iis_substatus("403.7")->code == "403.7");
    // Only the top of the page is read: a match beyond 16 KiB is not seen.
    BOOST_TEST(!iis_substatus(std::string(16 * 1024, ' ') + "403.7").has_value());
    BOOST_TEST(!iis_substatus(std::string(1 << 20, '4') + "03.").has_value());
}

BOOST_AUTO_TEST_CASE(http_urls_parse_with_default_ports) {
    auto t = parse_http_url("https://ndes.example.test/certsrv/mscep/mscep.dll?operation=x");
    BOOST_REQUIRE(t.has_value());
    BOOST_TEST(t->port == 443);
    BOOST_TEST(t->path == "/certsrv/mscep/mscep.dll?operation=x");
    BOOST_TEST(parse_http_url("http://[::1]:8080/")->host == "::1");
    BOOST_TEST(!parse_http_url("ldap://dc/").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
