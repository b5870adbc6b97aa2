// "HTTPS, proxies and TLS-interception detection" end to end, as an admin
// runs it: `preflight run` with the built-in acc-saas checklist (acc-onprem
// for its input rules), the AWCM and Console hosts pointed at real nginx
// origins on loopback, squid and tinyproxy in between. Every verdict is read
// back from all four outputs (console, HTML, JUnit, JSON), because each is
// someone's only view of the run: the admin, the support ticket, CI, a script.
// Trust comes only from --trust-store and --public-roots files made here, so
// the machine's own roots never decide a verdict.
#include "net/tunnel.hpp"
#include "reports/html.hpp"
#include "support/certs.hpp"
#include "support/kdc_posix.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/report_run.hpp"
#include "support/scoped_env.hpp"
#include "support/served_pki_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <regex>
#include <sstream>

using nlohmann::json;
using pft::contains;
using pft::NoAmbientProxy;
using pft::preflight_run;
using pft::Run;
using pft::verdict_everywhere;
using pft::words_everywhere;
using pft::operator+;

namespace {

using Pki = pft::ServedPki;

// AWCM and Console on loopback ports, the run's deadline short, the idle
// check off unless asked for (it would hold every run for its 120 s), and
// trust from files only.
std::vector<std::string> acc_args(unsigned short awcm_port, unsigned short console_port,
                                  const std::string& trust_store, const std::string& public_roots,
                                  const std::string& idle = "0") {
    return {"--set",          "awcm_host=127.0.0.1",
            "--set",          "awcm_port=" + std::to_string(awcm_port),
            "--set",          "console_host=127.0.0.1",
            "--set",          "console_port=" + std::to_string(console_port),
            "--idle",         idle,
            "--timeout",      "5",
            "--trust-store",  trust_store,
            "--public-roots", public_roots};
}

const auto with_nginx = pft::needs_programs({"nginx"});
const auto with_squid = pft::needs_programs({"nginx", "squid"});
const auto with_tinyproxy = pft::needs_programs({"nginx", "tinyproxy"});
const auto with_kerberos = pft::needs_programs(
    {"nginx", "squid", "krb5kdc", "kdb5_util", "kadmin.local", "kinit", "faketime"});

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli_https, NoAmbientProxy)

BOOST_AUTO_TEST_CASE(a_trusted_chain_passes_awcm_and_console_in_every_report, *with_nginx) {
    Pki pki;
    auto awcm_leaf = pki.leaf();
    auto console_leaf = pki.leaf({.cn = "cn.e2e.example"});
    pft::Nginx nginx({pki.site(awcm_leaf), pki.site(console_leaf)});
    auto r = preflight_run(pki.dir, "trusted",
                           acc_args(nginx.port(0), nginx.port(1), pki.root_pem, pki.root_pem));
    for (auto id : {"net.awcm-443", "net.awcm-status", "net.console-443", "net.console-https"}) {
        verdict_everywhere(*r, id, "pass");
        BOOST_TEST(r->alert(id).empty(), id << ": " << r->alert(id));
    }
    const std::string trusted = "certificate 'awcm.e2e.example' of 127.0.0.1 is trusted";
    words_everywhere(*r, "net.awcm-443", trusted);
    words_everywhere(*r, "net.awcm-status", "200");
    // No proxy given: the proxy check says so rather than failing; --idle 0
    // skips the persistence check.
    verdict_everywhere(*r, "net.proxy", "skip");
    verdict_everywhere(*r, "net.awcm-persistent", "skip");
    // The rest of the checklist judges this Linux host (sw.os is not Windows
    // Server), so the run as a whole fails: Nagios critical.
    BOOST_TEST(r->proc.exit_code == 2, r->proc.out << r->proc.err);
    BOOST_TEST(nginx.logged("GET /awcm/status"), nginx.access_log());
}

