// The enterprise web checks end to end: `preflight run` with a checklist of
// scep, activesync (its password from env:), exchange_powershell and a
// Domino http check against nginx on loopback. The verdicts are read from
// the JSON report, and the passwords must appear in none of the outputs.
#include "support/certs.hpp"
#include "support/http_auth.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

using nlohmann::json;
using pft::contains;

namespace {

const std::string good_password = "Staple-Horse-Battery-42";
const std::string bad_password = "Tr0ub4dor-and-3";

struct Site {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued ca = f.root({.cn = "Preflight Enterprise E2E CA"});
    pft::Issued leaf = f.issue(ca, {.cn = "localhost",
                                    .dns_sans = {"localhost"},
                                    .ip_sans = {"127.0.0.1"},
                                    .ekus = {"serverAuth"}});
    pft::Issued ra = f.issue(ca, {.cn = "NDES-RA"});
    std::string ca_pem = pft::CertFactory::write_pem(t.file("ca.pem"), {&ca});
    std::string ra_pem = pft::CertFactory::write_pem(t.file("ra.pem"), {&ra});
    std::string bundle = [this] {
        auto r = pft::run({"openssl", "crl2pkcs7", "-nocrl", "-certfile", ca_pem, "-certfile",
                           ra_pem, "-outform", "DER", "-out", t.file("ca-ra.p7")});
        if (r.exit_code != 0) throw std::runtime_error("openssl crl2pkcs7: " + r.err);
        return t.file("ca-ra.p7");
    }();
    std::string caps = t.write("caps.txt", "POSTPKIOperation\nSHA-256\nAES\n");
    pft::Nginx nginx{{{
        pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf}),
        pft::CertFactory::write_key(t.file("leaf.key"), leaf),
        "location = /certsrv/mscep/mscep.dll/pkiclient.exe {\n"
        "  if ($arg_operation = GetCACaps) { rewrite ^ /caps last; }\n"
        "  rewrite ^ /cert last;\n"
        "}\n"
        "location = /caps { internal; alias " +
            caps +
            "; }\n"
            "location = /cert { internal; types { } default_type "
            "application/x-x509-ca-ra-cert; alias " +
            bundle +
            "; }\n"
            "location = /Microsoft-Server-ActiveSync {\n"
            "  if ($http_authorization = \"" +
            pft::basic_authorization("alice@example.test", good_password) +
            "\") { add_header MS-ASProtocolVersions \"14.1,16.1\" always; return 200; }\n"
            "  add_header WWW-Authenticate \"Negotiate\" always;\n"
            "  add_header WWW-Authenticate 'Basic realm=\"mail.example.test\"' always;\n"
            "  return 401;\n"
            "}\n"
            "location = /powershell { add_header WWW-Authenticate \"Negotiate\" always; "
            "return 401; }\n"
            "location = /names.nsf { default_type text/html; return 200 '<form "
            "action=\"/names.nsf?Login\"></form>'; }\n",
    }}};
    std::string port = std::to_string(nginx.port(0));

    std::string checklist(const std::string& eas_host) const {
        auto check = [](const std::string& id, const std::string& probe) {
            return "    <check id=\"" + id + "\" title=\"" + id +
                   "\" severity=\"required\">\n      " + probe +
                   "\n      <requirement>r</requirement><fix>f</fix>\n    </check>\n";
        };
        return R"(<?xml version="1.0"?>
<checklist id="enterprise" title="Enterprise servers" timeout="5">
  <source document="EAS certificate authentication"/>
  <parameters>
    <param name="eas_password" description="mailbox password"/>
    <param name="wrong_password" description="another password"/>
  </parameters>
  <section id="mail" title="Mail and certificates">
)" + check("scep", "<probe kind=\"scep\" host=\"127.0.0.1\" port=\"" + port + "\"/>") +
               check("eas", "<probe kind=\"activesync\" host=\"" + eas_host + "\" port=\"" + port +
                                "\" user=\"alice@example.test\" "
                                "password=\"${eas_password}\"/>") +
               check("eas-wrong", "<probe kind=\"activesync\" host=\"127.0.0.1\" port=\"" + port +
                                      "\" user=\"alice@example.test\" "
                                      "password=\"${wrong_password}\"/>") +
               check("powershell",
                     "<probe kind=\"exchange_powershell\" host=\"127.0.0.1\" port=\"" + port +
                         "\"/>") +
               check("domino", "<probe kind=\"http\" host=\"127.0.0.1\" port=\"" + port +
                                   "\" path=\"/names.nsf?Login\" expect=\"200\" "
                                   "body=\"names.nsf?Login\"/>") +
               "  </section>\n</checklist>\n";
    }
};

