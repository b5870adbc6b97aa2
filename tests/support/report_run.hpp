#pragma once
// `preflight run` (or any subcommand writing reports) as an admin runs it,
// with every report written and read back: the verdict of a check in the
// console, HTML, JUnit (validated against Jenkins' schema with xmllint) and
// JSON (validated against reports/schema/report.schema.json) outputs. For tests/cli, whose
// executables define PREFLIGHT_BINARY, XMLLINT and JUNIT_XSD.
#include "reports/html.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace pft {

using json = nlohmann::json;

// The proxy settings of the machine running the tests must not route these
// loopback runs (the binary reads HTTPS_PROXY and NO_PROXY when --proxy is
// not given); every case sets its own proxy on the command line.
struct NoAmbientProxy {
    NoAmbientProxy() {
        for (const char* v :
             {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"})
            unsetenv(v);
    }
};

// One `preflight run` with every report written, parsed, and the JUnit file
// validated against Jenkins' schema.
struct Run {
    pft::CommandResult proc;
    std::string html, junit_text, json_text;
    json j;
    pugi::xml_document junit;
    std::map<std::string, json> checks; // JSON checks by id

    const json& check(const std::string& id) const {
        static const json none = json::object();
        auto it = checks.find(id);
        return it == checks.end() ? none : it->second;
    }
    std::string summary(const std::string& id) const {
        const json& c = check(id);
        return c.contains("summary") ? c["summary"].get<std::string>() : "";
    }
    std::string alert(const std::string& id) const {
        const json& c = check(id);
        return c.contains("alert") && c["alert"].is_string() ? c["alert"].get<std::string>() : "";
    }
    std::string status(const std::string& id) const {
        const json& c = check(id);
        return c.contains("status") ? c["status"].get<std::string>() : "(no such check)";
    }

    // The console line of a check ("FAIL  net.awcm-443  title: summary (N ms)")
    // and its ALERT line when it has one.
    std::string console(const std::string& id) const {
        std::istringstream in(proc.out);
        std::string line, found;
        while (std::getline(in, line)) {
            if (!found.empty()) {
                if (line.rfind("      ALERT ", 0) == 0) found += "\n" + line;
                return found;
            }
            if (line.size() > 6 && line.compare(6, id.size() + 2, id + "  ") == 0) found = line;
        }
        return found;
    }
    std::string console_verdict(const std::string& id) const {
        auto line = console(id);
        return line.substr(0, line.find(' '));
    }

    // The HTML table row of a check, from <tr …> to </tr>.
    std::string html_row(const std::string& id) const {
        auto at = html.find("<td class=\"id\">" + pf::html_escape(id) + "</td>");
        if (at == std::string::npos) return "";
        auto begin = html.rfind("<tr ", at);
        auto end = html.find("</tr>", at);
        return html.substr(begin, end - begin);
    }
    std::string html_verdict(const std::string& id) const {
        static const std::regex verdict(R"(<td class="verdict">([A-Z]+)</td>)");
        std::smatch m;
        auto row = html_row(id);
        return std::regex_search(row, m, verdict) ? m[1].str() : "";
    }

    // The JUnit testcase "<id>: <title>".
    pugi::xml_node junit_case(const std::string& id) const {
        for (auto s : junit.child("testsuites").children("testsuite"))
            for (auto tc : s.children("testcase"))
                if (tc.attribute("name").value() == id) return tc;
        return {};
    }
    // passed / warning / failed / error / skipped, as a CI server shows it.
    std::string junit_verdict(const std::string& id) const {
        auto tc = junit_case(id);
        if (!tc) return "(no such testcase)";
        if (tc.child("failure")) return "failed";
        if (tc.child("error")) return "error";
        // A warning is a skip whose message says so (--junit-warn skip, the default).
        if (auto s = tc.child("skipped"))
            return std::string(s.attribute("message").value()).rfind("warning: ", 0) == 0
                       ? "warning"
                       : "skipped";
        return "passed";
    }
    // The text CI shows for a testcase: the failure message and body, or the
    // system-out of a passing or warning one.
    std::string junit_details(const std::string& id) const {
        auto tc = junit_case(id);
        std::string t;
        for (auto n : tc.children()) {
            t += n.attribute("message").value();
            t += "\n";
            t += n.child_value();
        }
        return t;
    }
};

// Runs `preflight run ARGS` writing the HTML, JUnit and JSON reports into dir
// (named after tag, so several runs can share a directory); command replaces
// "run" for other subcommands; prefix runs it through another program, such
// as `ip netns exec NAME`.
inline std::unique_ptr<Run> preflight_run(const pft::TempDir& dir, const std::string& tag,
                                          std::vector<std::string> args,
                                          const std::string& command = "run",
                                          const std::vector<std::string>& prefix = {}) {
    auto run = std::make_unique<Run>();
    auto html = dir.file(tag + ".html"), xml = dir.file(tag + ".junit.xml"),
         js = dir.file(tag + ".json");
    std::vector<std::string> argv = {PREFLIGHT_BINARY, command, "--html", html,
                                     "--junit",        xml,     "--json", js};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.begin(), prefix.begin(), prefix.end());
    run->proc = pft::run(argv);
    run->html = pft::read_file(html);
    run->junit_text = pft::read_file(xml);
    run->json_text = pft::read_file(js);
    BOOST_TEST_INFO("preflight " << command << " (" << tag << "): " << run->proc.err);
    BOOST_TEST_REQUIRE(!run->json_text.empty());
    run->j = json::parse(run->json_text);
    for (const auto& s : run->j["sections"])
        for (const auto& c : s["checks"])
            run->checks[c["id"].get<std::string>()] = c;
    BOOST_TEST(run->junit.load_string(run->junit_text.c_str()));
    auto xsd = pft::run({XMLLINT, "--noout", "--schema", JUNIT_XSD, xml});
    BOOST_TEST(xsd.exit_code == 0, tag << ": " << xsd.err);
    // And the JSON against its contract, with python3-jsonschema.
    const std::string src = PREFLIGHT_SOURCE_DIR;
    auto schema = pft::run({"python3", src + "/tests/schemas/validate_json.py",
                            src + "/reports/schema/report.schema.json", js});
    BOOST_TEST(schema.exit_code == 0, tag << ": " << schema.out << schema.err);
    // The process and the JSON agree on the Nagios code.
    BOOST_TEST(run->j["exit_code"].get<int>() == run->proc.exit_code, tag);
    return run;
}

// The same verdict in all four outputs.
inline void verdict_everywhere(const Run& r, const std::string& id, const std::string& status) {
    static const std::map<std::string, std::pair<std::string, std::string>> names = {
        {"pass", {"PASS", "passed"}},
        {"warn", {"WARN", "warning"}},
        {"fail", {"FAIL", "failed"}},
        {"skip", {"SKIP", "skipped"}},
        {"error", {"ERROR", "error"}}};
    const auto& [tag, junit] = names.at(status);
    BOOST_TEST(r.status(id) == status, id << ": " << r.summary(id));
    BOOST_TEST(r.console_verdict(id) == tag, id << ": " << r.console(id));
    BOOST_TEST(r.html_verdict(id) == tag, id);
    BOOST_TEST(r.junit_verdict(id) == junit, id << ": " << r.junit_details(id));
}

// Words of a diagnosis as each output shows them: the JSON summary or alert,
// the console line, the HTML row (escaped), the JUnit text.
inline void words_everywhere(const Run& r, const std::string& id, const std::string& words) {
    BOOST_TEST((pft::contains(r.summary(id), words) || pft::contains(r.alert(id), words)),
               id << " JSON lacks '" << words << "': " << r.summary(id) << " | " << r.alert(id));
    BOOST_TEST(pft::contains(r.console(id), words), id << " console lacks '" << words << "'");
    BOOST_TEST(pft::contains(r.html_row(id), pf::html_escape(words)),
               id << " HTML lacks '" << words << "'");
    BOOST_TEST(pft::contains(r.junit_details(id), words), id << " JUnit lacks '" << words << "'");
}

inline std::vector<std::string> operator+(std::vector<std::string> a,
                                          const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace pft