BOOST_AUTO_TEST_CASE(certificate_faults_are_diagnosed_in_every_report, *with_nginx) {
    Pki pki;
    auto good = pki.leaf({.cn = "cn.e2e.example"});
    auto expired = pki.leaf({.not_before_days = -60, .not_after_days = -2});
    auto other = pki.leaf(
        {.cn = "other.e2e.example", .dns_sans = {"other.e2e.example"}, .ip_sans = {"192.0.2.10"}});
    auto lone = pki.leaf();
    auto self = pki.f.root({.cn = "awcm.e2e.example", .ip_sans = {"127.0.0.1"}});
    auto days45 = pki.leaf({.not_after_days = 45});
    auto days10 = pki.leaf({.not_after_days = 10});
    pft::Nginx nginx({pki.site(good), pki.site(expired), pki.site(other), pki.site({&lone}),
                      pki.site({&self}), pki.site(days45), pki.site(days10)});
    auto run = [&](const std::string& tag, std::size_t site,
                   const std::vector<std::string>& more = {}) {
        return preflight_run(pki.dir, tag,
                             acc_args(nginx.port(site), nginx.port(0), pki.root_pem, pki.root_pem) +
                                 more);
    };

    struct Fault {
        std::string tag;
        std::size_t site;
        std::string diagnosis; // how the summary starts
        std::string word;      // the word an admin looks for
    };
    for (const auto& f : std::vector<Fault>{
             {"expired", 1, "expired: ", "expired"},
             {"wrong-name", 2, "name mismatch: ", "name"},
             {"no-intermediate", 3, "incomplete chain: ", "intermediate"},
             {"self-signed", 4, "self-signed: ", "self-signed"},
         }) {
        BOOST_TEST_CONTEXT(f.tag) {
            auto r = run(f.tag, f.site);
            verdict_everywhere(*r, "net.awcm-443", "fail");
            BOOST_TEST(r->summary("net.awcm-443").rfind(f.diagnosis, 0) == 0u,
                       r->summary("net.awcm-443"));
            words_everywhere(*r, "net.awcm-443", f.diagnosis);
            words_everywhere(*r, "net.awcm-443", f.word);
            verdict_everywhere(*r, "net.awcm-status", "fail");
            // The status page's check (https through curl) judges the chain
            // its handshake saw as the tls check does: the same diagnosis,
            // not curl's first OpenSSL error (an "unspecified" one for a name).
            BOOST_TEST(r->summary("net.awcm-status").rfind("TLS: " + f.diagnosis, 0) == 0u,
                       r->summary("net.awcm-status"));
            words_everywhere(*r, "net.awcm-status", f.diagnosis);
            BOOST_TEST(!contains(r->summary("net.awcm-status"), "unspecified"),
                       r->summary("net.awcm-status"));
            // The Console, on its good certificate, is not blamed.
            verdict_everywhere(*r, "net.console-443", "pass");
            BOOST_TEST(r->proc.exit_code == 2);
        }
    }

    // Default thresholds (warn below 60 days, fail below 30).
    auto r45 = run("45-days", 5);
    verdict_everywhere(*r45, "net.awcm-443", "warn");
    words_everywhere(*r45, "net.awcm-443", "expiring soon: ");
    words_everywhere(*r45, "net.awcm-443", "warning below 60 days, failure below 30");
    auto r10 = run("10-days", 6);
    verdict_everywhere(*r10, "net.awcm-443", "fail");
    words_everywhere(*r10, "net.awcm-443", "expiring soon: ");

    // The thresholds are the admin's: 45 days left is inside a 50-day warning
    // window but outside a 40-day failure window, so it still warns (and the
    // reports name the thresholds used); raising the failure threshold past
    // 45 days fails it, and lowering both below 45 passes it.
    auto w50 = run("45-days-warn50-fail40", 5, {"--expiry-warn", "50", "--expiry-fail", "40"});
    verdict_everywhere(*w50, "net.awcm-443", "warn");
    words_everywhere(*w50, "net.awcm-443", "warning below 50 days, failure below 40");
    auto f50 = run("45-days-warn60-fail50", 5, {"--expiry-warn", "60", "--expiry-fail", "50"});
    verdict_everywhere(*f50, "net.awcm-443", "fail");
    words_everywhere(*f50, "net.awcm-443", "warning below 60 days, failure below 50");
    auto p40 = run("45-days-warn40-fail30", 5, {"--expiry-warn", "40", "--expiry-fail", "30"});
    verdict_everywhere(*p40, "net.awcm-443", "pass");

    // Failing before warning makes no sense: the run refuses to start.
    auto bad = pft::run({PREFLIGHT_BINARY, "run", "--expiry-warn", "40", "--expiry-fail", "50",
                         "--json", pki.dir.file("bad.json")});
    BOOST_TEST(bad.exit_code == 3);
    BOOST_TEST(contains(bad.err, "--expiry-fail 50 is more than --expiry-warn 40"), bad.err);
}

