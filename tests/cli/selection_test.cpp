// --only/--skip, --max-time, --report-dir and `list CHECKLIST` as an admin
// (or a scheduler) calls them. Everything here stays on loopback.
#include "support/processes.hpp"
#include <algorithm>
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

std::string check(const std::string& id, const std::string& probe) {
    return "<check id=\"" + id + "\" title=\"Title of " + id + "\" severity=\"required\">" + probe +
           "<requirement>r</requirement><fix>f</fix></check>";
}

// A section "hw" whose check fails (nothing listens on its port) and a
// section "net" whose check passes against the test's own listener.
std::string two_sections(unsigned short open_port, const std::string& timeout = "2") {
    return "<checklist id=\"two\" title=\"Two\" timeout=\"" + timeout +
           "\"><source document=\"test\"/>"
           "<section id=\"hw\" title=\"Hardware\">" +
           check("hw.closed", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" +
                                  std::to_string(pft::unused_port()) + "\"/>") +
           "</section><section id=\"net\" title=\"Network\">" +
           check("net.open", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" +
                                 std::to_string(open_port) + "\"/>") +
           "</section></checklist>";
}

std::map<std::string, json> checks_of(const std::string& json_file) {
    std::map<std::string, json> out;
    auto j = json::parse(pft::read_file(json_file));
    for (const auto& s : j["sections"])
        for (const auto& c : s["checks"])
            out[c["id"].get<std::string>()] = c;
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_selection)

BOOST_AUTO_TEST_CASE(list_checklist_shows_sections_and_check_ids) {
    auto r = preflight({"list", "acc-saas"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out.find("\nnetwork  Network Requirements\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("\n  net.awcm-443  ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("\n  hw.ram  2 GB RAM or more\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("(--service ldap)") != std::string::npos, r.out);
    r = preflight({"list", "no-such-checklist"});
    BOOST_TEST(r.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(skip_a_section_and_the_failure_in_it_is_gone) {
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto list = t.write("two.xml", two_sections(listener.local_endpoint().port()));
    auto all = preflight({"run", "--checklist", list, "--json", t.file("all.json")});
    BOOST_TEST(all.exit_code == 2, all.out);

    auto r = preflight({"run", "--checklist", list, "--skip", "hw", "--json", t.file("r.json")});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    auto c = checks_of(t.file("r.json"));
    BOOST_TEST(c["hw.closed"]["status"] == "skip");
    BOOST_TEST(c["hw.closed"]["reason"] == "not_selected");
    BOOST_TEST(c["net.open"]["status"] == "pass");

    r = preflight(
        {"run", "--checklist", list, "--only", "net.*", "-q", "--json", t.file("q.json")});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    BOOST_TEST(checks_of(t.file("q.json"))["hw.closed"]["reason"] == "not_selected");
    // -q: neither the pass nor the skip is listed, only the summary.
    BOOST_TEST(r.out.find("Title of hw.closed") == std::string::npos, r.out);
    r = preflight({"run", "--checklist", list, "--only", "net.*", "--json", t.file("v.json")});
    BOOST_TEST(r.out.find("Title of hw.closed") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(a_pattern_matching_nothing_stops_before_any_check) {
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto list = t.write("two.xml", two_sections(listener.local_endpoint().port()));
    fs::create_directory(t.file("out"));
    auto r = preflight(
        {"run", "--checklist", list, "--only", "net.*,nte.open", "--report-dir", t.file("out")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--only 'nte.open': matches no check") != std::string::npos, r.err);
    BOOST_TEST(fs::is_empty(t.file("out")));
    // The listener saw no connection: nothing was sent.
    listener.non_blocking(true);
    std::error_code ec;
    asio::ip::tcp::socket s(io);
    listener.accept(s, ec);
    BOOST_TEST((ec == asio::error::would_block), ec.message());

    r = preflight({"run", "--checklist", list, "--skip", "software", "--nagios", "-"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.out.rfind("PREFLIGHT UNKNOWN", 0) == 0, r.out);
    BOOST_TEST(r.out.find("--skip 'software'") != std::string::npos, r.out);
    r = preflight({"run", "--checklist", list, "--only", "net/open"});
    BOOST_TEST(r.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(max_time_is_range_checked) {
    for (std::string bad : {"1", "0", "-5", "nan", "86401", "ten"}) {
        auto r = preflight({"run", "--max-time", bad});
        BOOST_TEST(r.exit_code == 3, bad);
        BOOST_TEST(r.err.find("--max-time") != std::string::npos, bad << ": " << r.err);
    }
}

// A check that would wait 30 s for a TLS handshake that never comes ends
// within the budget; the idle check, which needs 120 s, is skipped saying so.
BOOST_AUTO_TEST_CASE(max_time_bounds_the_whole_run) {
    pft::TempDir t;
    asio::io_context io;
    // Accepts (the kernel does) but never answers.
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = std::to_string(silent.local_endpoint().port());
    auto list = t.write(
        "slow.xml",
        "<checklist id=\"slow\" title=\"Slow\" timeout=\"30\"><source document=\"test\"/>"
        "<section id=\"net\" title=\"Network\">" +
            check("net.tls", "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" + port + "\"/>") +
            check("net.idle",
                  "<probe kind=\"tls_idle\" host=\"127.0.0.1\" port=\"" + port + "\"/>") +
            "</section></checklist>");
    auto r = preflight({"run", "--checklist", list, "--max-time", "4", "--json", t.file("r.json")});
    BOOST_TEST(r.seconds < 6.0, r.seconds);
    BOOST_TEST(r.exit_code == 2, r.out << r.err);
    auto c = checks_of(t.file("r.json"));
    BOOST_TEST(c["net.tls"]["status"] != "pass");
    BOOST_TEST(c["net.tls"]["status"] != "skip");
    BOOST_TEST(c["net.idle"]["status"] == "skip");
    BOOST_TEST(c["net.idle"]["reason"] == "over_time_budget");
    BOOST_TEST(c["net.idle"]["summary"].get<std::string>().find("--max-time 4 ") !=
                   std::string::npos,
               c["net.idle"]["summary"]);
}

BOOST_AUTO_TEST_CASE(report_dir_holds_the_default_reports_named_absolutely) {
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto list = t.write("two.xml", two_sections(listener.local_endpoint().port()));
    fs::create_directory(t.file("reports"));
    // Relative, from another working directory, as a scheduled task has one.
    auto cwd = fs::current_path();
    fs::current_path(t.path());
    auto r = preflight({"run", "--checklist", list, "--only", "net", "--report-dir", "reports",
                        "--prom", t.file("m.prom")});
    fs::current_path(cwd);
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(t.file("reports")))
        names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    BOOST_REQUIRE(names.size() == 2u);
    BOOST_TEST(names[0].find(".html") != std::string::npos, names[0]);
    BOOST_TEST(names[1].find(".junit.xml") != std::string::npos, names[1]);
    // Each printed path is absolute and names the file in the folder.
    for (const char* format : {"html", "junit"}) {
        auto at = r.out.find(std::string(format) + " report: ");
        BOOST_REQUIRE(at != std::string::npos);
        at = r.out.find(": ", at) + 2;
        fs::path printed = r.out.substr(at, r.out.find('\n', at) - at);
        BOOST_TEST(printed.is_absolute(), printed);
        BOOST_TEST(fs::equivalent(printed.parent_path(), t.file("reports")), printed);
        BOOST_TEST(fs::exists(printed), printed);
    }
    BOOST_TEST(fs::exists(t.file("m.prom"))); // named reports are still written where asked
    r = preflight({"run", "--checklist", list, "--report-dir", t.file("missing")});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--report-dir") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
