// The JSON report of `preflight run` and `preflight cert` as a script or a
// monitoring system reads it: every report validated by python3-jsonschema
// against the schema `preflight schema report` prints, for a passing, a
// warning, a failing and an interrupted run; and what changed since the
// previous run (--baseline, --history, --fail-on new). Loopback only.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/served_pki_posix.hpp"
#include "support/servers_posix.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

const std::string schema_file =
    std::string(PREFLIGHT_SOURCE_DIR) + "/reports/schema/report.schema.json";
const std::string validator = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/schemas/validate_json.py";

std::string one_check(const std::string& severity, const std::string& probe,
                      const std::string& timeout = "3") {
    return "<checklist id=\"health\" title=\"Health\" timeout=\"" + timeout +
           "\"><source document=\"test\"/><section id=\"net\" title=\"Network\">"
           "<check id=\"net.console\" title=\"Console\" severity=\"" +
           severity + "\">" + probe +
           "<requirement>r</requirement><fix>f</fix></check></section></checklist>";
}

std::string tcp(unsigned short port) {
    return "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + std::to_string(port) + "\"/>";
}

// python3-jsonschema's verdict on the files: "" when all are valid.
std::string schema_errors(const std::vector<std::string>& files) {
    std::vector<std::string> argv{"python3", validator, schema_file};
    argv.insert(argv.end(), files.begin(), files.end());
    auto r = pft::run(argv);
    return r.exit_code == 0 ? "" : r.out + r.err;
}