BOOST_AUTO_TEST_CASE(an_authenticating_proxy_is_diagnosed_and_its_password_never_shown,
                     *with_squid) {
    // Blanks, '@' and ':' break naive URL building and Basic credential
    // splitting; the password must still work and never be shown.
    const std::string password = "s3cr3t p@ss:word";
    const std::string wrong = "wr0ng p@ss:word";
    Pki pki;
    auto leaf = pki.leaf();
    pft::Nginx nginx({pki.site(leaf)});
    pft::Squid squid({.basic_user = "alice", .basic_password = password});
    const std::string proxy = "http://alice@127.0.0.1:" + std::to_string(squid.port());
    auto base = acc_args(nginx.port(), nginx.port(), pki.root_pem, pki.root_pem) +
                std::vector<std::string>{"--proxy", proxy};

    // Every form a leak could take: as typed, percent-encoded in a URL, and as
    // the Basic credentials sent to the proxy.
    auto no_secret = [&](const Run& r, const std::string& tag) {
        for (const auto& secret :
             {password, wrong, std::string("s3cr3t%20p%40ss%3Aword"), std::string("s3cr3t+p"),
              pf::basic_credentials("alice", password), pf::basic_credentials("alice", wrong)}) {
            BOOST_TEST(!contains(r.proc.out, secret), tag << ": stdout shows " << secret);
            BOOST_TEST(!contains(r.proc.err, secret), tag << ": stderr shows " << secret);
            BOOST_TEST(!contains(r.html, secret), tag << ": HTML shows " << secret);
            BOOST_TEST(!contains(r.junit_text, secret), tag << ": JUnit shows " << secret);
            BOOST_TEST(!contains(r.json_text, secret), tag << ": JSON shows " << secret);
        }
    };

    // No credentials at all: the proxy's 407 is named with what to give.
    unsetenv("PF_TEST_PROXY_PW");
    auto anon_proxy = "http://127.0.0.1:" + std::to_string(squid.port());
    auto anon = preflight_run(pki.dir, "no-user",
                              acc_args(nginx.port(), nginx.port(), pki.root_pem, pki.root_pem) +
                                  std::vector<std::string>{"--proxy", anon_proxy});
    verdict_everywhere(*anon, "net.proxy", "fail");
    words_everywhere(*anon, "net.proxy",
                     "proxy wants authentication: Basic realm=\"preflight-test\"");
    words_everywhere(*anon, "net.proxy", "--proxy-password env:NAME");
    BOOST_TEST(contains(anon->check("net.proxy")["evidence"].dump(), "407"),
               anon->check("net.proxy")["evidence"].dump());
    no_secret(*anon, "no user");

    // A user but no --proxy-password: the proxy answers 407, and the verdict
    // says the password is missing rather than wrong.
    auto none = preflight_run(pki.dir, "no-password", base);
    verdict_everywhere(*none, "net.proxy", "fail");
    words_everywhere(*none, "net.proxy", "407");
    words_everywhere(*none, "net.proxy", "wants a password for user alice");
    BOOST_TEST(none->proc.exit_code == 2);
    no_secret(*none, "no password");

    // The password from the environment: the tunnel opens and the status page
    // answers through it.
    setenv("PF_TEST_PROXY_PW", password.c_str(), 1);
    auto ok =
        preflight_run(pki.dir, "password",
                      base + std::vector<std::string>{"--proxy-password", "env:PF_TEST_PROXY_PW"});
    verdict_everywhere(*ok, "net.proxy", "pass");
    words_everywhere(*ok, "net.proxy", "established");
    verdict_everywhere(*ok, "net.awcm-status", "pass");
    words_everywhere(*ok, "net.awcm-status", "through");
    verdict_everywhere(*ok, "net.awcm-443", "pass");
    verdict_everywhere(*ok, "net.console-https", "pass");
    no_secret(*ok, "right password");

    // A wrong password is told apart from missing credentials.
    setenv("PF_TEST_PROXY_PW", wrong.c_str(), 1);
    auto bad =
        preflight_run(pki.dir, "wrong-password",
                      base + std::vector<std::string>{"--proxy-password", "env:PF_TEST_PROXY_PW"});
    verdict_everywhere(*bad, "net.proxy", "fail");
    words_everywhere(*bad, "net.proxy", "rejected the credentials");
    BOOST_TEST(!contains(bad->summary("net.proxy"), "proxy wants authentication"));
    verdict_everywhere(*bad, "net.awcm-status", "fail");
    no_secret(*bad, "wrong password");
    unsetenv("PF_TEST_PROXY_PW");

    // squid saw the CONNECT with alice's credentials.
    BOOST_TEST(contains(squid.access_log(), "alice"), squid.access_log());
}

