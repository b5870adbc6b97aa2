// acc-saas as an admin runs it with every integration service enabled, each
// answered by a real server on loopback: exim (SMTP with STARTTLS and a
// service account), slapd (LDAP with StartTLS and a bind), nginx (SCEP,
// ActiveSync, Exchange PowerShell, BES, Domino) and rsyslog. The verdicts
// must agree in all four outputs, the test message must arrive, and no
// service password may appear anywhere. As root, a Samba AD DC in a network
// namespace answers the ADCS and directory checks as Active Directory does.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/preconditions.hpp"
#include "support/report_run.hpp"
#include "support/rsyslog_posix.hpp"
#include "support/samba_posix.hpp"
#include "support/scep_responder_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/slapd_posix.hpp"
#include "support/smtp_server_posix.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>

using pft::contains;
using pft::operator+;
using pft::verdict_everywhere;
using pft::words_everywhere;

namespace {

const std::string smtp_password = "Sm7p-Test-Pw!"; // EximOptions' account
const char* smtp_env = "PF_E2E_SMTP_PASSWORD";
const char* ldap_env = "PF_E2E_LDAP_PASSWORD";

struct Pki {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Services Root"});
    pft::Issued leaf = f.issue(root, {.cn = "services.example.test",
                                      .dns_sans = {"localhost"},
                                      .ip_sans = {"127.0.0.1"},
                                      .ekus = {"serverAuth"}});
    pft::Issued ra = f.issue(root, {.cn = "NDES01-MSCEP-RA"});
    std::string root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    std::string chain_pem = pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf});
    std::string key_pem = pft::CertFactory::write_key(t.file("leaf.key"), leaf);
};

// One nginx for the web integrations, as a single IIS host would serve them.
std::string web_locations(const Pki& p) {
    auto ra_pem = pft::CertFactory::write_pem(p.t.file("ra.pem"), {&p.ra});
    auto bundle = pft::degenerate_pkcs7({p.root_pem, ra_pem}, p.t.file("ca-ra.p7"));
    auto caps = p.t.write("caps.txt", "POSTPKIOperation\r\nSHA-256\r\nAES\r\n");
    return pft::scep_locations("/certsrv/mscep/mscep.dll", caps, "text/plain", bundle,
                               "application/x-x509-ca-ra-cert") +
           "location = /Microsoft-Server-ActiveSync {\n"
           "  add_header WWW-Authenticate \"Negotiate\" always;\n"
           "  add_header WWW-Authenticate \"NTLM\" always;\n"
           "  add_header WWW-Authenticate 'Basic realm=\"mail.example.test\"' always;\n"
           "  return 401;\n}\n"
           "location = /powershell {\n"
           "  add_header WWW-Authenticate \"Negotiate\" always;\n"
           "  return 401;\n}\n";
}

void set_env(const char* name, const std::string& value) {
    setenv(name, value.c_str(), 1);
}

} // namespace

BOOST_AUTO_TEST_SUITE(enterprise_services_end_to_end,
                      *pft::needs_programs({"nginx", "exim", "slapd", "rsyslogd", "openssl"}))

BOOST_AUTO_TEST_CASE(every_service_row_of_acc_saas_runs_its_protocol_probe) {
    pft::NoAmbientProxy no_proxy;
    Pki p;
    pft::Nginx web({{p.chain_pem, p.key_pem, web_locations(p)}});
    pft::Exim exim({.cert_pem = p.leaf.cert_pem(), .key_pem = p.leaf.key_pem()});
    pft::Slapd slapd({.cert_file = p.chain_pem, .key_file = p.key_pem});
    pft::Rsyslog syslog;
    set_env(smtp_env, smtp_password);
    set_env(ldap_env, slapd.user_password());
    auto web_port = std::to_string(web.port());
    const std::string recipient = "postmaster@" + pft::exim_local_domain;

    pft::TempDir out;
    std::vector<std::string> args = {"--checklist",   "acc-saas",
                                     "--trust-store", p.root_pem,
                                     "--service",     "smtp,ldap,scep,exchange,bes,domino,syslog"};
    for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
             {"smtp_host", "127.0.0.1"},
             {"smtp_port", std::to_string(exim.port())},
             {"smtp_starttls", "require"},
             {"smtp_user", "svc"},
             {"smtp_password", "env:" + std::string(smtp_env)},
             {"smtp_from", "acc@" + pft::exim_local_domain},
             {"smtp_to", recipient},
             {"ldap_host", "127.0.0.1"},
             {"ldap_port", std::to_string(slapd.port())},
             {"ldap_security", "starttls"},
             {"ldap_bind_dn", pft::Slapd::user_dn()},
             {"ldap_password", "env:" + std::string(ldap_env)},
             {"ldap_base", "ou=people," + pft::Slapd::suffix()},
             {"scep_host", "127.0.0.1"},
             {"scep_port", web_port},
             {"exchange_host", "127.0.0.1"},
             {"exchange_port", web_port},
             {"bes_host", "127.0.0.1"},
             {"bes_port", web_port},
             {"domino_host", "127.0.0.1"},
             {"domino_port", web_port},
             {"syslog_host", "127.0.0.1"},
             {"syslog_port", std::to_string(syslog.port)}})
        args = args + std::vector<std::string>{"--set", name + "=" + value};
    auto run = pft::preflight_run(out, "services", args);

    for (const auto* id : {"net.smtp", "net.ldap", "net.scep", "net.exchange",
                           "net.exchange-powershell", "net.bes", "net.domino", "net.syslog"})
        verdict_everywhere(*run, id, "pass");
    words_everywhere(*run, "net.ldap", "bound as '" + pft::Slapd::user_dn() + "'");
    words_everywhere(*run, "net.exchange", "offers Negotiate, NTLM, Basic");
    words_everywhere(*run, "net.exchange-powershell", "offers Negotiate");
    words_everywhere(*run, "net.scep", "1 RA certificate(s)");
    // The fixed-port rows (LDAPS 636, Global Catalog) find nothing on loopback.
    verdict_everywhere(*run, "net.ldaps-636", "warn");
    words_everywhere(*run, "net.ldaps-636", "refused: 127.0.0.1 is up");
    // ADCS is not enabled: skipped with the flag that enables it.
    verdict_everywhere(*run, "net.adcs-135", "skip");
    words_everywhere(*run, "net.adcs-135", "--service adcs");

    BOOST_TEST(exim.delivered("preflight"), exim.mailbox());
    BOOST_TEST(syslog.received("preflight connectivity test"));
    for (const auto& secret : {smtp_password, slapd.user_password()}) {
        BOOST_TEST(!contains(run->proc.out + run->proc.err, secret));
        BOOST_TEST(!contains(run->html, secret));
        BOOST_TEST(!contains(run->junit_text, secret));
        BOOST_TEST(!contains(run->json_text, secret));
    }
    unsetenv(smtp_env);
    unsetenv(ldap_env);
}

