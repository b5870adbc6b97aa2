// `preflight run` as a scheduled health check, read by the consumers the
// outputs are for: a Nagios core started here runs preflight as a service
// check and records the state and performance data it understood, and
// promtool (Prometheus) validates the textfile-collector metrics. Each for a
// passing, a warning, a failing and an interrupted run, on loopback only.
#include "support/certs.hpp"
#include "support/nagios_core_posix.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <fcntl.h>
#include <grp.h>
#include <map>
#include <pwd.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace {

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

// The four runs a monitoring system sees: a listener the kernel accepts on
// (pass), a closed port behind a recommended check (warning) and a required
// one (critical), and a TLS handshake with a peer that never answers,
// interrupted by SIGINT the way a scheduler's timeout stops it.
struct HealthRuns {
    asio::io_context io;
    asio::ip::tcp::acceptor listener{io, {asio::ip::make_address("127.0.0.1"), 0}};
    pft::TempDir dir;
    std::map<std::string, std::vector<std::string>> argv; // by the run's name

    HealthRuns() {
        for (const char* v :
             {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"})
            unsetenv(v);
        listener.listen();
        auto open = listener.local_endpoint().port();
        auto closed = pft::unused_port();
        auto lists = std::map<std::string, std::string>{
            {"ok", one_check("required", tcp(open))},
            {"warning", one_check("recommended", tcp(closed))},
            {"critical", one_check("required", tcp(closed))},
            {"interrupted", one_check("required",
                                      "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" +
                                          std::to_string(open) + "\"/>",
                                      "60")}};
        for (const auto& [name, xml] : lists) {
            auto file = dir.write(name + ".xml", xml);
            argv[name] = {PREFLIGHT_BINARY, "run", "--checklist", file};
        }
        argv["interrupted"].insert(argv["interrupted"].begin(),
                                   {"timeout", "--preserve-status", "-s", "INT", "2"});
        argv["bad-input"] = {PREFLIGHT_BINARY, "run", "--checklist", dir.file("missing.xml")};
    }
};

std::string joined(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv)
        s += (s.empty() ? "" : " ") + a;
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(monitoring)

BOOST_AUTO_TEST_CASE(nagios_core_records_state_and_perfdata,
                     *pft::needs_programs({"nagios4", "timeout"})) {
    HealthRuns runs;
    std::map<std::string, std::string> commands;
    for (const auto& [name, argv] : runs.argv)
        commands[name] = joined(argv) + " --nagios -";
    std::string log;
    auto states = pft::checked_once(commands, log);
    BOOST_TEST_INFO("nagios.log:\n" << log);

    const std::map<std::string, std::string> expected_state = {
        {"ok", "0"}, {"warning", "1"}, {"critical", "2"}, {"interrupted", "3"}, {"bad-input", "3"}};
    for (const auto& [name, state] : expected_state) {
        auto& s = states[name];
        BOOST_TEST(s["has_been_checked"] == "1", name);
        BOOST_TEST(s["current_state"] == state, name << ": " << s["plugin_output"]);
    }
    // The core split the status line from its performance data.
    BOOST_TEST(states["ok"]["plugin_output"] == "PREFLIGHT OK - 1 passed");
    BOOST_TEST(states["ok"]["performance_data"].rfind(
                   "failed=0;;0;0 errors=0;;0;0 warnings=0;0;;0 passed=1;;;0 skipped=0;;;0 "
                   "duration=",
                   0) == 0u,
               states["ok"]["performance_data"]);
    BOOST_TEST(states["warning"]["plugin_output"] ==
               "PREFLIGHT WARNING - 1 warning (net.console: refused), 0 passed");
    BOOST_TEST(states["warning"]["performance_data"].find("warnings=1;0;;0") != std::string::npos);
    BOOST_TEST(states["critical"]["plugin_output"] ==
               "PREFLIGHT CRITICAL - 1 failed (net.console: refused), 0 passed");
    BOOST_TEST(states["critical"]["performance_data"].rfind("failed=1;;0;0 ", 0) == 0u);
    // Long output: one line per problem, kept apart from the status line.
    BOOST_TEST(
        states["critical"]["long_plugin_output"].rfind("CRITICAL net.console: refused - ", 0) == 0u,
        states["critical"]["long_plugin_output"]);
    BOOST_TEST(states["interrupted"]["plugin_output"].rfind("PREFLIGHT UNKNOWN - run interrupted",
                                                            0) == 0u,
               states["interrupted"]["plugin_output"]);
    BOOST_TEST(states["interrupted"]["performance_data"].find("errors=1;;0;0") !=
               std::string::npos);
    BOOST_TEST(states["bad-input"]["plugin_output"].rfind("PREFLIGHT UNKNOWN - ", 0) == 0u);
    BOOST_TEST(states["bad-input"]["plugin_output"].find("missing.xml") != std::string::npos,
               states["bad-input"]["plugin_output"]);
}

BOOST_AUTO_TEST_CASE(prometheus_textfile_passes_promtool,
                     *pft::needs_programs({"promtool", "timeout"})) {
    HealthRuns runs;
    const std::map<std::string, std::string> expected_exit = {
        {"ok", "0"}, {"warning", "1"}, {"critical", "2"}, {"interrupted", "3"}};
    for (const auto& [name, code] : expected_exit) {
        auto file = runs.dir.file(name + ".prom");
        auto argv = runs.argv[name];
        argv.insert(argv.end(), {"--prom", file, "--quiet"});
        auto r = pft::run(argv);
        BOOST_TEST(std::to_string(r.exit_code) == code, name << ": " << r.out << r.err);
        auto text = pft::read_file(file);
        BOOST_TEST_REQUIRE(!text.empty(), name);
        BOOST_TEST(text.back() == '\n');
        auto check = pft::run({"sh", "-c", "promtool check metrics < \"$0\"", file});
        BOOST_TEST(check.exit_code == 0, name << ": " << check.out << check.err << "\n" << text);
        BOOST_TEST(text.find("preflight_run_exit_code{checklist=\"health\"} " + code + "\n") !=
                       std::string::npos,
                   text);
        BOOST_TEST(text.find("preflight_check_status{checklist=\"health\",check=\"net.console\","
                             "section=\"net\",severity=\"") != std::string::npos,
                   text);
    }
    auto interrupted = pft::read_file(runs.dir.file("interrupted.prom"));
    BOOST_TEST(interrupted.find("reason=\"interrupted\"} 3\n") != std::string::npos, interrupted);
    auto warning = pft::read_file(runs.dir.file("warning.prom"));
    BOOST_TEST(warning.find("severity=\"recommended\",reason=\"refused\"} 1\n") !=
                   std::string::npos,
               warning);
}

BOOST_AUTO_TEST_CASE(nagios_on_stdout_keeps_the_console_away) {
    HealthRuns runs;
    auto argv = runs.argv["critical"];
    argv.insert(argv.end(), {"--nagios", "-"});
    auto r = pft::run(argv);
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(r.err.empty(), r.err); // Icinga 2 would merge it into the output
    std::istringstream lines(r.out);
    std::string first, second, third;
    std::getline(lines, first);
    std::getline(lines, second);
    BOOST_TEST(
        first.rfind("PREFLIGHT CRITICAL - 1 failed (net.console: refused), 0 passed | ", 0) == 0u,
        r.out);
    BOOST_TEST(second.rfind("CRITICAL net.console: refused - ", 0) == 0u, r.out);
    BOOST_TEST(!std::getline(lines, third), r.out);
}

BOOST_AUTO_TEST_CASE(a_report_that_cannot_be_written_makes_the_plugin_line_unknown) {
    HealthRuns runs;
    auto argv = runs.argv["ok"];
    argv.insert(argv.end(), {"--nagios", "-", "--prom", runs.dir.file("no-such-dir/health.prom")});
    auto r = pft::run(argv);
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.out.rfind("PREFLIGHT UNKNOWN - cannot write ", 0) == 0u, r.out);
    BOOST_TEST(r.out.find("health.prom") != std::string::npos, r.out);
    BOOST_TEST(r.err.empty(), r.err);
}

BOOST_AUTO_TEST_CASE(a_mistyped_option_is_unknown_on_stdout) {
    // As a Nagios command definition with a typo would run it.
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--nagios", "-", "--timeout", "ten"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.out.rfind("PREFLIGHT UNKNOWN - --timeout: ", 0) == 0u, r.out << r.err);
    BOOST_TEST(r.out.find("'ten'") != std::string::npos, r.out);
    BOOST_TEST(r.err.empty(), r.err);
    auto unknown = pft::run({PREFLIGHT_BINARY, "run", "--nagios=-", "--no-such-option"});
    BOOST_TEST(unknown.exit_code == 3);
    BOOST_TEST(unknown.out.rfind("PREFLIGHT UNKNOWN - ", 0) == 0u, unknown.out << unknown.err);
    BOOST_TEST(unknown.out.find("--no-such-option") != std::string::npos, unknown.out);
}

BOOST_AUTO_TEST_CASE(certificate_expiry_reaches_both_consumers,
                     *pft::needs_programs({"promtool"})) {
    // A certificate inside the 60-day window, with a subject that needs
    // escaping as a label value.
    pft::TempDir dir;
    pft::CertFactory factory;
    auto root = factory.root({.cn = "Health Root"});
    auto leaf = factory.issue(root, {.cn = "ACC \"edge\", Inc\\01", .not_after_days = 45});
    auto pem = pft::CertFactory::write_pem(dir.file("leaf.pem"), {&leaf});
    auto ca = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
    auto prom = dir.file("cert.prom");
    auto r =
        pft::run({PREFLIGHT_BINARY, "cert", pem, "--ca-file", ca, "--prom", prom, "--nagios", "-"});
    BOOST_TEST(r.exit_code == 1, r.out << r.err);
    BOOST_TEST(r.out.rfind("PREFLIGHT WARNING - ", 0) == 0u, r.out);
    // Against the default window, as the guidelines' ranges: below 60 warns, below 30 is critical.
    auto perf = r.out.find(" cert_days_left_min=");
    BOOST_TEST_REQUIRE(perf != std::string::npos, r.out);
    auto value = r.out.substr(perf + 20, r.out.find('\n', perf) - perf - 20);
    BOOST_TEST(value.substr(value.find(';')) == ";60:;30:", value);
    double days = std::stod(value);
    BOOST_TEST((days > 44.9 && days <= 45.0), value);

    auto text = pft::read_file(prom);
    auto check = pft::run({"sh", "-c", "promtool check metrics < \"$0\"", prom});
    BOOST_TEST(check.exit_code == 0, check.out << check.err << "\n" << text);
    auto series = text.find("preflight_certificate_expiry_timestamp_seconds{");
    BOOST_TEST_REQUIRE(series != std::string::npos, text);
    auto line = text.substr(series, text.find('\n', series) - series);
    // The subject as OpenSSL writes it (RFC 2253: \" \, \\), escaped once more as a label.
    BOOST_TEST(line.find(R"(check="file1.key",subject="CN=ACC \\\"edge\\\"\\, Inc\\\\01"})") !=
                   std::string::npos,
               line);
    double expires = std::stod(line.substr(line.rfind(' ') + 1));
    double expected = static_cast<double>(time(nullptr)) + 45 * 86400.0;
    BOOST_TEST(std::abs(expires - expected) < 120.0, line);
}

BOOST_AUTO_TEST_SUITE_END()