// An origin behind a TLS-inspecting squid that re-signs with bump_ca.
struct Inspection {
    Pki& pki;
    // squid, bumping at step 2, copies the origin's names into its forged
    // certificate only when the origin's CN is the CONNECT host; with another
    // CN it forges DNS:127.0.0.1, which no client accepts for an IP address.
    // CN=127.0.0.1 keeps the forged certificate valid, so the only finding
    // left is the interception itself, as with a real inspection product.
    pft::Issued leaf = pki.leaf({.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}});
    pft::Issued bump_ca;
    std::string bump_pem;
    std::unique_ptr<pft::Nginx> origin;
    std::unique_ptr<pft::Squid> squid;

    Inspection(Pki& p, const pft::CertSpec& bump_spec, const std::string& name)
        : pki(p), bump_ca(p.f.root(bump_spec)) {
        origin = std::make_unique<pft::Nginx>(std::vector<pft::NginxSite>{pki.site(leaf)});
        pft::SquidOptions o;
        bump_pem = pft::CertFactory::write_pem(pki.dir.file(name + "-ca.pem"), {&bump_ca});
        o.bump_ca_cert = bump_pem;
        o.bump_ca_key = pft::CertFactory::write_key(pki.dir.file(name + "-ca.key"), bump_ca);
        o.origin_ca_file = pki.root_pem;
        squid = std::make_unique<pft::Squid>(o);
    }
    // The machine trusts the inspection CA as a domain policy would install it.
    std::string trust_store(const std::string& name) const {
        return pft::CertFactory::write_pem(pki.dir.file(name + "-store.pem"),
                                           {&pki.root, &bump_ca});
    }
    std::vector<std::string> args(const std::string& store, const std::string& public_roots) {
        return acc_args(origin->port(), origin->port(), store, public_roots) +
               std::vector<std::string>{"--proxy",
                                        "http://127.0.0.1:" + std::to_string(squid->port())};
    }
};

// The alert text, as found, in the JSON "alert" field, the console's ALERT
// line, the HTML alert box and the JUnit failure.
void alert_everywhere(const Run& r, const std::string& id, const std::string& words) {
    auto a = r.alert(id);
    BOOST_TEST(contains(a, words), id << " JSON alert lacks '" << words << "': " << a);
    BOOST_TEST_REQUIRE(!a.empty());
    BOOST_TEST(contains(r.console(id), "ALERT " + a), r.console(id));
    BOOST_TEST(contains(r.html_row(id), "<div class=\"alert\">" + pf::html_escape(a) + "</div>"),
               id << " HTML lacks the alert");
    auto failure = r.junit_case(id).child("failure");
    BOOST_TEST(contains(failure.child_value(), "ALERT: " + a), id << " JUnit lacks the alert");
}