// A listener the kernel accepts on (a TLS handshake there never gets an
// answer), and a port nothing listens on.
struct Peers {
    asio::io_context io;
    asio::ip::tcp::acceptor listener{io, {asio::ip::make_address("127.0.0.1"), 0}};
    unsigned short open = 0, closed = pft::unused_port();
    pft::TempDir dir;
    Peers() {
        for (const char* v :
             {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"})
            unsetenv(v);
        listener.listen();
        open = listener.local_endpoint().port();
    }
    std::string checklist(const std::string& name, const std::string& xml) const {
        return dir.write(name + ".xml", xml);
    }
    // Whether a connection waits in the listener's backlog.
    bool connection_waiting() {
        listener.non_blocking(true);
        asio::ip::tcp::socket s(io);
        asio::error_code ec;
        listener.accept(s, ec);
        return !ec;
    }
};

std::vector<std::filesystem::path> files_in(const std::string& dir) {
    std::vector<std::filesystem::path> out;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_contract_cli)

BOOST_AUTO_TEST_CASE(every_run_and_cert_report_validates) {
    Peers p;
    std::map<std::string, std::vector<std::string>> runs{
        {"ok", {"--checklist", p.checklist("ok", one_check("required", tcp(p.open)))}},
        {"warning",
         {"--checklist", p.checklist("warning", one_check("recommended", tcp(p.closed)))}},
        {"critical",
         {"--checklist", p.checklist("critical", one_check("required", tcp(p.closed)))}},
        {"interrupted",
         {"--checklist",
          p.checklist("interrupted", one_check("required",
                                               "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" +
                                                   std::to_string(p.open) + "\"/>",
                                               "60"))}}};
    std::map<std::string, int> expected{
        {"ok", 0}, {"warning", 1}, {"critical", 2}, {"interrupted", 3}};
    std::vector<std::string> files;
    for (const auto& [name, args] : runs) {
        std::vector<std::string> argv{PREFLIGHT_BINARY, "run"};
        if (name == "interrupted")
            argv.insert(argv.begin(), {"timeout", "--preserve-status", "-s", "INT", "2"});
        argv.insert(argv.end(), args.begin(), args.end());
        std::string file = p.dir.file(name + ".json");
        argv.insert(argv.end(), {"--json", file});
        auto r = pft::run(argv);
        BOOST_TEST(r.exit_code == expected[name], name << ": " << r.out << r.err);
        files.push_back(file);
        json j = json::parse(pft::read_file(file));
        BOOST_TEST(j["format"] == "preflight-report/1");
        BOOST_TEST(j["exit_code"] == expected[name], name);
        BOOST_TEST(j["run"]["command_line"].back() == file);
        if (name == "interrupted") {
            BOOST_TEST(j["interrupted"] == true);
            BOOST_TEST(j["summary"]["unfinished"] == 1);
            BOOST_TEST(j["sections"][0]["checks"][0]["finished"] == false);
            BOOST_TEST(r.out.find("INTERRUPTED") != std::string::npos, r.out);
        } else {
            BOOST_TEST(j["summary"]["unfinished"] == 0);
            BOOST_TEST(j["sections"][0]["checks"][0]["args"]["port"].is_number_integer());
        }
    }

    pft::CertFactory f;
    auto root = f.root({.cn = "Contract Root"});
    auto leaf = f.issue(root, {.cn = "acc.example.com",
                               .dns_sans = {"acc.example.com"},
                               .not_after_days = 45,
                               .ekus = {"serverAuth"}});
    std::string pem = p.dir.write("leaf.pem", leaf.cert_pem() + root.cert_pem());
    std::string cert_json = p.dir.file("cert.json");
    auto c = pft::run({PREFLIGHT_BINARY, "cert", pem, "--json", cert_json});
    BOOST_TEST(c.exit_code <= 2, c.out << c.err);
    files.push_back(cert_json);
    json cj = json::parse(pft::read_file(cert_json));
    bool saw_leaf = false;
    for (const auto& sec : cj["sections"])
        for (const auto& chk : sec["checks"])
            for (const auto& cert : chk["certificates"])
                if (cert["role"] == "leaf") {
                    saw_leaf = true;
                    BOOST_TEST(cert["days_left"].is_number_integer());
                    BOOST_TEST((cert["days_left"] == 44 || cert["days_left"] == 45));
                }
    BOOST_TEST(saw_leaf);
    BOOST_TEST(schema_errors(files) == "");
}

// --json -: the report alone on standard output; the console goes to
// standard error, where a person running `| jq` still sees it.
BOOST_AUTO_TEST_CASE(json_on_stdout_console_on_stderr) {
    Peers p;
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist",
                       p.checklist("c", one_check("required", tcp(p.closed))), "--json", "-"});
    BOOST_TEST(r.exit_code == 2, r.err);
    json j = json::parse(r.out); // throws, failing the test, on anything else there
    BOOST_TEST(j["summary"]["fail"] == 1);
    BOOST_TEST(r.err.find("Summary: 0 passed") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("FAIL") != std::string::npos, r.err);
}

// The command line is in the report as given: a secret there is its source.
BOOST_AUTO_TEST_CASE(command_line_shows_secrets_as_their_source) {
    Peers p;
    setenv("PF_CONTRACT_PROXY_PW", "hunter2-contract", 1);
    std::string file = p.dir.file("r.json");
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist",
                       p.checklist("c", one_check("required", tcp(p.closed))), "--proxy",
                       "http://ops@127.0.0.1:" + std::to_string(p.closed), "--proxy-password",
                       "env:PF_CONTRACT_PROXY_PW", "--users", "2000", "--json", file});
    unsetenv("PF_CONTRACT_PROXY_PW");
    BOOST_TEST(r.exit_code <= 2, r.out << r.err);
    std::string text = pft::read_file(file);
    BOOST_TEST(text.find("hunter2-contract") == std::string::npos);
    json j = json::parse(text);
    auto argv = j["run"]["command_line"].get<std::vector<std::string>>();
    BOOST_TEST((std::find(argv.begin(), argv.end(), "env:PF_CONTRACT_PROXY_PW") != argv.end()));
    BOOST_TEST(j["run"]["users"] == 2000);
    BOOST_TEST(schema_errors({file}) == "");
}

