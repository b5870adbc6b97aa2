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
#include <set>
#include <sstream>
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
    BOOST_TEST(p.out.find("sample (integer 1 to 65535, default 8)") != std::string::npos, p.out);
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
    // Named by their absolute path, to paste into a ticket or a browser.
    const std::string dir = fs::canonical(t.path()).string() + "/";
    BOOST_TEST(r.out.find("html report: " + dir + names[0] + "\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("junit report: " + dir + names[1] + "\n") != std::string::npos);
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
    // A warning is a JUnit skip (--junit-warn skip, the default): CI must not show it as a pass.
    BOOST_TEST(skipped ==
               j["summary"]["skip"].get<std::size_t>() + j["summary"]["warn"].get<std::size_t>());
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

// Every verdict names why, as a code of the documented list: a check that
// returns no reason (or one the list does not hold) fails here, whatever
// its status. Run twice: with nothing enabled (services disabled, values
// missing) and with every service on and the hosts on loopback.
BOOST_AUTO_TEST_CASE(every_check_of_the_default_checklist_has_a_documented_reason) {
    pft::TempDir t;
    std::set<std::string> documented;
    {
        std::istringstream in(preflight({"list", "--reasons"}).out);
        std::string line;
        while (std::getline(in, line))
            documented.insert(line.substr(0, line.find("  ")));
    }
    BOOST_REQUIRE(documented.count("ok"));
    std::vector<std::string> every_service = {"run",
                                              "--set",
                                              "awcm_host=127.0.0.1",
                                              "--set",
                                              "console_host=127.0.0.1",
                                              "--timeout",
                                              "1",
                                              "--service",
                                              "all",
                                              "--json",
                                              t.file("all.json")};
    std::set<std::string> seen;
    for (const auto& args :
         {std::vector<std::string>{"run", "--json", t.file("none.json")}, every_service}) {
        auto r = preflight(args);
        BOOST_TEST_REQUIRE((r.exit_code == 1 || r.exit_code == 2), r.out << r.err);
        auto j = json::parse(pft::read_file(args.back()));
        std::size_t checks = 0;
        for (const auto& s : j["sections"])
            for (const auto& c : s["checks"]) {
                ++checks;
                BOOST_TEST_REQUIRE(c.contains("reason"));
                std::string reason = c["reason"];
                seen.insert(reason);
                BOOST_TEST(reason != "unset", c["id"] << ": " << c["summary"]);
                BOOST_TEST(documented.count(reason) == 1u, c["id"] << ": " << reason);
            }
        BOOST_TEST(checks > 10u);
    }
    // Both runs together meet the planner's skips and real verdicts.
    for (auto r : {"service_disabled", "not_configured", "refused"})
        BOOST_TEST(seen.count(r) == 1u, r);
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

BOOST_AUTO_TEST_SUITE(cli_input)

BOOST_AUTO_TEST_CASE(bad_choices_exit_3_at_load_time_from_the_file_and_from_set) {
    pft::TempDir t;
    auto bad = t.write("bad.xml", one_check_list("<probe kind=\"rpc_epmap\" host=\"127.0.0.1\" "
                                                 "version=\"x\"/>"));
    auto r = preflight({"run", "--checklist", bad, "--json", t.file("r.json")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find(bad + ":1:") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("version='x': expected an interface version major.minor") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(!fs::exists(t.file("r.json"))); // nothing ran
    // The ldap service is not enabled and ldap_host is not given: refused all the same.
    r = preflight({"run", "--set", "ldap_security=ssl", "--json", t.file("r.json")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--set ldap_security: 'ssl' is not valid for security") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("expected none, starttls or ldaps") != std::string::npos, r.err);
    r = preflight({"run", "--set", "bes_expect=2xx", "--json", t.file("r.json")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--set bes_expect: '2xx' is not valid for expect") != std::string::npos,
               r.err);
}

BOOST_AUTO_TEST_CASE(out_of_range_numbers_on_the_command_line_exit_3_naming_the_option) {
    pft::TempDir t;
    auto out = t.file("r.json");
    for (std::vector<std::string> args : {std::vector<std::string>{"--timeout", "nan"},
                                          {"--timeout", "1e10"},
                                          {"--timeout", "0.0000001"},
                                          {"--users", "-5"},
                                          {"--users", "0"},
                                          {"--users", "99999999999999999999"},
                                          {"--idle", "nan"},
                                          {"--servers", "-1"},
                                          {"--jobs", "-3"}}) {
        args.insert(args.begin(), "run");
        args.insert(args.end(), {"--json", out});
        auto r = preflight(args);
        BOOST_TEST(r.exit_code == 3, args[1] << " " << args[2]);
        BOOST_TEST(r.err.find(args[1]) != std::string::npos, r.err);
        BOOST_TEST(!fs::exists(out), args[1] << " " << args[2]);
    }
}

BOOST_AUTO_TEST_CASE(a_facts_number_too_large_for_a_double_names_the_file) {
    pft::TempDir t;
    auto facts = t.write("facts.json", "{\"format\": \"preflight-facts/1\", \"logical_cores\": "
                                       "2e18558}\n");
    auto r = preflight({"run", "--facts", facts, "--json", t.file("r.json")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("preflight: " + facts + ": not valid JSON") == 0, r.err);
    BOOST_TEST(r.err.find("internal error") == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(control_characters_in_errors_do_not_reach_the_terminal) {
    pft::TempDir t;
    std::string name = t.file("evil\x1b]0;pwned\x07\x1b[2J.xml");
    auto r = preflight({"run", "--checklist", name});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find('\x1b') == std::string::npos, r.err);
    BOOST_TEST(r.err.find('\x07') == std::string::npos, r.err);
    BOOST_TEST(r.err.find("evil\\x1b]0;pwned\\x07\\x1b[2J.xml") != std::string::npos, r.err);
    auto bad = t.write("bad.xml", one_check_list("<probe kind=\"tls\" host=\"127.0.0.1\" "
                                                 "via=\"\xc2\x9b"
                                                 "31m\"/>"));
    r = preflight({"run", "--checklist", bad});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("\xc2\x9b") == std::string::npos, r.err);
    BOOST_TEST(r.err.find("via='\\u009b31m'") != std::string::npos, r.err);
}

// checklists/README.md shows `preflight list --probes` verbatim, so the
// documented types, defaults and choices cannot drift from the declarations.
BOOST_AUTO_TEST_CASE(list_reasons_matches_the_checklist_readme) {
    auto r = preflight({"list", "--reasons"});
    BOOST_TEST(r.exit_code == 0);
    auto readme = pft::read_file(std::string(PREFLIGHT_SOURCE_DIR) + "/checklists/README.md");
    const std::string begin = "<!-- BEGIN preflight list --reasons -->\n```text\n";
    const std::string end = "```\n<!-- END preflight list --reasons -->";
    auto b = readme.find(begin);
    auto e = readme.find(end);
    BOOST_REQUIRE(b != std::string::npos);
    BOOST_REQUIRE(e != std::string::npos);
    BOOST_TEST(readme.substr(b + begin.size(), e - b - begin.size()) == r.out);
    BOOST_TEST(r.out.find("\nrefused  ") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(list_probes_matches_the_checklist_readme) {
    auto r = preflight({"list", "--probes"});
    BOOST_TEST(r.exit_code == 0);
    auto readme = pft::read_file(std::string(PREFLIGHT_SOURCE_DIR) + "/checklists/README.md");
    const std::string begin = "<!-- BEGIN preflight list --probes -->\n```text\n";
    const std::string end = "```\n<!-- END preflight list --probes -->";
    auto b = readme.find(begin);
    auto e = readme.find(end);
    BOOST_REQUIRE(b != std::string::npos);
    BOOST_REQUIRE(e != std::string::npos);
    BOOST_TEST(readme.substr(b + begin.size(), e - b - begin.size()) == r.out);
    BOOST_TEST(r.out.find("via (one of auto|direct|proxy, default auto)") != std::string::npos,
               r.out);
    BOOST_TEST(r.out.find("security (one of none|starttls|ldaps, default none)") !=
                   std::string::npos,
               r.out);
}

// User-facing words name documents by their titles, never by the file names
// of the sources they were written from.
BOOST_AUTO_TEST_CASE(no_seed_in_any_checklist_list_or_explanation) {
    auto lower = [](std::string s) {
        for (auto& ch : s)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        return s;
    };
    for (auto args : {std::vector<std::string>{"list"},
                      {"list", "--probes"},
                      {"--help"},
                      {"run", "--help"},
                      {"cert", "--help"}}) {
        auto r = preflight(args);
        BOOST_TEST(lower(r.out + r.err).find("seed") == std::string::npos, args.back());
    }
    int explained = 0;
    for (const auto& entry :
         fs::directory_iterator(std::string(PREFLIGHT_SOURCE_DIR) + "/checklists")) {
        auto text = pft::read_file(entry.path().string());
        BOOST_TEST(lower(text).find("seed") == std::string::npos, entry.path());
        if (entry.path().extension() != ".xml") continue;
        for (auto at = text.find("<check id=\""); at != std::string::npos;
             at = text.find("<check id=\"", at + 1)) {
            auto start = at + 11;
            auto id = text.substr(start, text.find('"', start) - start);
            auto r = preflight({"explain", id});
            BOOST_TEST(r.exit_code == 0, id);
            BOOST_TEST(lower(r.out).find("seed") == std::string::npos, id << ": " << r.out);
            ++explained;
        }
    }
    BOOST_TEST(explained > 50);
}

BOOST_AUTO_TEST_SUITE_END()