BOOST_AUTO_TEST_CASE(tls_interception_by_a_proxy_is_named_in_every_report, *with_squid) {
    Pki pki;
    {
        // A product's CA, trusted by the machine: the chain verifies, and only
        // the issuer's name gives the inspection away.
        Inspection z(pki, {.cn = "Zscaler Root CA", .org = "Zscaler Inc."}, "zscaler");
        auto r = preflight_run(pki.dir, "zscaler", z.args(z.trust_store("zscaler"), pki.root_pem));
        verdict_everywhere(*r, "net.awcm-443", "fail");
        alert_everywhere(*r, "net.awcm-443", "TLS interception by Zscaler");
        words_everywhere(*r, "net.awcm-443", "TLS interception by Zscaler");
        // Trust and name pass: the interception is the whole finding.
        BOOST_TEST(r->summary("net.awcm-443").rfind("TLS interception by Zscaler", 0) == 0u,
                   r->summary("net.awcm-443"));
        for (auto other : {"untrusted", "name mismatch", "self-signed", "expired"})
            BOOST_TEST(!contains(r->summary("net.awcm-443"), other), r->summary("net.awcm-443"));
        BOOST_TEST(contains(r->check("net.awcm-443")["evidence"].dump(),
                            "trust: the chain ends at 'CN=Zscaler Root CA, O=Zscaler Inc.' in the "
                            "trust store"),
                   r->check("net.awcm-443")["evidence"].dump());
        // The status page itself answers through the inspection, as a
        // browser on this machine would show it: only the tls check sees it.
        verdict_everywhere(*r, "net.awcm-status", "pass");
        BOOST_TEST(r->proc.exit_code == 2);
    }
    {
        Inspection n(pki, {.cn = "Corp Web Filter CA", .org = "Example Corp"}, "neutral");
        auto store = n.trust_store("neutral");
        // A neutral name, trusted here but unknown to the public programme.
        auto r = preflight_run(pki.dir, "neutral", n.args(store, pki.root_pem));
        verdict_everywhere(*r, "net.awcm-443", "fail");
        alert_everywhere(*r, "net.awcm-443", "locally added root");
        alert_everywhere(*r, "net.awcm-443", "Corp Web Filter CA");

        // Public or not, a re-signing CA is caught by the expected issuer:
        // here the inspection root counts as public, and the pin of the
        // origin's real issuer alone finds the re-signing.
        auto pin =
            preflight_run(pki.dir, "pinned",
                          n.args(store, store) + std::vector<std::string>{
                                                     "--set", "awcm_pin_issuer=Preflight E2E CA"});
        verdict_everywhere(*pin, "net.awcm-443", "fail");
        alert_everywhere(*pin, "net.awcm-443", "expected issuer 'Preflight E2E CA'");
        words_everywhere(*pin, "net.awcm-443", "expected issuer");
        BOOST_TEST(!contains(pin->alert("net.awcm-443"), "locally added root"),
                   pin->alert("net.awcm-443"));
        // The parameter reaches the reports as the setting in effect.
        BOOST_TEST(pin->j["settings"]["awcm_pin_issuer"] == "Preflight E2E CA");
    }
}

BOOST_AUTO_TEST_CASE(a_proxy_cutting_idle_connections_fails_persistence, *with_tinyproxy) {
    Pki pki;
    auto leaf = pki.leaf();
    pft::Nginx nginx({pki.site(leaf)});
    pft::Tinyproxy tiny({.timeout_seconds = 2});
    // The run's idle time, 5 s, outlasts tinyproxy's 2 s Timeout.
    auto args =
        acc_args(nginx.port(), nginx.port(), pki.root_pem, pki.root_pem, "5") +
        std::vector<std::string>{"--proxy", "http://127.0.0.1:" + std::to_string(tiny.port())};
    auto r = preflight_run(pki.dir, "idle", args);
    const std::string id = "net.awcm-persistent";
    verdict_everywhere(*r, id, "fail");
    words_everywhere(*r, id, "the path closed the idle connection after ");
    words_everywhere(*r, id, "the proxy http://127.0.0.1:" + std::to_string(tiny.port()));
    // "… after 2.0 s …": about tinyproxy's Timeout.
    static const std::regex after(R"(closed the idle connection after ([0-9]+(\.[0-9]+)?) s)");
    std::smatch m;
    auto summary = r->summary(id);
    BOOST_TEST_REQUIRE(std::regex_search(summary, m, after), summary);
    double seconds = std::stod(m[1].str());
    BOOST_TEST(seconds > 1.0, summary);
    BOOST_TEST(seconds < 4.0, summary);
    // The same proxy lets the tunnel itself through.
    verdict_everywhere(*r, "net.proxy", "pass");
    verdict_everywhere(*r, "net.awcm-443", "pass");
}

