// The ldap probe against a real slapd on loopback (plain with StartTLS, and
// LDAPS), with a certificate made for the test and trust injected; plus a
// listener that never answers, for the deadline.
#include "probes/ldap/ldap.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/result_text.hpp"
#include "support/slapd_posix.hpp"
#include "support/text_match.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace pf;
using pf::test::declaration_refuses;
using pf::test::run_probe;
using pft::all_text;
using pft::any_contains;
using pft::contains;

namespace {

struct Directory {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued ca = f.root({.cn = "Preflight Test LDAP CA"});
    pft::Issued leaf = f.issue(ca, {.cn = "ldap.example.test",
                                    .dns_sans = {"ldap.example.test"},
                                    .ip_sans = {"127.0.0.1"},
                                    .ekus = {"serverAuth"}});
    std::unique_ptr<pft::Slapd> slapd;
    RunEnvironment env;

    Directory() {
        auto ca_pem = pft::CertFactory::write_pem(dir.file("ca.pem"), {&ca});
        env.tls.trust.system_file = ca_pem;
        env.tls.public_roots = ca_pem;
        slapd = std::make_unique<pft::Slapd>(
            pft::SlapdOptions{pft::CertFactory::write_pem(dir.file("cert.pem"), {&leaf, &ca}),
                              pft::CertFactory::write_key(dir.file("key.pem"), leaf)});
    }

    ProbeResult probe(std::map<std::string, std::string> args,
                      std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        args.emplace("host", "127.0.0.1");
        auto r = run_probe(ldap_probe(), env, args, deadline);
        BOOST_TEST(!contains(all_text(r), slapd->user_password()), all_text(r));
        BOOST_TEST_MESSAGE("VERDICT " << to_string(r.status) << ": " << all_text(r));
        return r;
    }
    std::map<std::string, std::string> bind(std::string password = {}) const {
        return {{"bind_dn", pft::Slapd::user_dn()},
                {"password", password.empty() ? slapd->user_password() : password}};
    }
    std::string plain() const { return std::to_string(slapd->port()); }
    std::string ldaps() const { return std::to_string(slapd->ldaps_port()); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(ldap_probe_on_slapd, *pft::needs_programs({"slapd", "slapadd"}))

BOOST_AUTO_TEST_CASE(anonymous_rootdse) {
    Directory d;
    auto r = d.probe({{"port", d.plain()}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "plain LDAP on 127.0.0.1:" + d.plain() + " answers"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "rootDSE namingContexts: dc=example,dc=test"));
    BOOST_TEST(any_contains(r.evidence, "rootDSE supportedLDAPVersion: 3"));
}

BOOST_AUTO_TEST_CASE(bind_in_clear_text_works_but_warns) {
    Directory d;
    auto args = d.bind();
    args["port"] = d.plain();
    args["allow_plaintext_auth"] = "true";
    args["base"] = "ou=people,dc=example,dc=test";
    args["filter"] = "(objectClass=inetOrgPerson)";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::warn, r.summary);
    BOOST_TEST(contains(r.summary, "bound as '" + pft::Slapd::user_dn() + "'"), r.summary);
    BOOST_TEST(contains(r.summary, "password crossed the network in clear text"), r.summary);
    BOOST_TEST(contains(r.summary, "base 'ou=people,dc=example,dc=test' exists with 3 entries "
                                   "matching (objectClass=inetOrgPerson)"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(wrong_password_is_result_49) {
    Directory d;
    auto args = d.bind("Not-the-password-1");
    args["port"] = d.plain();
    args["allow_plaintext_auth"] = "true";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "bind as '" + pft::Slapd::user_dn() +
                                       "' rejected: invalid credentials (LDAP 49"),
               r.summary);
    BOOST_TEST(contains(r.summary, "the DN does not exist or the password is wrong"), r.summary);
    BOOST_TEST(!contains(all_text(r), "Not-the-password-1"));
}

BOOST_AUTO_TEST_CASE(ldaps_binds_and_checks_the_certificate) {
    Directory d;
    auto args = d.bind();
    args["port"] = d.ldaps();
    args["security"] = "ldaps";
    args["base"] = "dc=example,dc=test";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "LDAPS on 127.0.0.1:" + d.ldaps() + " answers"), r.summary);
    BOOST_TEST(contains(r.summary, "base 'dc=example,dc=test' exists with 5 entries"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "certificate: certificate"), all_text(r));
    BOOST_TEST(any_contains(r.evidence, "is trusted"), all_text(r));
    // The whole chain as sent, not only the server's own certificate.
    BOOST_REQUIRE(r.blocks.size() == 1);
    BOOST_TEST(any_contains(r.blocks[0].lines, "#1"), all_text(r));
    BOOST_TEST(any_contains(r.blocks[0].lines, "Preflight Test LDAP CA"), all_text(r));
}

BOOST_AUTO_TEST_CASE(starttls_binds) {
    Directory d;
    auto args = d.bind();
    args["port"] = d.plain();
    args["security"] = "starttls";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "StartTLS on 127.0.0.1:" + d.plain() + " answers"), r.summary);
    BOOST_TEST(any_contains(r.evidence, "StartTLS to 127.0.0.1:" + d.plain() + " (TLS"));
}

