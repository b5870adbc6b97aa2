// The preflight binary as an admin runs it: subcommands, exit codes, report
// files, bad input. Everything here stays on loopback.
#include "support/netns.hpp"
#include "support/preconditions.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <thread>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

std::string one_check_list(const std::string& probe, const std::string& severity = "required",
                           const std::string& timeout = "2") {
    return "<checklist id=\"one\" title=\"One\" timeout=\"" + timeout +
           "\"><source document=\"test\"/><section id=\"s\" title=\"S\">"
           "<check id=\"c\" title=\"C\" severity=\"" +
           severity + "\">" + probe +
           "<requirement>r</requirement><fix>f</fix></check></section></checklist>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli)

BOOST_AUTO_TEST_CASE(every_subcommand_has_help) {
    for (auto sub : {"run", "cert", "list", "explain"}) {
        auto r = preflight({sub, "--help"});
        BOOST_TEST(r.exit_code == 0, sub);
        BOOST_TEST(r.out.find("Usage") != std::string::npos, sub << ": " << r.out);
    }
    auto r = preflight({"run", "--help"});
    for (auto flag : {"--checklist", "--site", "--set", "--service", "--users", "--servers",
                      "--timeout", "--jobs", "--html", "--junit", "--json", "--quiet"})
        BOOST_TEST(r.out.find(flag) != std::string::npos, flag);
}

BOOST_AUTO_TEST_CASE(list_shows_the_builtin_checklists) {
    auto r = preflight({"list"});
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("acc-saas  ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("acc-onprem  ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("uem-cert-renewal  ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("eas-cert-auth  ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("Prerequisites for ACC Connectivity in SaaS Environments") !=
               std::string::npos);
    auto p = preflight({"list", "--probes"});
    BOOST_TEST(p.out.find("tcp  ") != std::string::npos, p.out);
    BOOST_TEST(p.out.find("sample (integer, default 8)") != std::string::npos, p.out);
    BOOST_TEST(p.out.find("cert-file  ") != std::string::npos, p.out);
}

BOOST_AUTO_TEST_CASE(explain_gives_the_guides_words_and_the_fix) {
    auto r = preflight({"explain", "net.awcm-443"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("AWCM on TCP 443 presents a trusted certificate") != std::string::npos,
               r.out);
    BOOST_TEST(r.out.find("ensure there is no certificate trust error") != std::string::npos);
    BOOST_TEST(r.out.find("fix:") != std::string::npos);
    BOOST_TEST(r.out.find("--set awcm_host=") != std::string::npos, r.out);
    auto missing = preflight({"explain", "net.nothing"});
    BOOST_TEST(missing.exit_code == 3);
    BOOST_TEST(missing.err.find("no check with that id") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(default_run_writes_html_and_junit_named_for_host_and_time) {
    pft::TempDir t;
    auto cwd = fs::current_path();
    fs::current_path(t.path());
    auto r = preflight({"run", "--quiet"});
    fs::current_path(cwd);
    BOOST_TEST((r.exit_code == 1 || r.exit_code == 2),
               r.out << r.err); // not Windows Server: sw.os fails
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(t.path()))
        names.push_back(e.path().filename().string());
    BOOST_REQUIRE(names.size() == 2u);
    std::sort(names.begin(), names.end());
    BOOST_TEST(names[0].rfind("preflight-", 0) == 0u);
    BOOST_TEST(names[0].size() > 5);
    BOOST_TEST(names[0].substr(names[0].size() - 5) == ".html");
    BOOST_TEST(names[1].substr(names[1].size() - 10) == ".junit.xml");
    BOOST_TEST(r.out.find("html report: " + names[0]) != std::string::npos, r.out);
    BOOST_TEST(r.out.find("junit report: " + names[1]) != std::string::npos);
    // Nothing configured means the network checks say which flag to give.
    auto html = pft::read_file(t.file(names[0]));
    BOOST_TEST(html.find("--set awcm_host=") != std::string::npos);
    BOOST_TEST(html.find("net.adcs-dynamic") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(acc_saas_reports_validate_and_agree) {
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = std::to_string(listener.local_endpoint().port());
    auto r = preflight({"run",
                        "--set",
                        "awcm_host=127.0.0.1",
                        "--set",
                        "console_host=127.0.0.1",
                        "--set",
                        "ldap_host=127.0.0.1",
                        "--set",
                        "ldap_port=" + port,
                        "--service",
                        "ldap",
                        "--users",
                        "20000",
                        "--timeout",
                        "1",
                        "--html",
                        t.file("r.html"),
                        "--junit",
                        t.file("r.xml"),
                        "--json",
                        t.file("r.json")});
    BOOST_TEST(r.exit_code == 2);
    auto xsd = pft::run({XMLLINT, "--noout", "--schema", JUNIT_XSD, t.file("r.xml")});
    BOOST_TEST(xsd.exit_code == 0, xsd.err);
    auto j = json::parse(pft::read_file(t.file("r.json")));
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_file(t.file("r.xml").c_str()));
    std::size_t tests = 0, skipped = 0;
    for (auto s : doc.child("testsuites").children("testsuite")) {
        tests += s.attribute("tests").as_uint();
        skipped += s.attribute("skipped").as_uint();
    }
    BOOST_TEST(tests == j["summary"]["total"].get<std::size_t>());
    BOOST_TEST(skipped == j["summary"]["skip"].get<std::size_t>());
    std::map<std::string, json> byid;
    for (const auto& s : j["sections"])
        for (const auto& c : s["checks"])
            byid[c["id"]] = c;
    // The listener accepts but never speaks LDAP: the ldap probe says so.
    BOOST_TEST(byid["net.ldap"]["status"] == "fail", byid["net.ldap"]["summary"]);
    BOOST_TEST(pft::contains(byid["net.ldap"]["summary"].get<std::string>(),
                             "accepted the TCP connection but did not answer an LDAP request"),
               byid["net.ldap"]["summary"]);
    BOOST_TEST(
        byid["net.awcm-443"]["summary"].get<std::string>().find("refused: 127.0.0.1 is up") == 0u,
        byid["net.awcm-443"]["summary"]);
    BOOST_TEST(byid["net.awcm-status"]["summary"].get<std::string>().find(
                   "refused: 127.0.0.1 is up") == 0u,
               byid["net.awcm-status"]["summary"]);
    // Sizing ran: 20,000 users on a single planned server is too few.
    BOOST_TEST(byid["sizing.band"]["status"] == "fail", byid["sizing.band"]["summary"]);
    BOOST_TEST(byid["net.smtp"]["status"] == "skip");
    auto html = pft::read_file(t.file("r.html"));
    for (const auto& [id, c] : byid)
        BOOST_TEST(html.find(id) != std::string::npos, id);
}

BOOST_AUTO_TEST_CASE(exit_codes_follow_nagios) {
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto open = std::to_string(listener.local_endpoint().port());
    auto closed = std::to_string(pft::unused_port());
    auto probe = [](const std::string& port) {
        return "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + port + "\"/>";
    };
    auto pass = t.write("pass.xml", one_check_list(probe(open)));
    auto warn = t.write("warn.xml", one_check_list(probe(closed), "recommended"));
    auto fail = t.write("fail.xml", one_check_list(probe(closed)));
    auto bad = t.write("bad.xml",
                       one_check_list("<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"70000\"/>"));
    auto out = t.file("r.json");
    BOOST_TEST(preflight({"run", "--checklist", pass, "--json", out}).exit_code == 0);
    BOOST_TEST(preflight({"run", "--checklist", warn, "--json", out}).exit_code == 1);
    BOOST_TEST(preflight({"run", "--checklist", fail, "--json", out}).exit_code == 2);
    auto r = preflight({"run", "--checklist", bad, "--json", out});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find(bad + ":1:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("port='70000'") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(bad_command_line_values_exit_3_naming_the_flag) {
    auto r =
        preflight({"run", "--set", "awcm_host=https://awcm274.awmdm.com", "--json", "/dev/null"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--set awcm_host: 'https://awcm274.awmdm.com' is not valid") !=
                   std::string::npos,
               r.err);
    r = preflight({"run", "--service", "fax", "--json", "/dev/null"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("has no service 'fax'") != std::string::npos, r.err);
    r = preflight({"run", "--checklist", "acc-nothing"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("no built-in checklist") != std::string::npos, r.err);
    r = preflight({"run", "--jobs", "zero"});
    BOOST_TEST(r.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(site_file_sets_services_and_hosts) {
    pft::TempDir t;
    auto site =
        t.write("site.xml", "<site users=\"5000\" servers=\"1\">\n  <service id=\"smtp\"/>\n"
                            "  <param name=\"smtp_host\" value=\"127.0.0.1\"/>\n"
                            "  <param name=\"smtp_port\" value=\"" +
                                std::to_string(pft::unused_port()) + "\"/>\n</site>\n");
    auto r = preflight({"run", "--site", site, "--json", t.file("r.json")});
    auto j = json::parse(pft::read_file(t.file("r.json")));
    BOOST_TEST(j["services"] == json::array({"smtp"}));
    for (const auto& s : j["sections"])
        for (const auto& c : s["checks"]) {
            if (c["id"] == "net.smtp")
                BOOST_TEST(c["summary"].get<std::string>().find("refused") == 0u);
            if (c["id"] == "sizing.band") BOOST_TEST(c["status"] != "skip");
        }
}

BOOST_AUTO_TEST_CASE(ctrl_c_still_writes_reports_marked_interrupted,
                     *pft::needs_root({"ip", "nft"})) {
    // A port dropped by nftables in a namespace keeps the check waiting for
    // its 30 s deadline; Ctrl-C must end the run at once, with reports.
    pft::NetNamespace ns;
    ns.sh("nft add table inet t && nft add chain inet t in '{ type filter hook input priority 0; "
          "}' && "
          "nft add rule inet t in tcp dport 40000 drop");
    pft::TempDir t;
    auto list = t.write("slow.xml",
                        one_check_list("<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"40000\"/>",
                                       "required", "30"));
    pft::Background run(
        ns.wrap({PREFLIGHT_BINARY, "run", "--checklist", list, "--json", t.file("r.json"),
                 "--junit", t.file("r.xml"), "--html", t.file("r.html")}),
        t.file("out.log"));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto t0 = std::chrono::steady_clock::now();
    kill(run.pid(), SIGINT);
    int code = run.wait();
    BOOST_TEST(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 2.0);
    BOOST_TEST(code == 3, pft::read_file(t.file("out.log")));
    auto j = json::parse(pft::read_file(t.file("r.json")));
    BOOST_TEST(j["interrupted"] == true);
    BOOST_TEST(j["sections"][0]["checks"][0]["summary"].get<std::string>().find("interrupted") ==
               0u);
    BOOST_TEST(pft::read_file(t.file("r.html")).find("INTERRUPTED") != std::string::npos);
    BOOST_TEST(pft::run({XMLLINT, "--noout", "--schema", JUNIT_XSD, t.file("r.xml")}).exit_code ==
               0);
}

BOOST_AUTO_TEST_SUITE_END()