BOOST_AUTO_TEST_CASE(onprem_awcm_host_is_a_host_name_only) {
    pft::TempDir t;
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist", "acc-onprem", "--set",
                       "awcm_host=https://awcm.example.com", "--json", t.file("r.json")});
    BOOST_TEST(r.exit_code == 3, r.out << r.err);
    BOOST_TEST(contains(r.err, "--set awcm_host: 'https://awcm.example.com' is not valid"), r.err);
    BOOST_TEST(contains(r.err, "Do not add https:// since this is assumed"), r.err);
    auto p = pft::run({PREFLIGHT_BINARY, "run", "--checklist", "acc-onprem", "--set",
                       "awcm_host=awcm.example.com/awcm", "--json", t.file("r.json")});
    BOOST_TEST(p.exit_code == 3, p.out << p.err);
    BOOST_TEST(contains(p.err, "--set awcm_host: 'awcm.example.com/awcm' is not valid"), p.err);
    BOOST_TEST(contains(p.err, "without a path"), p.err);
    // Nothing ran, so no report was written.
    BOOST_TEST(!std::filesystem::exists(t.file("r.json")));
}

// A Kerberos-only proxy, as Windows sites run them: the status page through
// it with the user's ticket, and, with this host's clock an hour ahead of
// the KDC's (faketime on preflight alone), the verdict names the clock.
BOOST_AUTO_TEST_CASE(a_kerberos_proxy_passes_and_a_skewed_clock_is_named, *with_kerberos) {
    Pki pki;
    auto leaf = pki.leaf();
    pft::Nginx nginx({pki.site(leaf)});
    pft::Kdc kdc;
    kdc.add_principal("alice");
    std::string keytab = kdc.add_principal("HTTP/localhost");
    pft::ScopedEnv config("KRB5_CONFIG", kdc.config());
    pft::Squid squid(
        {.negotiate_keytab = keytab, .negotiate_principal = "HTTP/localhost@" + kdc.realm()});
    pft::ScopedEnv cache("KRB5CCNAME", kdc.kinit("alice"));
    auto args =
        acc_args(nginx.port(), nginx.port(), pki.root_pem, pki.root_pem) +
        std::vector<std::string>{"--proxy", "http://localhost:" + std::to_string(squid.port())};
    auto ok = preflight_run(pki.dir, "kerberos", args);
    verdict_everywhere(*ok, "net.awcm-status", "pass");
    const std::vector<std::string> hour_ahead = {"env", "FAKETIME_DONT_FAKE_MONOTONIC=1",
                                                 "faketime", "-f", "+1h"};
    // The service ticket of the first run is cached: only squid sees the
    // skewed time, and a bare "Negotiate" again cannot say more than that.
    auto cached = preflight_run(pki.dir, "kerberos-skewed-proxy", args, "run", hour_ahead);
    verdict_everywhere(*cached, "net.awcm-status", "fail");
    BOOST_TEST(cached->check("net.awcm-status")["reason"] == "proxy_auth_rejected",
               cached->check("net.awcm-status").dump());
    words_everywhere(*cached, "net.awcm-status", "this host's clock is within 5 minutes");
    // A fresh ticket cache: the KDC refuses the service ticket, and says why.
    pft::ScopedEnv fresh("KRB5CCNAME", kdc.kinit("alice"));
    auto skewed = preflight_run(pki.dir, "kerberos-skewed-kdc", args, "run", hour_ahead);
    verdict_everywhere(*skewed, "net.awcm-status", "fail");
    BOOST_TEST(skewed->check("net.awcm-status")["reason"] == "clock_skew",
               skewed->check("net.awcm-status").dump());
    words_everywhere(*skewed, "net.awcm-status", "synchronise the clock");
}

BOOST_AUTO_TEST_SUITE_END()
