// The JSON report against its own contract: every sample report (passing,
// warning, failing, interrupted, compared with a previous run) validated by
// python3-jsonschema against reports/schema/report.schema.json, and the
// typed fields the schema cannot say precisely enough.
#include "reports/console.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/schema.hpp"
#include "sample_report.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace pf;
using nlohmann::json;
using pf::test::SampleRun;

namespace {

const std::string schema_file =
    std::string(PREFLIGHT_SOURCE_DIR) + "/reports/schema/report.schema.json";
const std::string validator = std::string(PREFLIGHT_SOURCE_DIR) + "/tests/schemas/validate_json.py";

std::string json_text(const RunReport& r) {
    std::ostringstream out;
    write_json(r, out);
    return out.str();
}

// python3-jsonschema's verdict: "" when valid, else its errors.
std::string schema_errors(const std::vector<std::string>& texts) {
    pft::TempDir dir;
    std::vector<std::string> argv{"python3", validator, schema_file};
    for (std::size_t i = 0; i < texts.size(); ++i)
        argv.push_back(dir.write("report" + std::to_string(i) + ".json", texts[i]));
    auto r = pft::run(argv);
    if (r.exit_code == 0) return "";
    return "exit " + std::to_string(r.exit_code) + ": " + r.out + r.err;
}

void add_certificate(CheckResult& r, double days_left, const std::string& sha256) {
    CertificateRow c;
    c.source = "uem.example.com:443 #0";
    c.role = "leaf";
    c.subject = "CN=uem.example.com";
    c.issuer = "CN=Example CA";
    c.not_after = "2027-03-01T00:00:00Z";
    c.days_left = days_left;
    c.sha1_thumbprint = "0123456789ABCDEF0123456789ABCDEF01234567";
    c.sha256 = sha256;
    r.result.certificates.push_back(c);
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_contract)

BOOST_AUTO_TEST_CASE(every_kind_of_run_validates_against_the_schema) {
    std::vector<std::string> texts;
    {
        SampleRun failing; // fail, warn, error and skip verdicts
        add_certificate(failing.report.results[1], 44.7, "AA:BB");
        failing.report.results[1].result.message =
            Message{"connect.refused", {{"host", "uem.example.com"}, {"port", "443"}}};
        failing.report.command_line = {"preflight", "run", "--proxy-password", "env:PROXY_PW"};
        failing.report.users = 5000;
        failing.report.site_file = "site.xml";
        texts.push_back(json_text(failing.report));
    }
    {
        SampleRun interrupted(true);
        texts.push_back(json_text(interrupted.report));
    }
    {
        SampleRun passing;
        for (auto& r : passing.report.results)
            r.status = r.result.status = Status::pass, r.result.reason = Reason::ok;
        passing.report.counts = count(passing.report.results);
        texts.push_back(json_text(passing.report));
    }
    {
        SampleRun compared;
        compared.report.changes = RunChanges{"previous.json", "2027-01-14T08:00:00Z", {}};
        compared.report.changes->changes = {{"net.tcp", ChangeKind::new_failure, "pass", "fail"},
                                            {"net.old", ChangeKind::removed, "pass", ""},
                                            {"net.dns", ChangeKind::added, "", "pass"}};
        texts.push_back(json_text(compared.report));
    }
    BOOST_TEST(schema_errors(texts) == "");
}

// The schema must reject what the contract forbids, or validating proves
// nothing: a days_left that is not whole, a number as text, an unknown field.
BOOST_AUTO_TEST_CASE(schema_rejects_what_the_contract_forbids) {
    SampleRun s;
    add_certificate(s.report.results[1], 10, "AA");
    json good = json::parse(json_text(s.report));
    for (auto breakage :
         {+[](json& j) { j["sections"][0]["checks"][1]["certificates"][0]["days_left"] = 10.5; },
          +[](json& j) { j["summary"]["fail"] = "1"; },
          +[](json& j) { j["format"] = "preflight-report/2"; },
          +[](json& j) { j["sections"][0]["checks"][0]["surprise"] = 1; },
          +[](json& j) {
              j["sections"][0]["checks"][1]["measurements"][0]["name"] = "Connect ms";
          }}) {
        json bad = good;
        breakage(bad);
        BOOST_TEST(schema_errors({bad.dump()}) != "");
    }
    BOOST_TEST(schema_errors({good.dump()}) == "");
}

BOOST_AUTO_TEST_CASE(numbers_are_numbers_text_stays_text) {
    SampleRun s;
    CheckResult& r = s.report.results[1];
    r.args = {{"port", "443"},
              {"timeout", "2.5"},
              {"zip", "0443"},
              {"host", "127.0.0.2"},
              {"big", "12345678901234567890"}};
    r.result.message = Message{"x", {{"days", "-3"}, {"time", "12 ms"}}};
    add_certificate(r, 44.7, "AA");
    add_certificate(r, -0.5, "BB");
    json c = json::parse(json_text(s.report))["sections"][0]["checks"][1];
    BOOST_TEST(c["args"]["port"] == 443);
    BOOST_TEST(c["args"]["timeout"] == 2.5);
    BOOST_TEST(c["args"]["zip"] == "0443");
    BOOST_TEST(c["args"]["host"] == "127.0.0.2");
    BOOST_TEST(c["args"]["big"] == "12345678901234567890");
    BOOST_TEST(c["message"]["key"] == "x");
    BOOST_TEST(c["message"]["args"]["days"] == -3);
    BOOST_TEST(c["message"]["args"]["time"] == "12 ms");
    BOOST_TEST(c["certificates"][0]["days_left"].is_number_integer());
    BOOST_TEST(c["certificates"][0]["days_left"] == 44);
    BOOST_TEST(c["certificates"][1]["days_left"] == -1); // expired half a day ago
}

BOOST_AUTO_TEST_CASE(measurement_names_are_snake_case_with_their_unit) {
    SampleRun s;
    s.report.results[0].result.measurements = {{"first byte", 3, "ms"},
                                               {"CONNECT", 2, "ms"},
                                               {"ports sampled", 8, ""},
                                               {"connect 127.0.0.1", 1, "ms"},
                                               {"certificate days left", 40, "days"}};
    json m = json::parse(json_text(s.report))["sections"][0]["checks"][0]["measurements"];
    std::vector<std::string> names;
    for (const auto& x : m)
        names.push_back(x["name"]);
    BOOST_TEST(
        (names == std::vector<std::string>{"first_byte_ms", "connect_ms", "ports_sampled",
                                           "connect_127_0_0_1_ms", "certificate_days_left_days"}));
    BOOST_TEST(m[0]["label"] == "first byte");
}

BOOST_AUTO_TEST_CASE(interrupted_checks_are_unfinished_as_the_banner_says) {
    SampleRun s(true);
    json j = json::parse(json_text(s.report));
    BOOST_TEST(j["interrupted"] == true);
    BOOST_TEST(j["exit_code"] == 3);
    BOOST_TEST(j["summary"]["unfinished"] == 1);
    BOOST_TEST(j["sections"][1]["checks"][2]["finished"] == false);
    BOOST_TEST(j["sections"][1]["checks"][2]["reason"] == "interrupted");
    BOOST_TEST(j["sections"][0]["checks"][0]["finished"] == true);
    // The banners count the same checks.
    std::ostringstream console, html;
    make_console_reporter(console, {})->run_finished(s.report);
    write_html(s.report, html);
    BOOST_TEST(console.str().find("INTERRUPTED: not every check ran (1 check did not finish)") !=
                   std::string::npos,
               console.str());
    BOOST_TEST(html.str().find("checks that did not finish: 1 (reason interrupted") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(full_host_facts_and_run_context) {
    SampleRun s;
    s.report.facts.is_admin = true;
    s.report.facts.powershell_version = "5.1.14393.0";
    s.report.facts.os_product_type = "server";
    s.report.facts.dotnet_release = 528040;
    s.report.command_line = {"preflight", "run", "--site", "site.xml"};
    s.report.site_file = "site.xml";
    s.report.servers = 2;
    json j = json::parse(json_text(s.report));
    BOOST_TEST(j["host"]["is_admin"] == true);
    BOOST_TEST(j["host"]["powershell_version"] == "5.1.14393.0");
    BOOST_TEST(j["host"]["os_product_type"] == "server");
    BOOST_TEST(j["host"]["dotnet_release"] == 528040);
    BOOST_TEST(!j["host"].contains("format"));
    BOOST_TEST(j["run"]["command_line"].size() == 4u);
    BOOST_TEST(j["run"]["site_file"] == "site.xml");
    BOOST_TEST(j["run"]["servers"] == 2);
    BOOST_TEST(j["run"]["users"].is_null());
}

BOOST_AUTO_TEST_CASE(embedded_schema_is_the_repository_file) {
    const std::string_view* embedded = report_schema("report");
    BOOST_TEST_REQUIRE(embedded != nullptr);
    BOOST_TEST(*embedded == pft::read_file(schema_file));
    BOOST_TEST(report_schema("nope") == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
