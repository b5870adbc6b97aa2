// net/http_head: the one parser of response heads, for curl's header lines
// and the tunnel's own CONNECT answer alike.
#include "net/http_head.hpp"
#include <boost/test/unit_test.hpp>
#include <string>

using namespace pf;

BOOST_AUTO_TEST_SUITE(http_head)

BOOST_AUTO_TEST_CASE(a_proxy_answer_is_read_whole) {
    auto h = parse_head("HTTP/1.1 407 Proxy Authentication Required\r\n"
                        "Server: squid/5.7\r\n"
                        "Proxy-Authenticate: Basic realm=\"corp\"\r\n"
                        "proxy-authenticate:\tNTLM\r\n"
                        "not a header\r\n"
                        "\r\n"
                        "After: the head\r\n");
    BOOST_TEST(h.status == 407);
    BOOST_TEST(h.status_line == "HTTP/1.1 407 Proxy Authentication Required");
    auto auth = h.values("PROXY-AUTHENTICATE");
    BOOST_TEST(auth.size() == 2u);
    BOOST_TEST(auth.at(0) == "Basic realm=\"corp\"");
    BOOST_TEST(auth.at(1) == "NTLM");
    BOOST_TEST(h.values("server").at(0) == "squid/5.7");
    BOOST_TEST(h.values("after").empty(), "the blank line ends the head");
}

BOOST_AUTO_TEST_CASE(lines_one_by_one_build_the_same_head) {
    BOOST_TEST(is_status_line("HTTP/1.0 200 Connection established"));
    BOOST_TEST(!is_status_line("Via: 1.1 proxy"));
    auto h = head_from_status_line("HTTP/1.0 200 Connection established");
    add_header_line(h, "Via: 1.1 proxy");
    add_header_line(h, "Empty:");
    BOOST_TEST(h.status == 200);
    BOOST_TEST(h.values("via").at(0) == "1.1 proxy");
    BOOST_TEST(h.values("empty").at(0) == "");
    BOOST_TEST(head_from_status_line("HTTP/1.1").status == 0);
}

BOOST_AUTO_TEST_CASE(a_hostile_head_is_bounded) {
    std::string text = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 1000; ++i)
        text += "X-Junk: " + std::to_string(i) + "\r\n";
    auto h = parse_head(text);
    BOOST_TEST(h.headers.size() == max_head_headers);
    BOOST_TEST(parse_head("").status == 0);
}

BOOST_AUTO_TEST_SUITE_END()
