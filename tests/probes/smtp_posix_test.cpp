// The smtp probe against a real exim on loopback: STARTTLS with a
// certificate made by the test, AUTH only inside TLS, 530 before TLS, relay
// refused to unauthenticated senders, and a test message that must arrive in
// exim's mailbox file. The service password must appear in no output.
#include "pki/tls_verify.hpp"
#include "probes/smtp/smtp.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/smtp_server_posix.hpp"
#include "support/text_match.hpp"
#include <asio/ip/tcp.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <boost/test/unit_test.hpp>
#include <functional>
#include <istream>
#include <sys/socket.h>
#include <thread>

using namespace pf;
using pf::test::declaration_refuses;
using pf::test::run_probe;
using pft::any_contains;
using pft::contains;

namespace {

const std::string password = pft::EximOptions{}.password;

struct MailSetup {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Mail Test Root", .org = "Preflight Tests"});
    pft::Issued leaf = f.issue(root, {.cn = "mail.preflight.test",
                                      .dns_sans = {"mail.preflight.test", "localhost"},
                                      .ip_sans = {"127.0.0.1"}});
    RunEnvironment env;

    MailSetup() {
        auto pem = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
        env.tls.trust.system_file = pem;
        env.tls.public_roots = pem;
    }
    // The leaf and the root: a client that does not trust the root then
    // sees an untrusted root, not a missing intermediate.
    pft::EximOptions tls_server() const {
        pft::EximOptions o;
        o.cert_pem = leaf.cert_pem() + root.cert_pem();
        o.key_pem = leaf.key_pem();
        return o;
    }
    ProbeResult probe(unsigned short port, std::map<std::string, std::string> args = {},
                      std::chrono::milliseconds deadline = std::chrono::seconds(8)) const {
        args.emplace("host", "127.0.0.1");
        args["port"] = std::to_string(port);
        return run_probe(smtp_probe(), env, args, deadline);
    }
};

std::vector<std::string> all_text(const ProbeResult& r) {
    std::vector<std::string> out{r.summary, r.alert};
    out.insert(out.end(), r.evidence.begin(), r.evidence.end());
    for (const auto& b : r.blocks) {
        out.push_back(b.title);
        out.insert(out.end(), b.lines.begin(), b.lines.end());
    }
    return out;
}

std::vector<std::string> transcript(const ProbeResult& r) {
    for (const auto& b : r.blocks)
        if (contains(b.title, "SMTP transcript")) return b.lines;
    return {};
}

// Neither the password nor its base64 forms (PLAIN's "\0user\0password",
// LOGIN's password alone) may show up anywhere in the result.
void no_secret_in(const ProbeResult& r) {
    const std::string plain_b64 = "AHN2YwBTbTdwLVRlc3QtUHch"; // base64("\0svc\0Sm7p-Test-Pw!")
    const std::string login_b64 = "U203cC1UZXN0LVB3IQ==";     // base64("Sm7p-Test-Pw!")
    for (const auto& line : all_text(r)) {
        BOOST_TEST(!contains(line, password), line);
        BOOST_TEST(!contains(line, plain_b64), line);
        BOOST_TEST(!contains(line, login_b64.substr(0, 16)), line);
    }
}

// A deliberately wrong server for one connection, scripted by the test on
// a thread with blocking calls; joined however the test ends (the probe's
// socket closes with its loop, which ends any wait for the client).
class ScriptedPeer {
  public:
    using Script = std::function<void(asio::ip::tcp::socket&)>;
    explicit ScriptedPeer(Script script)
        : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}),
          thread_([this, script = std::move(script)] {
              asio::ip::tcp::socket s(io_);
              std::error_code ec;
              acceptor_.accept(s, ec);
              if (!ec) script(s);
          }) {}
    ~ScriptedPeer() {
        // Wakes an accept still waiting because the probe never connected.
        ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
        thread_.join();
    }
    std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }

  private:
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    std::thread thread_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(smtp_probe_on_exim, *pft::needs_programs({"exim"}))

