// BES and Lotus Domino (issue 5, item 6) need no probe of their own: the
// http probe's path, expect and body parameters and its TLS diagnosis cover
// them. Shown here against nginx answering as those servers do.
#include "probes/web/http.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using pf::test::run_probe;
using pft::any_contains;
using pft::contains;

namespace {

struct Servers {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued ca = f.root({.cn = "Preflight Domino Test CA"});
    pft::Issued stranger = f.root({.cn = "Unrelated Root"});
    pft::Issued leaf = f.issue(ca, {.cn = "localhost",
                                    .dns_sans = {"localhost"},
                                    .ip_sans = {"127.0.0.1"},
                                    .ekus = {"serverAuth"}});
    std::string ca_pem = pft::CertFactory::write_pem(t.file("ca.pem"), {&ca});
    std::string stranger_pem = pft::CertFactory::write_pem(t.file("stranger.pem"), {&stranger});
    pft::Nginx nginx{{
        // Domino: the login form of names.nsf, and a redirect to it elsewhere.
        {pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf}),
         pft::CertFactory::write_key(t.file("leaf.key"), leaf),
         "location = /names.nsf { default_type text/html; add_header Server "
         "\"Lotus-Domino\" always; return 200 '<html><form method=\"post\" "
         "action=\"/names.nsf?Login\" name=\"_DominoForm\"></form></html>'; }\n"
         "location = /mail/alice.nsf { return 302 /names.nsf?Login; }\n"},
        // BES: the web console answering / on its own port.
        {pft::CertFactory::write_pem(t.file("chain2.pem"), {&leaf}),
         pft::CertFactory::write_key(t.file("leaf2.key"), leaf),
         "location = / { default_type text/html; return 200 '<html><title>BlackBerry "
         "Administration Service</title></html>'; }\n"},
    }};

    std::map<std::string, std::string> at(std::size_t site, const std::string& path) const {
        return {{"host", "127.0.0.1"}, {"port", std::to_string(nginx.port(site))}, {"path", path}};
    }
    RunEnvironment trusting(const std::string& root) const {
        RunEnvironment env;
        env.tls.trust.system_file = root;
        return env;
    }
};

Servers& servers() {
    static Servers s;
    return s;
}

const auto nginx = pft::needs_programs({"nginx"});

} // namespace

BOOST_AUTO_TEST_SUITE(http_probe_for_domino_and_bes)

BOOST_AUTO_TEST_CASE(domino_login_form_with_path_expect_and_body, *nginx) {
    auto args = servers().at(0, "/names.nsf?Login");
    args["expect"] = "200";
    args["body"] = "_DominoForm";
    args["headers"] = "Server";
    auto r = run_probe(http_probe(), servers().trusting(servers().ca_pem), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("200 OK from https://127.0.0.1:" +
                              std::to_string(servers().nginx.port(0)) + "/names.nsf?Login") == 0,
               r.summary);
    BOOST_TEST(contains(r.summary, "the body contains \"_DominoForm\""), r.summary);
    BOOST_TEST(any_contains(r.evidence, "Server: Lotus-Domino"));
}

BOOST_AUTO_TEST_CASE(domino_redirect_against_an_expected_200_fails, *nginx) {
    auto args = servers().at(0, "/mail/alice.nsf");
    args["expect"] = "200";
    auto r = run_probe(http_probe(), servers().trusting(servers().ca_pem), args);
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(r.summary.find("expected 200, got 302") == 0, r.summary);
    BOOST_TEST(contains(r.summary,
                        "redirect to https://127.0.0.1:" + std::to_string(servers().nginx.port(0)) +
                            "/names.nsf?Login not followed"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(domino_with_an_untrusted_certificate_names_the_cause, *nginx) {
    auto r = run_probe(http_probe(), servers().trusting(servers().stranger_pem),
                       servers().at(0, "/names.nsf?Login"));
    BOOST_TEST(r.status == Status::fail, r.summary);
    // Trusting another CA, the server's own is not among the roots: the
    // verdict names the certificate the chain stops at.
    BOOST_TEST(r.summary.find("TLS: incomplete chain: 127.0.0.1 sent only its own certificate "
                              "'localhost', not the intermediate certificate 'CN=Preflight "
                              "Domino Test CA'") == 0,
               r.summary);
    BOOST_TEST((r.reason == Reason::incomplete_chain));
}

BOOST_AUTO_TEST_CASE(bes_console_root_page, *nginx) {
    auto args = servers().at(1, "/");
    args["expect"] = "200-399";
    args["body"] = "BlackBerry";
    auto r = run_probe(http_probe(), servers().trusting(servers().ca_pem), args);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "the body contains \"BlackBerry\""), r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