BOOST_AUTO_TEST_CASE(schema_command_prints_the_repository_schema) {
    auto r = pft::run({PREFLIGHT_BINARY, "schema", "report"});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out == pft::read_file(schema_file));
    auto bad = pft::run({PREFLIGHT_BINARY, "schema", "html"});
    BOOST_TEST(bad.exit_code == 3);
    BOOST_TEST(bad.err.find("schema html: no such schema (known: report)") != std::string::npos,
               bad.err);
}

// A bad previous report is the user's input: exit 3 naming the file and
// field, and the check never connects.
BOOST_AUTO_TEST_CASE(bad_baseline_exits_3_before_anything_is_sent) {
    Peers p;
    std::string list = p.checklist("c", one_check("required", tcp(p.open)));
    std::map<std::string, std::string> cases{
        {p.dir.write("junk.json", "{\"format\": \"preflight-facts/1\"}"),
         "junk.json: field 'format': expected \"preflight-report/1\""},
        {p.dir.write("text.json", "nightly run"), "text.json: not a JSON report of preflight"},
        {p.dir.file("missing.json"), "missing.json"}};
    for (const auto& [file, says] : cases) {
        auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--baseline", file});
        BOOST_TEST(r.exit_code == 3, file << ": " << r.out << r.err);
        BOOST_TEST(r.err.find(says) != std::string::npos, r.err);
        BOOST_TEST(!p.connection_waiting(), file);
    }
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--fail-on", "new"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("--fail-on new: needs --baseline FILE or --history DIR") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(!p.connection_waiting());
}

// Three scheduled runs: passing, then failing (a new failure: exit 2 with
// --fail-on new, and said by Nagios and Prometheus), then failing again
// (nothing new: exit 0). --history-keep 2 keeps the last two reports.
BOOST_AUTO_TEST_CASE(history_says_what_changed_and_fail_on_new_decides) {
    Peers p;
    std::string history = p.dir.file("history");
    std::string up = p.checklist("up", one_check("required", tcp(p.open)));
    std::string down = p.checklist("down", one_check("required", tcp(p.closed)));
    auto scheduled = [&](const std::string& list, std::vector<std::string> extra) {
        std::vector<std::string> argv{PREFLIGHT_BINARY, "run",   "--checklist",    list,
                                      "--history",      history, "--history-keep", "2",
                                      "--fail-on",      "new"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        return pft::run(argv);
    };

    auto first = scheduled(up, {"--json", p.dir.file("first.json")});
    BOOST_TEST(first.exit_code == 0, first.out << first.err);
    BOOST_TEST(files_in(history).size() == 1u);

    std::string prom = p.dir.file("second.prom");
    auto second = scheduled(down, {"--nagios", "-", "--prom", prom});
    BOOST_TEST(second.exit_code == 2, second.out << second.err);
    BOOST_TEST(second.out.find("new_failures=1;;0;0") != std::string::npos, second.out);
    BOOST_TEST(second.out.rfind("PREFLIGHT CRITICAL - 1 new since the last run, 1 failed (", 0) ==
                   0u,
               second.out);
    std::string metrics = pft::read_file(prom);
    BOOST_TEST(metrics.find("\npreflight_run_new_failures{checklist=\"health\"} 1\n") !=
                   std::string::npos,
               metrics);
    auto promtool = pft::run({"sh", "-c", "promtool check metrics < " + prom});
    BOOST_TEST(promtool.exit_code == 0, promtool.out << promtool.err);
    auto kept = files_in(history);
    BOOST_TEST_REQUIRE(kept.size() == 2u);
    json j = json::parse(pft::read_file(kept.back().string()));
    BOOST_TEST(j["changes"]["new_failures"] == 1);
    BOOST_TEST(j["changes"]["baseline"] == kept.front().string());
    BOOST_TEST(j["changes"]["items"][0]["check"] == "net.console");
    BOOST_TEST(j["changes"]["items"][0]["kind"] == "new_failure");
    BOOST_TEST(j["run"]["fail_on"] == "new");

    auto third = scheduled(down, {});
    BOOST_TEST(third.exit_code == 0, third.out << third.err);
    auto plugin = scheduled(down, {"--nagios", "-"});
    BOOST_TEST(plugin.exit_code == 0, plugin.out << plugin.err);
    BOOST_TEST(plugin.out.rfind("PREFLIGHT OK - nothing new failed, 1 failed (", 0) == 0u,
               plugin.out);
    BOOST_TEST(third.out.find("0 new failures, nothing changed") != std::string::npos, third.out);
    BOOST_TEST(files_in(history).size() == 2u); // the oldest went
    std::vector<std::string> all;
    for (const auto& f : files_in(history))
        all.push_back(f.string());
    all.push_back(p.dir.file("first.json"));
    BOOST_TEST(schema_errors(all) == "");

    // --baseline names the file to compare with: the last (failing) run.
    auto recovered = pft::run({PREFLIGHT_BINARY, "run", "--checklist", up, "--baseline",
                               files_in(history).back().string()});
    BOOST_TEST(recovered.exit_code == 0, recovered.out << recovered.err);
    BOOST_TEST(recovered.out.find("recovered  net.console: fail -> pass") != std::string::npos,
               recovered.out);
}

// The first run into an empty history has nothing to compare with: its
// failures are all new, and the JSON says nothing was compared.
BOOST_AUTO_TEST_CASE(first_history_run_counts_every_failure_as_new) {
    Peers p;
    std::string history = p.dir.file("history"), file = p.dir.file("first.json");
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist",
                       p.checklist("down", one_check("required", tcp(p.closed))), "--history",
                       history, "--fail-on", "new", "--json", file});
    BOOST_TEST(r.exit_code == 2, r.out << r.err);
    BOOST_TEST(json::parse(pft::read_file(file))["changes"].is_null());
    BOOST_TEST(files_in(history).size() == 1u);
}

