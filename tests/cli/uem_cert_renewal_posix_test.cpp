// The uem-cert-renewal checklist end to end: the Console, DS, API, ENS2,
// SEG v2, AWCM and ARM hosts are real nginx sites on loopback, each serving
// one of the certificates a renewal can go wrong with, and the signing, APNs
// and AWCM files are made here. Trust comes only from the test root.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/report_run.hpp"
#include "support/served_pki_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>

using pft::contains;
using pft::NoAmbientProxy;
using pft::preflight_run;
using pft::verdict_everywhere;
using pft::words_everywhere;
using pft::operator+;

namespace {

const std::string secret = "Apns-And-Signing-Pw-77";

using Pki = pft::ServedPki;

std::vector<std::string> base_args(const Pki& pki) {
    return {"--checklist",   "uem-cert-renewal", "--timeout",      "5",
            "--trust-store", pki.root_pem,       "--public-roots", pki.root_pem};
}

std::vector<std::string> host(const std::string& name, unsigned short port) {
    return {"--set", name + "_host=127.0.0.1", "--set", name + "_port=" + std::to_string(port)};
}

const auto with_nginx = pft::needs_programs({"nginx"});

} // namespace

BOOST_FIXTURE_TEST_SUITE(cli_uem_cert_renewal, NoAmbientProxy)

BOOST_AUTO_TEST_CASE(every_served_certificate_and_file_gets_its_verdict, *with_nginx) {
    Pki pki;
    auto good = pki.leaf();
    auto expired = pki.leaf({.not_before_days = -400, .not_after_days = -2});
    auto lone = pki.leaf();
    auto other = pki.leaf(
        {.cn = "other.e2e.example", .dns_sans = {"other.e2e.example"}, .ip_sans = {"192.0.2.7"}});
    auto days45 = pki.leaf({.not_after_days = 45});
    auto days10 = pki.leaf({.not_after_days = 10});
    auto arm = pki.leaf({.cn = "arm.e2e.example"});
    pft::Nginx nginx({pki.site(good), pki.site(expired), pki.site({&lone}), pki.site(other),
                      pki.site(days45), pki.site(days10), pki.site(arm)});

    auto signing = pft::CertFactory::write_pkcs12(pki.dir.file("signing.pfx"),
                                                  pki.leaf({.cn = "signing.e2e.example"}),
                                                  {&pki.inter, &pki.root}, secret);
    auto apns_leaf = pki.f.issue(
        pki.inter,
        {.cn = "APSP:7a7a", .ekus = {"clientAuth"}, .uid = "com.apple.mgmt.External.7a7a"});
    auto apns = pft::CertFactory::write_pkcs12(pki.dir.file("apns.p12"), apns_leaf,
                                               {&pki.inter, &pki.root}, secret);
    // Without the root: not the entire chain AWCM's installer asks for.
    auto awcm_pfx =
        pft::CertFactory::write_pkcs12(pki.dir.file("awcm.pfx"), pki.leaf(), {&pki.inter}, secret);
    setenv("PF_UEM_PFX_PASSWORD", secret.c_str(), 1);
    auto args = base_args(pki) + host("console", nginx.port(0)) + host("ds", nginx.port(1)) +
                host("api", nginx.port(2)) + host("ens2", nginx.port(3)) +
                host("seg", nginx.port(4)) + host("awcm", nginx.port(5)) +
                host("arm", nginx.port(6)) +
                std::vector<std::string>{"--set", "signing_cert=" + signing,
                                         "--set", "signing_password=env:PF_UEM_PFX_PASSWORD",
                                         "--set", "apns_cert=" + apns,
                                         "--set", "apns_password=env:PF_UEM_PFX_PASSWORD",
                                         "--set", "awcm_pfx=" + awcm_pfx,
                                         "--set", "awcm_pfx_password=env:PF_UEM_PFX_PASSWORD"};
    auto r = preflight_run(pki.dir, "uem", args);
    unsetenv("PF_UEM_PFX_PASSWORD");
    BOOST_TEST(r->proc.exit_code == 2);

    verdict_everywhere(*r, "served.console", "pass");
    words_everywhere(*r, "served.console",
                     "certificate 'awcm.e2e.example' of 127.0.0.1 is trusted");
    struct Case {
        std::string id, status, words;
    };
    for (const auto& c : std::vector<Case>{
             {"served.ds", "fail", "expired: "},
             {"served.api", "fail", "incomplete chain: "},
             {"served.ens2", "fail", "name mismatch: "},
             {"served.seg", "warn", "expiring soon: "},
             {"served.awcm", "fail", "expiring soon: "},
             {"file.apns", "pass", "APNs topic com.apple.mgmt.External.7a7a"},
             {"file.awcm-pfx", "warn", "not the entire chain: "},
         }) {
        verdict_everywhere(*r, c.id, c.status);
        words_everywhere(*r, c.id, c.words);
    }
    verdict_everywhere(*r, "served.arm", "pass");
    verdict_everywhere(*r, "file.signing", "pass");
    words_everywhere(*r, "file.signing", "passes all 5 checks");

    // The served ARM leaf's thumbprint, ready for certId, in the certificate table.
    const auto& rows = r->check("served.arm")["certificates"];
    BOOST_TEST_REQUIRE(rows.size() >= 2u);
    BOOST_TEST(rows[0]["subject"].get<std::string>() == "CN=arm.e2e.example");
    std::string thumb = rows[0]["sha1_thumbprint"].get<std::string>();
    BOOST_TEST(thumb.size() == 40u);
    BOOST_TEST(contains(r->html, "<td class=\"thumb\">" + thumb + "</td>"));
    // The password source is shown, the password never.
    for (const auto* text : {&r->proc.out, &r->proc.err, &r->html, &r->junit_text, &r->json_text})
        BOOST_TEST(!contains(*text, secret));
}

BOOST_AUTO_TEST_CASE(hosts_and_files_not_given_are_skipped) {
    Pki pki;
    auto r = preflight_run(pki.dir, "none", base_args(pki));
    BOOST_TEST(r->proc.exit_code == 0, r->proc.out << r->proc.err);
    for (auto id : {"served.console", "served.ds", "served.api", "served.ens2", "served.seg",
                    "served.awcm", "served.arm", "file.signing", "file.apns", "file.awcm-pfx"})
        verdict_everywhere(*r, id, "skip");
    words_everywhere(*r, "served.arm", "not configured: give --set arm_host=");
}

BOOST_AUTO_TEST_CASE(expiry_thresholds_are_parameters_of_the_checklist, *with_nginx) {
    Pki pki;
    auto days45 = pki.leaf({.not_after_days = 45});
    pft::Nginx nginx({pki.site(days45)});
    auto r = preflight_run(
        pki.dir, "thresholds",
        base_args(pki) + host("console", nginx.port(0)) +
            std::vector<std::string>{"--set", "expiry_warn=30", "--set", "expiry_fail=14"});
    verdict_everywhere(*r, "served.console", "pass");
    BOOST_TEST(r->proc.exit_code == 0, r->proc.out);
}

BOOST_AUTO_TEST_SUITE_END()
