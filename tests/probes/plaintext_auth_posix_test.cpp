// A password never crosses the network unencrypted unless the checklist says
// so: smtp with starttls=try against an exim that offers AUTH but no
// STARTTLS, and ldap with security=none against slapd. The servers' own logs
// show whether a credential arrived.
#include "probes/ldap/ldap.hpp"
#include "probes/smtp/smtp.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/result_text.hpp"
#include "support/slapd_posix.hpp"
#include "support/smtp_server_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <thread>

using namespace pf;
using pf::test::run_probe;
using pft::all_text;
using pft::contains;

namespace {

// A wrong password, so that an attempted login leaves a failure in exim's
// log; a correct one would leave nothing to tell it from no attempt.
const std::string kWrong = "Plain-Canary-5150!";

ProbeResult smtp_login(const pft::Exim& exim, const std::string& allow) {
    RunEnvironment env;
    return run_probe(smtp_probe(), env,
                     {{"host", "127.0.0.1"},
                      {"port", std::to_string(exim.port())},
                      {"starttls", "try"},
                      {"user", "svc"},
                      {"password", kWrong},
                      {"allow_plaintext_auth", allow}},
                     std::chrono::seconds(8));
}

// Exim writes its log as the session ends; give it a moment.
std::string exim_log_after(const pft::Exim& exim) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return exim.logs();
}

ProbeResult ldap_bind(const pft::Slapd& slapd, const std::string& allow) {
    RunEnvironment env;
    return run_probe(ldap_probe(), env,
                     {{"host", "127.0.0.1"},
                      {"port", std::to_string(slapd.port())},
                      {"security", "none"},
                      {"bind_dn", pft::Slapd::user_dn()},
                      {"password", slapd.user_password()},
                      {"allow_plaintext_auth", allow}});
}

} // namespace

BOOST_AUTO_TEST_SUITE(plaintext_auth)

BOOST_AUTO_TEST_CASE(smtp_try_without_starttls_does_not_send_the_password,
                     *pft::needs_programs({"exim"})) {
    pft::EximOptions o; // no certificate: no STARTTLS
    o.auth_in_clear = true;
    o.tls_before_mail = false;
    pft::Exim exim(o);
    auto r = smtp_login(exim, "false");
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "STARTTLS not offered by 127.0.0.1:"), r.summary);
    BOOST_TEST(contains(r.summary, "the login as svc was not attempted, because its password "
                                   "would cross the network in clear text"),
               r.summary);
    BOOST_TEST(contains(r.summary, "--set smtp_allow_plaintext_auth=true"), r.summary);
    auto log = exim_log_after(exim);
    BOOST_TEST(!contains(log, "authenticator failed"), log);
    BOOST_TEST(!contains(all_text(r), kWrong));

    // Allowed explicitly, the same session logs in, and exim records it:
    // the log check above can see an attempt.
    auto allowed = smtp_login(exim, "true");
    BOOST_TEST(contains(allowed.summary, "authentication failed for svc"), allowed.summary);
    auto log2 = exim_log_after(exim);
    BOOST_TEST(contains(log2, "authenticator failed"), log2);
    BOOST_TEST(!contains(all_text(allowed), kWrong));
}

BOOST_AUTO_TEST_CASE(smtp_starttls_no_with_a_user_is_refused_before_connecting,
                     *pft::needs_programs({"exim"})) {
    pft::EximOptions o;
    o.auth_in_clear = true;
    pft::Exim exim(o);
    RunEnvironment env;
    auto r = run_probe(smtp_probe(), env,
                       {{"host", "127.0.0.1"},
                        {"port", std::to_string(exim.port())},
                        {"starttls", "no"},
                        {"user", "svc"},
                        {"password", kWrong}});
    BOOST_TEST(r.status == Status::error, r.summary);
    BOOST_TEST(contains(r.summary, "would send its password unencrypted"), r.summary);
    BOOST_TEST(!contains(exim_log_after(exim), "authenticator failed"));
}

BOOST_AUTO_TEST_CASE(ldap_security_none_does_not_bind_with_a_password,
                     *pft::needs_programs({"slapd", "slapadd"})) {
    pft::Slapd slapd;
    auto r = ldap_bind(slapd, "false");
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary,
                        "bind as '" + pft::Slapd::user_dn() + "' not attempted: over plain LDAP"),
               r.summary);
    BOOST_TEST(contains(r.summary, "--set ldap_allow_plaintext_auth=true"), r.summary);
    // The server's facts are still read, anonymously.
    BOOST_TEST(pft::any_contains(r.evidence, "rootDSE namingContexts: dc=example,dc=test"));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_TEST(!contains(slapd.log(), "BIND dn=\"" + pft::Slapd::user_dn()), slapd.log());

    auto allowed = ldap_bind(slapd, "true");
    BOOST_TEST(allowed.status == Status::warn, allowed.summary);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    BOOST_TEST(contains(slapd.log(), "BIND dn=\"" + pft::Slapd::user_dn()), slapd.log());
}

BOOST_AUTO_TEST_SUITE_END()
