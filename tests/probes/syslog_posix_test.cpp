// The syslog probe against a real rsyslog on loopback: the message must
// arrive in rsyslog's output file, framed as RFC 6587 octet counting.
#include "probes/reach/syslog.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/rsyslog_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <thread>

using namespace pf;
using pf::test::run_probe;

namespace {

using pft::Rsyslog;
using pft::RsyslogTls;

std::string msgid_of(const ProbeResult& r) {
    for (const auto& e : r.evidence)
        if (e.rfind("MSGID ", 0) == 0) return e.substr(6, e.find(':') - 6);
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(syslog_probe_on_rsyslog, *pft::needs_programs({"rsyslogd"}))

BOOST_AUTO_TEST_CASE(a_tcp_message_arrives_in_rsyslogs_log) {
    Rsyslog server;
    auto r = run_probe(syslog_probe(), {},
                       {{"host", "127.0.0.1"}, {"port", std::to_string(server.port)}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    auto msgid = msgid_of(r);
    BOOST_REQUIRE(!msgid.empty());
    BOOST_TEST(server.received(msgid), pft::read_file(server.out));
    BOOST_TEST(server.received("preflight connectivity test"));
}

BOOST_AUTO_TEST_CASE(no_listener_is_refused_and_udp_cannot_be_confirmed) {
    auto port = std::to_string(pft::unused_port());
    auto r = run_probe(syslog_probe(), {}, {{"host", "127.0.0.1"}, {"port", port}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("refused: 127.0.0.1 is up") == 0u, r.summary);
    auto u = run_probe(syslog_probe(), {},
                       {{"host", "127.0.0.1"}, {"port", port}, {"transport", "udp"}});
    BOOST_TEST(u.status == Status::warn, u.summary);
    BOOST_TEST(pft::contains(u.summary, "delivery cannot be confirmed"), u.summary);
}

BOOST_AUTO_TEST_CASE(acc_saas_checks_syslog_when_the_service_is_enabled) {
    Rsyslog server;
    pft::TempDir t;
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--service", "syslog", "--set",
                       "syslog_host=127.0.0.1", "--set",
                       "syslog_port=" + std::to_string(server.port), "--json", t.file("r.json")});
    auto json = pft::read_file(t.file("r.json"));
    auto at = json.find("\"id\": \"net.syslog\"");
    BOOST_REQUIRE(at != std::string::npos);
    BOOST_TEST(json.find("\"status\": \"pass\"", at) < json.find("\"id\"", at + 10),
               json.substr(at, 400));
    BOOST_TEST(server.received("preflight connectivity test"));
}

BOOST_AUTO_TEST_CASE(a_tls_message_arrives_and_an_untrusted_certificate_is_diagnosed) {
    pft::TempDir certs;
    pft::CertFactory f;
    auto root = f.root({.cn = "Syslog Test Root"});
    auto leaf = f.issue(root, {.cn = "syslog.example", .ip_sans = {"127.0.0.1"}});
    RsyslogTls files{pft::CertFactory::write_pem(certs.file("ca.pem"), {&root}),
                     pft::CertFactory::write_pem(certs.file("cert.pem"), {&leaf}),
                     pft::CertFactory::write_key(certs.file("key.pem"), leaf)};
    Rsyslog server(&files);
    std::map<std::string, std::string> args{
        {"host", "127.0.0.1"}, {"port", std::to_string(server.port)}, {"transport", "tls"}};

    RunEnvironment trusting;
    trusting.tls.trust.system_file = files.ca;
    auto r = run_probe(syslog_probe(), trusting, args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    auto msgid = msgid_of(r);
    BOOST_REQUIRE(!msgid.empty());
    BOOST_TEST(server.received(msgid), pft::read_file(server.out));

    // The same server with a store that lacks its root: the tls probe's
    // diagnosis, and nothing sent.
    RunEnvironment stranger;
    stranger.tls.trust.system_file = certs.write("other.pem", f.root({.cn = "Other"}).cert_pem());
    auto u = run_probe(syslog_probe(), stranger, args);
    BOOST_TEST(u.status == Status::fail, u.summary);
    BOOST_TEST(u.summary.rfind("untrusted root: the chain of 127.0.0.1 ends at 'CN=Syslog Test "
                               "Root'",
                               0) == 0u,
               u.summary);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto log = pft::read_file(server.out);
    BOOST_TEST(log.find("preflight connectivity test") == log.rfind("preflight connectivity test"),
               log);
}

BOOST_AUTO_TEST_CASE(message_is_rfc5424) {
    auto m = syslog_message("acc01", "preflight", "PREFLIGHTX", "hello");
    BOOST_TEST(m.rfind("<13>1 ", 0) == 0u);
    BOOST_TEST(pft::contains(m, " acc01 preflight "));
    BOOST_TEST(pft::contains(m, " PREFLIGHTX - hello"));
}

BOOST_AUTO_TEST_SUITE_END()