BOOST_AUTO_TEST_CASE(starttls_with_a_trusted_certificate_and_auth_only_inside_tls) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    auto r = m.probe(exim.port());
    BOOST_TEST(r.status == Status::pass, r.summary << "\n" << exim.logs());
    BOOST_TEST(contains(r.summary, "220 greeting, STARTTLS TLSv1.3 with a trusted certificate"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "EHLO before TLS: SIZE"));
    BOOST_TEST(any_contains(r.evidence, "STARTTLS"));
    BOOST_TEST(any_contains(r.evidence, "AUTH before TLS: not offered"));
    BOOST_TEST(any_contains(r.evidence, "AUTH after TLS: PLAIN LOGIN"));
    auto t = transcript(r);
    BOOST_TEST(any_contains(t, "S: 220 mail.preflight.test ESMTP"));
    BOOST_TEST(any_contains(t, "C: STARTTLS"));
    BOOST_TEST(any_contains(t, "(TLS from here on)"));
    BOOST_TEST(any_contains(t, "C: NOOP"));
}

BOOST_AUTO_TEST_CASE(an_untrusted_certificate_is_named_as_the_tls_probe_names_it) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    // This run trusts another root only.
    pft::CertFactory other;
    auto stranger = other.root({.cn = "Some Other Root"});
    m.env.tls.trust.system_file = pft::CertFactory::write_pem(m.dir.file("other.pem"), {&stranger});
    auto r = m.probe(exim.port(), {{"user", "svc"}, {"password", password}});
    BOOST_TEST(r.status == Status::fail);
    auto v = verify_chain({share_x509(m.leaf.cert()), share_x509(m.root.cert())}, "127.0.0.1",
                          m.env.tls);
    BOOST_TEST(to_string(v.diagnosis) == to_string(TlsDiagnosis::untrusted_root));
    BOOST_TEST(r.summary == "STARTTLS certificate of 127.0.0.1:" + std::to_string(exim.port()) +
                                ": " + v.summary,
               r.summary);
    // The handshake was stopped: no credentials went to the unproven server.
    BOOST_TEST(!any_contains(transcript(r), "AUTH"));
    no_secret_in(r);
}

BOOST_AUTO_TEST_CASE(a_certificate_for_another_name_is_a_name_mismatch) {
    MailSetup m;
    auto other =
        m.f.issue(m.root, {.cn = "smtp.elsewhere.test", .dns_sans = {"smtp.elsewhere.test"}});
    pft::EximOptions o;
    o.cert_pem = other.cert_pem() + m.root.cert_pem();
    o.key_pem = other.key_pem();
    pft::Exim exim(o);
    auto r = m.probe(exim.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("STARTTLS certificate of 127.0.0.1:" + std::to_string(exim.port()) +
                                   ": name mismatch:",
                               0) == 0u,
               r.summary);
    BOOST_TEST(!any_contains(transcript(r), "C: NOOP"));
}

BOOST_AUTO_TEST_CASE(a_test_message_is_delivered_after_login) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    auto r = m.probe(exim.port(), {{"user", "svc"},
                                   {"password", password},
                                   {"from", "preflight@preflight.test"},
                                   {"to", "admin@preflight.test"}});
    BOOST_TEST(r.status == Status::pass, r.summary << "\n" << exim.logs());
    BOOST_TEST(contains(r.summary, "authenticated as svc"), r.summary);
    BOOST_TEST(contains(r.summary, "test message accepted for admin@preflight.test (250"),
               r.summary);
    std::string id;
    for (const auto& e : r.evidence)
        if (e.rfind("test message <preflight.", 0) == 0) id = e.substr(13, e.find('>') - 12);
    BOOST_REQUIRE(!id.empty());
    BOOST_TEST(exim.delivered("Message-ID: " + id), exim.mailbox());
    BOOST_TEST(exim.delivered("Subject: preflight SMTP test"));
    BOOST_TEST(exim.delivered("Envelope-to: admin@preflight.test"));
    BOOST_TEST(any_contains(transcript(r), "C: AUTH PLAIN"));
    BOOST_TEST(any_contains(transcript(r), "S: 235"));
    no_secret_in(r);
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_authentication_failed_535) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    auto r = m.probe(exim.port(), {{"user", "svc"}, {"password", "Wrong-" + password}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("authentication failed for svc at 127.0.0.1:", 0) == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "(535"), r.summary);
    BOOST_TEST(contains(r.summary, "user name or password is wrong"), r.summary);
    for (const auto& line : all_text(r))
        BOOST_TEST(!contains(line, "Wrong-"), line);
    no_secret_in(r);
}

BOOST_AUTO_TEST_CASE(mail_without_tls_is_530_must_issue_starttls_first) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    auto r = m.probe(
        exim.port(),
        {{"starttls", "no"}, {"from", "preflight@preflight.test"}, {"to", "admin@preflight.test"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("530 must issue STARTTLS first: 127.0.0.1:", 0) == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "enable TLS (STARTTLS) in the Cloud Connector's SMTP settings"));
    BOOST_TEST(exim.mailbox().empty());
}