// nginx serves one certificate, then another that expires within the
// --expiry-warn window: the second run says the certificate changed (its
// SHA-256) and entered the window.
BOOST_AUTO_TEST_CASE(served_certificate_changed_and_entered_the_window,
                     *pft::needs_programs({"nginx"})) {
    Peers p;
    pft::ServedPki pki;
    std::string history = p.dir.file("history");
    auto served = [&](const pft::Issued& leaf, const std::string& name) {
        pft::Nginx nginx({pki.site(leaf)});
        std::string list = p.checklist(
            name, one_check("required", "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" +
                                            std::to_string(nginx.port()) + "\"/>"));
        return pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--trust-store",
                         pki.root_pem, "--public-roots", pki.root_pem, "--history", history});
    };
    auto year = pki.leaf();
    auto days45 = pki.leaf({.not_after_days = 45});
    auto first = served(year, "year");
    BOOST_TEST(first.exit_code == 0, first.out << first.err);
    auto second = served(days45, "days45");
    BOOST_TEST(second.exit_code == 1, second.out << second.err);
    auto reports = files_in(history);
    BOOST_TEST_REQUIRE(reports.size() == 2u);
    json j = json::parse(pft::read_file(reports.back().string()));
    std::map<std::string, json> by_kind;
    for (const auto& item : j["changes"]["items"])
        by_kind[item["kind"]] = item;
    BOOST_TEST(by_kind.count("certificate_changed") == 1u, j["changes"].dump());
    BOOST_TEST(by_kind["certificate_changed"]["after"] ==
               j["sections"][0]["checks"][0]["certificates"][0]["sha256"]);
    BOOST_TEST(by_kind.count("expiry_window") == 1u, j["changes"].dump());
    BOOST_TEST(
        (by_kind["expiry_window"]["after"] == "44" || by_kind["expiry_window"]["after"] == "45"));
    BOOST_TEST(by_kind["status_changed"]["before"] == "pass");
    BOOST_TEST(by_kind["status_changed"]["after"] == "warn");
    BOOST_TEST(second.out.find("certificate_changed  net.console") != std::string::npos,
               second.out);
    BOOST_TEST(schema_errors({reports.front().string(), reports.back().string()}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