const auto servers = pft::needs_programs({"nginx", "openssl"});

} // namespace

BOOST_AUTO_TEST_SUITE(enterprise_web_checks_end_to_end)

BOOST_AUTO_TEST_CASE(verdicts_in_the_reports_and_no_password_anywhere, *servers) {
    Site site;
    auto list = site.t.write("enterprise.xml", site.checklist("127.0.0.1"));
    setenv("PF_TEST_EAS_PASSWORD", good_password.c_str(), 1);
    setenv("PF_TEST_WRONG_PASSWORD", bad_password.c_str(), 1);
    auto html = site.t.file("r.html"), junit = site.t.file("r.xml"), js = site.t.file("r.json");
    auto proc = pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--trust-store",
                          site.ca_pem, "--set", "eas_password=env:PF_TEST_EAS_PASSWORD", "--set",
                          "wrong_password=env:PF_TEST_WRONG_PASSWORD", "--html", html, "--junit",
                          junit, "--json", js});
    unsetenv("PF_TEST_EAS_PASSWORD");
    unsetenv("PF_TEST_WRONG_PASSWORD");
    BOOST_TEST(proc.exit_code == 2, proc.out << proc.err);
    auto report = pft::read_file(js);
    BOOST_REQUIRE(!report.empty());
    std::map<std::string, json> checks;
    json j = json::parse(report);
    for (const auto& s : j["sections"])
        for (const auto& c : s["checks"])
            checks[c["id"].get<std::string>()] = c;
    auto status = [&](const std::string& id) { return checks[id]["status"].get<std::string>(); };
    auto summary = [&](const std::string& id) { return checks[id]["summary"].get<std::string>(); };
    BOOST_TEST(status("scep") == "pass", summary("scep"));
    BOOST_TEST(contains(summary("scep"), "CA \"Preflight Enterprise E2E CA\" and 1 RA"),
               summary("scep"));
    BOOST_TEST(status("eas") == "pass", summary("eas"));
    BOOST_TEST(contains(summary("eas"), "offers Negotiate, Basic"), summary("eas"));
    BOOST_TEST(contains(summary("eas"), "MS-ASProtocolVersions 14.1,16.1"), summary("eas"));
    // The source stands for the password in every report.
    BOOST_TEST(checks["eas"]["args"]["password"] == "env:PF_TEST_EAS_PASSWORD");
    BOOST_TEST(status("eas-wrong") == "fail", summary("eas-wrong"));
    BOOST_TEST(contains(summary("eas-wrong"), "are rejected (401"), summary("eas-wrong"));
    BOOST_TEST(status("powershell") == "pass", summary("powershell"));
    BOOST_TEST(status("domino") == "pass", summary("domino"));
    for (const auto& [name, text] : {std::pair<std::string, std::string>{"console", proc.out},
                                     {"stderr", proc.err},
                                     {"HTML", pft::read_file(html)},
                                     {"JUnit", pft::read_file(junit)},
                                     {"JSON", report}}) {
        BOOST_TEST(!contains(text, good_password), name << " shows the password");
        BOOST_TEST(!contains(text, bad_password), name << " shows the wrong password");
    }
}

BOOST_AUTO_TEST_CASE(an_activesync_host_with_scheme_and_path_is_refused, *servers) {
    pft::TempDir t;
    Site site;
    auto list =
        t.write("bad.xml", site.checklist("https://mail.example.test/Microsoft-Server-ActiveSync"));
    auto proc =
        pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--set",
                  "eas_password=env:PF_TEST_UNUSED", "--set", "wrong_password=env:PF_TEST_UNUSED"});
    BOOST_TEST(proc.exit_code == 3, proc.out << proc.err);
    BOOST_TEST(contains(proc.err, "without a scheme"), proc.err);
}

BOOST_AUTO_TEST_SUITE_END()