BOOST_AUTO_TEST_CASE(failures_are_diagnosed_in_every_output) {
    pft::NoAmbientProxy no_proxy;
    Pki p;
    pft::Exim exim({.cert_pem = p.leaf.cert_pem(), .key_pem = p.leaf.key_pem()});
    pft::Slapd slapd({.cert_file = p.chain_pem, .key_file = p.key_pem});
    set_env(smtp_env, "not-the-smtp-password");
    set_env(ldap_env, "not-the-ldap-password");
    pft::TempDir out;
    // No --trust-store: the test root is unknown, so STARTTLS to exim fails
    // before any credential is sent; the LDAP bind on plain LDAP is refused.
    auto run = pft::preflight_run(out, "failures",
                                  {"--checklist", "acc-saas",
                                   "--service",   "smtp,ldap",
                                   "--set",       "smtp_host=127.0.0.1",
                                   "--set",       "smtp_port=" + std::to_string(exim.port()),
                                   "--set",       "smtp_user=svc",
                                   "--set",       "smtp_password=env:" + std::string(smtp_env),
                                   "--set",       "ldap_host=127.0.0.1",
                                   "--set",       "ldap_port=" + std::to_string(slapd.port()),
                                   "--set",       "ldap_bind_dn=" + pft::Slapd::user_dn(),
                                   "--set",       "ldap_password=env:" + std::string(ldap_env),
                                   "--set",       "ldap_allow_plaintext_auth=true"});
    verdict_everywhere(*run, "net.smtp", "fail");
    words_everywhere(*run, "net.smtp", "STARTTLS certificate of 127.0.0.1");
    words_everywhere(*run, "net.smtp", "incomplete chain");
    verdict_everywhere(*run, "net.ldap", "fail");
    words_everywhere(*run, "net.ldap", "LDAP 49");
    BOOST_TEST(run->proc.exit_code == 2);
    for (const auto& secret : {"not-the-smtp-password", "not-the-ldap-password"}) {
        BOOST_TEST(!contains(run->proc.out + run->proc.err, secret));
        BOOST_TEST(!contains(run->html + run->junit_text + run->json_text, secret));
    }
    unsetenv(smtp_env);
    unsetenv(ldap_env);
}

BOOST_AUTO_TEST_CASE(active_directory_answers_the_adcs_and_directory_rows,
                     *pft::needs_root({"samba", "ip"})) {
    pft::SambaDc dc;
    set_env(ldap_env, dc.admin_password());
    pft::TempDir out;
    // preflight runs inside the DC's namespace, where 127.0.0.1 is the DC.
    auto run =
        pft::preflight_run(out, "ad", {"--checklist", "acc-onprem",
                                       "--ca-file",   dc.ca_file(),
                                       "--service",   "adcs,ldap",
                                       "--set",       "adcs_host=127.0.0.1",
                                       "--set",       "ldap_host=127.0.0.1",
                                       "--set",       "ldap_port=636",
                                       "--set",       "ldap_security=ldaps",
                                       "--set",       "ldap_bind_dn=" + dc.admin_upn(),
                                       "--set",       "ldap_password=env:" + std::string(ldap_env),
                                       "--set",       "ldap_base=" + dc.base_dn()},
                           "run", dc.netns().wrap({}));
    verdict_everywhere(*run, "net.ldap", "pass");
    verdict_everywhere(*run, "net.ldap-gc-3268", "pass");
    words_everywhere(*run, "net.ldap-gc-3268", "answers as");
    verdict_everywhere(*run, "net.ldaps-636", "pass");
    // Samba has no certificate authority: ICertPassage is not registered,
    // while the dynamic range answers.
    verdict_everywhere(*run, "net.adcs-135", "fail");
    words_everywhere(*run, "net.adcs-135", "is not registered at the endpoint mapper");
    verdict_everywhere(*run, "net.adcs-dynamic", "pass");
    BOOST_TEST(
        !contains(run->proc.out + run->proc.err + run->html + run->junit_text + run->json_text,
                  dc.admin_password()));
    unsetenv(ldap_env);
}

BOOST_AUTO_TEST_SUITE_END()
