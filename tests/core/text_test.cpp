// base/text: the helpers every layer shares.
#include "base/text.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(base64_pads_as_rfc_4648_says) {
    // RFC 4648 section 10's test vectors.
    BOOST_TEST(base64("") == "");
    BOOST_TEST(base64("f") == "Zg==");
    BOOST_TEST(base64("fo") == "Zm8=");
    BOOST_TEST(base64("foo") == "Zm9v");
    BOOST_TEST(base64("foobar") == "Zm9vYmFy");
    BOOST_TEST(base64(std::string("\0\xff", 2)) == "AP8=");
}

BOOST_AUTO_TEST_CASE(lower_changes_ascii_letters_only) {
    BOOST_TEST(lower("Proxy-Authenticate: NTLM") == "proxy-authenticate: ntlm");
    BOOST_TEST(lower("\xc3\x89t\xc3\xa9") == "\xc3\x89t\xc3\xa9");
}

BOOST_AUTO_TEST_CASE(ipv6_literals_are_bracketed) {
    BOOST_TEST(host_port("proxy.example", 3128) == "proxy.example:3128");
    BOOST_TEST(host_port("127.0.0.1", 443) == "127.0.0.1:443");
    BOOST_TEST(host_port("::1", 8080) == "[::1]:8080");
    BOOST_TEST(bracket_host("fe80::1") == "[fe80::1]");
    BOOST_TEST(bracket_host("host") == "host");
}

BOOST_AUTO_TEST_SUITE_END()