BOOST_AUTO_TEST_CASE(a_login_without_tls_is_refused_because_auth_is_not_offered) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    auto r = m.probe(exim.port(), {{"starttls", "no"},
                                   {"user", "svc"},
                                   {"password", password},
                                   {"allow_plaintext_auth", "true"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "offers no authentication before TLS, so svc cannot log in"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "AUTH before TLS: not offered"));
    BOOST_TEST(!any_contains(transcript(r), "C: AUTH"));
    no_secret_in(r);
}

BOOST_AUTO_TEST_CASE(relaying_for_an_unauthenticated_sender_is_relay_denied) {
    MailSetup m;
    pft::Exim exim(m.tls_server());
    auto r = m.probe(exim.port(),
                     {{"from", "preflight@preflight.test"}, {"to", "someone@elsewhere.test"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("relay denied: 127.0.0.1:", 0) == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "550 relay not permitted"), r.summary);
    BOOST_TEST(contains(r.summary, "must be allowed to relay"), r.summary);
}

BOOST_AUTO_TEST_CASE(mail_without_login_is_530_authentication_required) {
    MailSetup m;
    auto o = m.tls_server();
    o.auth_before_mail = true;
    pft::Exim exim(o);
    auto r = m.probe(exim.port(),
                     {{"from", "preflight@preflight.test"}, {"to", "admin@preflight.test"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("530 authentication required: 127.0.0.1:", 0) == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "set the service account's user name and password"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_server_without_starttls_fails_when_tls_is_required) {
    MailSetup m;
    pft::EximOptions plain;
    plain.tls_before_mail = false;
    pft::Exim exim(plain);
    auto r = m.probe(exim.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("STARTTLS not offered by 127.0.0.1:", 0) == 0u, r.summary);
    auto t = m.probe(exim.port(), {{"starttls", "try"}});
    BOOST_TEST(t.status == Status::warn, t.summary);
    BOOST_TEST(contains(t.summary, "no STARTTLS offered: mail crosses the network unencrypted"));
}

BOOST_AUTO_TEST_CASE(a_554_banner_is_a_refused_session) {
    MailSetup m;
    auto o = m.tls_server();
    o.refuse_sessions = true;
    pft::Exim exim(o);
    auto r = m.probe(exim.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "refused the session with a 554 banner"), r.summary);
    BOOST_TEST(contains(r.summary, "no mail service for you"), r.summary);
}

BOOST_AUTO_TEST_CASE(implicit_tls_logs_in_inside_tls_and_a_starttls_port_is_told_apart) {
    MailSetup m;
    auto o = m.tls_server();
    o.implicit_tls = true;
    pft::Exim smtps(o);
    auto r = m.probe(smtps.port(), {{"tls", "implicit"}, {"user", "svc"}, {"password", password}});
    BOOST_TEST(r.status == Status::pass, r.summary << "\n" << smtps.logs());
    BOOST_TEST(contains(r.summary, "220 greeting, TLS TLSv1.3 with a trusted certificate, "
                                   "authenticated as svc"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "EHLO inside TLS:"));
    BOOST_TEST(!any_contains(r.evidence, "EHLO before TLS"));
    no_secret_in(r);

    pft::Exim plain(m.tls_server());
    auto w = m.probe(plain.port(), {{"tls", "implicit"}}, std::chrono::seconds(3));
    BOOST_TEST(w.status == Status::fail);
    BOOST_TEST(w.summary.rfind("no TLS session with 127.0.0.1:", 0) == 0u, w.summary);
    BOOST_TEST(contains(w.summary, "implicit TLS is port 465"), w.summary);
}

BOOST_AUTO_TEST_CASE(a_certificate_from_an_inspection_product_is_interception) {
    MailSetup m;
    // Trusted here, and even "public": the issuer's name alone gives it away,
    // as it does for the tls probe.
    auto bump = m.f.root({.cn = "Zscaler Root CA", .org = "Zscaler Inc."});
    auto leaf = m.f.issue(bump, {.cn = "mail.preflight.test", .ip_sans = {"127.0.0.1"}});
    auto pem = pft::CertFactory::write_pem(m.dir.file("bump.pem"), {&bump});
    m.env.tls.trust.system_file = pem;
    m.env.tls.public_roots = pem;
    pft::EximOptions o;
    o.cert_pem = leaf.cert_pem();
    o.key_pem = leaf.key_pem();
    pft::Exim exim(o);
    auto r = m.probe(exim.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "TLS interception by Zscaler", r.summary);
    BOOST_TEST(contains(r.alert, "TLS interception by Zscaler"), r.alert);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(smtp_probe_without_a_server)

BOOST_AUTO_TEST_CASE(a_closed_port_is_refused_in_the_tcp_probes_words) {
    RunEnvironment env;
    auto r = run_probe(smtp_probe(), env,
                       {{"host", "127.0.0.1"}, {"port", std::to_string(pft::unused_port())}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("refused: 127.0.0.1 is up but nothing accepts connections", 0) == 0u,
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_listener_that_never_greets_is_judged_by_the_deadline) {
    asio::io_context io;
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = silent.local_endpoint().port();
    RunEnvironment env;
    auto t0 = std::chrono::steady_clock::now();
    auto r = run_probe(smtp_probe(), env, {{"host", "127.0.0.1"}, {"port", std::to_string(port)}},
                       std::chrono::milliseconds(800));
    auto took = std::chrono::steady_clock::now() - t0;
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("no SMTP greeting: connected to 127.0.0.1:", 0) == 0u, r.summary);
    BOOST_TEST(took < std::chrono::milliseconds(1500));
}

// A deliberately wrong responder: an SSH server where SMTP was expected.
BOOST_AUTO_TEST_CASE(a_port_that_speaks_another_protocol_is_not_smtp) {
    ScriptedPeer ssh([](asio::ip::tcp::socket& s) {
        std::error_code ec;
        asio::write(s, asio::buffer(std::string("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")), ec);
        char c;
        s.read_some(asio::buffer(&c, 1), ec); // until the client gives up
    });
    RunEnvironment env;
    auto r = run_probe(smtp_probe(), env, {{"host", "127.0.0.1"}, {"port", ssh.port()}},
                       std::chrono::seconds(3));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("not an SMTP server: 127.0.0.1:", 0) == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "answered \"SSH-2.0-OpenSSH_9.2p1"), r.summary);
}

// A deliberately indiscreet server: it offers AUTH in plain text and quotes
// the login back in its 535. The result must still not show it.
BOOST_AUTO_TEST_CASE(a_server_echoing_the_credentials_does_not_put_them_in_the_result) {
    ScriptedPeer leaky([](asio::ip::tcp::socket& s) {
        asio::streambuf in;
        std::error_code ec;
        auto say = [&](const std::string& text) { asio::write(s, asio::buffer(text), ec); };
        auto hear = [&] {
            asio::read_until(s, in, "\r\n", ec);
            std::istream lines(&in);
            std::string line;
            std::getline(lines, line);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return line;
        };
        say("220 leaky ESMTP\r\n");
        hear(); // EHLO
        say("250-leaky\r\n250 AUTH PLAIN\r\n");
        hear(); // AUTH PLAIN
        say("334 \r\n");
        auto b64 = hear();
        say("535 5.7.8 bad login " + b64 + " = svc/" + password + "\r\n");
        hear(); // QUIT, or the close
    });
    RunEnvironment env;
    auto r = run_probe(smtp_probe(), env,
                       {{"host", "127.0.0.1"},
                        {"port", leaky.port()},
                        {"starttls", "no"},
                        {"user", "svc"},
                        {"password", password},
                        {"allow_plaintext_auth", "true"}},
                       std::chrono::seconds(3));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.rfind("authentication failed for svc", 0) == 0u, r.summary);
    BOOST_TEST(contains(r.summary, "bad login **** = svc/****"), r.summary);
    no_secret_in(r);
}

BOOST_AUTO_TEST_CASE(parameters_are_checked_before_anything_is_sent) {
    RunEnvironment env;
    BOOST_TEST(declaration_refuses(smtp_probe(), {{"starttls", "maybe"}}) ==
               "starttls: expected require, try or no");
    BOOST_TEST(contains(declaration_refuses(smtp_probe(), {{"host", "a"}, {"to", "a@b.test"}}),
                        "from: expected a sender"));
    auto u = run_probe(smtp_probe(), env, {{"host", "127.0.0.1"}, {"user", "svc"}});
    BOOST_TEST(u.status == Status::error);
    BOOST_TEST(contains(u.summary, "the account svc needs a password"), u.summary);
    BOOST_TEST(contains(declaration_refuses(smtp_probe(), {{"to", "a@b.test>\r\nDATA"}}),
                        "to: expected mail addresses"));
}

BOOST_AUTO_TEST_SUITE_END()
