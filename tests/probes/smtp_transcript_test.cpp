// The SMTP transcript: replies parsed as RFC 5321 says, EHLO keywords and
// AUTH mechanisms read from them, and no credential ever kept.
#include "probes/smtp/smtp_transcript.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using pft::any_contains;
using pft::contains;

namespace {

void in(SmtpTranscript& t, const std::string& s) {
    t.from_server(s.data(), s.size());
}
void out(SmtpTranscript& t, const std::string& s) {
    t.from_client(s.data(), s.size());
}

} // namespace

BOOST_AUTO_TEST_SUITE(smtp_transcript)

BOOST_AUTO_TEST_CASE(ehlo_before_and_after_starttls_are_told_apart) {
    SmtpTranscript t;
    in(t, "220 mx ESMTP\r\n");
    out(t, "EHLO acc01\r\n");
    // One chunk may carry several lines, and a line may be split.
    in(t, "250-mx Hello\r\n250-SIZE 1000\r\n250-STAR");
    in(t, "TTLS\r\n250 AUTH=LOGIN\r\n");
    out(t, "STARTTLS\r\n");
    in(t, "220 go ahead\r\n");
    out(t, "EHLO acc01\r\n");
    in(t, "250-mx Hello\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n");
    BOOST_REQUIRE(t.greeting());
    BOOST_TEST(t.greeting()->reply.code == 220);
    auto before = ehlo_capabilities(*t.ehlo(true));
    BOOST_TEST(before.size() == 3u);
    BOOST_TEST(offers(before, "STARTTLS"));
    BOOST_TEST(!offers(before, "STARTTL"));
    BOOST_TEST(auth_mechanisms(before) == std::vector<std::string>{"LOGIN"});
    auto after = ehlo_capabilities(*t.ehlo(false));
    BOOST_TEST(auth_mechanisms(after) == (std::vector<std::string>{"PLAIN", "LOGIN"}));
    BOOST_TEST(t.saw_tls());
    auto lines = t.lines();
    BOOST_TEST(lines.front() == "S: 220 mx ESMTP");
    BOOST_TEST(any_contains(lines, "S: 250-STARTTLS"));
    BOOST_TEST(any_contains(lines, "(TLS from here on)"));
}

BOOST_AUTO_TEST_CASE(sasl_exchanges_are_redacted) {
    SmtpTranscript t(true);
    in(t, "220 mx\r\n");
    out(t, "AUTH PLAIN AHN2YwBzM2NyZXQ=\r\n");
    in(t, "535 5.7.8 Authentication credentials invalid\r\n");
    out(t, "AUTH LOGIN\r\n");
    in(t, "334 VXNlcm5hbWU6\r\n");
    out(t, "c3Zj\r\n");
    in(t, "334 UGFzc3dvcmQ6\r\n");
    out(t, "czNjcmV0\r\n");
    in(t, "235 ok\r\n");
    out(t, "MAIL FROM:<a@b.test>\r\n");
    in(t, "250 ok\r\n");
    for (const auto& l : t.lines()) {
        BOOST_TEST(!contains(l, "AHN2Yw"), l);
        BOOST_TEST(!contains(l, "c3Zj"), l);
        BOOST_TEST(!contains(l, "czNjcmV0"), l);
    }
    BOOST_TEST(any_contains(t.lines(), "C: AUTH PLAIN (initial response, redacted)"));
    BOOST_TEST(any_contains(t.lines(), "C: (SASL response, redacted)"));
    BOOST_TEST(any_contains(t.lines(), "C: MAIL FROM:<a@b.test>")); // redaction ended
    BOOST_TEST(t.last("MAIL")->reply.code == 250);
}

// A server quoting the login back: the quote is masked by what was sent,
// so even a password that is an ordinary word ("the") does not show.
BOOST_AUTO_TEST_CASE(a_server_quoting_the_sasl_response_has_it_masked) {
    SmtpTranscript t(true);
    in(t, "220 mx\r\n");
    out(t, "AUTH PLAIN\r\n");
    in(t, "334 \r\n");
    out(t, "AHN2YwB0aGU=\r\n"); // base64 of "\0svc\0the"
    in(t, "535 bad login AHN2YwB0aGU= for the account\r\n");
    BOOST_TEST(t.last("(SASL")->reply.text() == "535 bad login **** for the account");
    // Once the exchange is over, nothing sent is kept to mask later text.
    out(t, "QUIT\r\n");
    in(t, "221 AHN2YwB0aGU= bye\r\n");
    BOOST_TEST(t.last("QUIT")->reply.text() == "221 AHN2YwB0aGU= bye");
}

BOOST_AUTO_TEST_CASE(a_reply_that_is_not_smtp_is_kept_as_text) {
    SmtpTranscript t;
    in(t, "SSH-2.0-OpenSSH_9.2\r\n");
    BOOST_REQUIRE(t.greeting());
    BOOST_TEST(t.greeting()->reply.code == 0);
    BOOST_TEST(t.greeting()->reply.lines.front() == "SSH-2.0-OpenSSH_9.2");
}

BOOST_AUTO_TEST_CASE(a_flood_of_lines_is_bounded) {
    SmtpTranscript t;
    in(t, "220 mx\r\n");
    out(t, "EHLO a\r\n");
    for (int i = 0; i < 10000; ++i)
        in(t, "250-" + std::string(2000, 'x') + "\r\n");
    BOOST_TEST(t.lines().size() < 200u);
    for (const auto& l : t.lines())
        BOOST_TEST(l.size() < 600u);
}

BOOST_AUTO_TEST_SUITE_END()