BOOST_AUTO_TEST_CASE(missing_search_base) {
    Directory d;
    auto r = d.probe({{"port", d.plain()}, {"base", "ou=missing,dc=example,dc=test"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "search base 'ou=missing,dc=example,dc=test' does not exist "
                                   "on 127.0.0.1:" +
                                       d.plain() +
                                       " (LDAP 32 noSuchObject); the nearest existing entry is "
                                       "'dc=example,dc=test'"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(filters_are_encoded_as_slapd_reads_them) {
    // The probe encodes filters itself: slapd's counts show each form means
    // what it says (people: svc-acc, alice, bob).
    Directory d;
    const std::pair<const char*, const char*> cases[] = {
        {"(&(objectClass=inetOrgPerson)(!(uid=bob)))", "with 2 entries"},
        {"(|(uid=al*)(cn=*cc))", "with 2 entries"},
        {"(uid=*o*)", "with 1 entry"},
        {"(uid=a*i*e)", "with 1 entry"},
        {"(&(objectClass=*)(uid:caseExactMatch:=alice))", "with 1 entry"},
        {"objectClass=organizationalUnit", "with 1 entry"},
        {"(uid=\\2a)", "with 0 entries"},
        {" ( | (uid=bob) (uid=svc\\2dacc) ) ", "with 2 entries"},
        {"(&)", "with 5 entries"},
    };
    for (const auto& [filter, count] : cases) {
        auto r = d.probe({{"port", d.plain()}, {"base", "dc=example,dc=test"}, {"filter", filter}});
        BOOST_TEST(r.status == Status::pass, filter << ": " << r.summary);
        BOOST_TEST(contains(r.summary, count), filter << ": " << r.summary);
    }
    for (const char* bad : {"(uid=alice", "(!(uid=a)(uid=b))", "(uid=a)(uid=b)", "(=x)",
                            "(uid=a\\zz)", "((uid=a))"}) {
        auto r = d.probe({{"port", d.plain()}, {"base", "dc=example,dc=test"}, {"filter", bad}});
        BOOST_TEST(r.status == Status::error, bad);
        BOOST_TEST(reason_code(r.reason) == "bad_input", bad);
        BOOST_TEST(contains(r.summary, "is not a valid LDAP filter"), r.summary);
    }
    std::string deep;
    for (int i = 0; i < 40; ++i)
        deep += "(!";
    deep += "(uid=a)" + std::string(40, ')');
    auto r = d.probe({{"port", d.plain()}, {"base", "dc=example,dc=test"}, {"filter", deep}});
    BOOST_TEST(reason_code(r.reason) == "bad_input", r.summary);
}

BOOST_AUTO_TEST_CASE(untrusted_certificate_stops_before_the_password) {
    Directory d;
    pft::CertFactory other;
    auto stranger = other.root({.cn = "Some Other CA"});
    d.env.tls.trust.system_file = pft::CertFactory::write_pem(d.dir.file("other.pem"), {&stranger});
    auto args = d.bind();
    args["port"] = d.ldaps();
    args["security"] = "ldaps";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "untrusted root"), r.summary);
    BOOST_TEST(reason_code(r.reason) == "untrusted_root");
    BOOST_TEST(
        contains(r.summary, "(LDAPS to 127.0.0.1:" + d.ldaps() + "; nothing was sent over it)"),
        r.summary);
    BOOST_TEST(!contains(d.slapd->log(), "BIND dn="), d.slapd->log());
}

BOOST_AUTO_TEST_CASE(wrong_security_for_the_port) {
    Directory d;
    auto tls_on_plain = d.probe({{"port", d.plain()}, {"security", "ldaps"}});
    BOOST_TEST(tls_on_plain.status == Status::fail);
    BOOST_TEST(
        contains(tls_on_plain.summary, "TLS handshake with 127.0.0.1:" + d.plain() + " failed"),
        tls_on_plain.summary);
    BOOST_TEST(contains(tls_on_plain.summary, "is this a plain LDAP port?"), tls_on_plain.summary);
    BOOST_TEST(reason_code(tls_on_plain.reason) == "tls_handshake_failed");
    auto plain_on_tls = d.probe({{"port", d.ldaps()}});
    BOOST_TEST(plain_on_tls.status == Status::fail);
    BOOST_TEST(contains(plain_on_tls.summary, "use security=\"ldaps\""), plain_on_tls.summary);
}

BOOST_AUTO_TEST_CASE(refused_port_reads_like_the_tcp_probe) {
    RunEnvironment env;
    auto port = std::to_string(pft::unused_port());
    auto r = run_probe(ldap_probe(), env, {{"host", "127.0.0.1"}, {"port", port}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "refused: 127.0.0.1 is up but nothing accepts connections on "
                                   "port " +
                                       port),
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_silent_server_is_cut_at_the_deadline) {
    // Listens but never reads: the kernel completes the handshake, no LDAP
    // answer ever comes.
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(listen(fd, 4) == 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    auto port = std::to_string(ntohs(a.sin_port));
    RunEnvironment env;
    for (const char* security : {"none", "ldaps"}) {
        auto t0 = Clock::now();
        auto r = run_probe(ldap_probe(), env,
                           {{"host", "127.0.0.1"}, {"port", port}, {"security", security}},
                           std::chrono::milliseconds(1200));
        double s = std::chrono::duration<double>(Clock::now() - t0).count();
        BOOST_TEST(r.status == Status::fail);
        BOOST_TEST(contains(r.summary, "timed out: 127.0.0.1:" + port +
                                           " accepted the TCP connection but did not"),
                   r.summary);
        BOOST_TEST(contains(r.summary, std::string(security) == "none"
                                           ? "did not answer an LDAP request"
                                           : "did not complete the TLS handshake"),
                   r.summary);
        BOOST_TEST(s < 1.7, s);
    }
    close(fd);
}

BOOST_AUTO_TEST_CASE(parameters_that_cannot_work_are_errors) {
    RunEnvironment env;
    BOOST_TEST(declaration_refuses(ldap_probe(), {{"security", "ssl"}}) ==
               "security: expected none, starttls or ldaps");
    auto empty = run_probe(ldap_probe(), env, {{"host", "127.0.0.1"}, {"bind_dn", "cn=x"}});
    BOOST_TEST(empty.status == Status::error);
    BOOST_TEST(contains(empty.summary, "an empty password would bind without being checked"));
}

BOOST_AUTO_TEST_CASE(no_report_shows_the_password) {
    // As an admin runs it: the preflight binary, a checklist naming the
    // files that hold the passwords, every report.
    Directory d;
    std::string checks;
    for (const auto& [id, password] :
         {std::pair{"good", d.slapd->user_password()}, std::pair{"bad", std::string("Wr0ng-pass")}})
        checks += std::string("<check id=\"") + id + "\" title=\"LDAP\" severity=\"required\">" +
                  "<probe kind=\"ldap\" host=\"127.0.0.1\" port=\"" + d.ldaps() +
                  "\" security=\"ldaps\" bind_dn=\"" + pft::Slapd::user_dn() +
                  "\" password=\"file:" + d.dir.write(std::string(id) + ".txt", password + "\n") +
                  "\"/><requirement>r</requirement><fix>f</fix></check>";
    auto list = d.dir.write("list.xml", "<checklist id=\"l\" title=\"T\" timeout=\"5\"><source "
                                        "document=\"test\"/><section id=\"s\" title=\"S\">" +
                                            checks + "</section></checklist>");
    auto out = pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--trust-store",
                         d.dir.file("ca.pem"), "--json", d.dir.file("r.json"), "--junit",
                         d.dir.file("r.xml"), "--html", d.dir.file("r.html")});
    BOOST_TEST(out.exit_code == 2, out.out << out.err);
    BOOST_TEST(contains(out.out, "rejected: invalid credentials"), out.out);
    std::string everything = out.out + out.err;
    for (const char* f : {"r.json", "r.xml", "r.html"})
        everything += pft::read_file(d.dir.file(f));
    BOOST_TEST(!contains(everything, d.slapd->user_password()));
    BOOST_TEST(!contains(everything, "Wr0ng-pass"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ad_bind_diagnostics)

BOOST_AUTO_TEST_CASE(sub_codes_are_decoded) {
    std::string code;
    BOOST_TEST(contains(ad_bind_reason("80090308: LdapErr: DSID-0C09041C, comment: "
                                       "AcceptSecurityContext error, data 52e, v4563",
                                       &code),
                        "the password is wrong"));
    BOOST_TEST(code == "52e");
    const std::pair<const char*, const char*> cases[] = {{"525", "no such user"},
                                                         {"530", "at this time"},
                                                         {"531", "at this workstation"},
                                                         {"532", "password expired"},
                                                         {"533", "account disabled"},
                                                         {"701", "account expired"},
                                                         {"773", "must change the password"},
                                                         {"775", "locked out"}};
    for (const auto& [c, words] : cases)
        BOOST_TEST(contains(ad_bind_reason(std::string("AcceptSecurityContext error, data ") + c +
                                           ", v2580"),
                            words),
                   c);
    BOOST_TEST(ad_bind_reason("Invalid credentials").empty());
}

BOOST_AUTO_TEST_SUITE_END()
