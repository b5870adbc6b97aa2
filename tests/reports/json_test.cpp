#include "reports/json.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using namespace pf;
using nlohmann::json;
using pf::test::SampleRun;

namespace {

json json_of(const RunReport& r) {
    std::ostringstream out;
    write_json(r, out);
    return json::parse(out.str()); // throws, failing the test, if not JSON
}

std::set<std::string> keys(const json& j) {
    std::set<std::string> k;
    for (const auto& [key, _] : j.items())
        k.insert(key);
    return k;
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_report)

BOOST_AUTO_TEST_CASE(top_level_fields) {
    SampleRun s;
    json j = json_of(s.report);
    BOOST_TEST((keys(j) == std::set<std::string>{"format", "tool", "checklist", "started",
                                                 "finished", "duration_ms", "interrupted",
                                                 "exit_code", "run", "host", "services", "settings",
                                                 "summary", "changes", "sections"}));
    BOOST_TEST(j["format"] == "preflight-report/1");
    BOOST_TEST(j["changes"].is_null());
    BOOST_TEST(j["tool"]["name"] == "preflight");
    BOOST_TEST(j["tool"]["version"] == "0.1.0");
    BOOST_TEST(j["tool"]["commit"] == "5e8302f1c0de-dirty");
    BOOST_TEST(j["tool"]["target"] == "linux-x86_64");
    BOOST_TEST(j["checklist"]["id"] == "acc");
    BOOST_TEST(j["checklist"]["source_document"] == "ACC Installation Guide");
    BOOST_TEST(j["checklist"]["source_section"] == "Requirements");
    BOOST_TEST(j["checklist"]["origin"] == "builtin:acc");
    BOOST_TEST(j["started"] == "2027-01-15T08:00:00Z");
    BOOST_TEST(j["duration_ms"] == 5432);
    BOOST_TEST(j["interrupted"] == false);
    BOOST_TEST(j["exit_code"] == 2);
    BOOST_TEST(j["services"] == json::array({"proxy"}));
    BOOST_TEST(j["settings"]["install_path"] == "/opt/airwatch");
}

BOOST_AUTO_TEST_CASE(host_numbers_are_numbers_and_unknowns_null) {
    SampleRun s;
    json h = json_of(s.report)["host"];
    BOOST_TEST(h["hostname"] == "acc-01");
    BOOST_TEST(h["logical_cores"].is_number_integer());
    BOOST_TEST(h["logical_cores"] == 4);
    BOOST_TEST(h["ram_bytes"] == 8ull << 30);
    BOOST_TEST(h["cpu_max_mhz"].is_number());
    BOOST_TEST(h["disk_free_bytes"].is_null());
    BOOST_TEST(h["kernel"].is_null());
}

BOOST_AUTO_TEST_CASE(counts_round_trip) {
    for (bool interrupted : {false, true}) {
        SampleRun s(interrupted);
        json j = json_of(s.report);
        const Counts& c = s.report.counts;
        BOOST_TEST(j["summary"]["pass"] == c.pass);
        BOOST_TEST(j["summary"]["warn"] == c.warn);
        BOOST_TEST(j["summary"]["fail"] == c.fail);
        BOOST_TEST(j["summary"]["error"] == c.error);
        BOOST_TEST(j["summary"]["skip"] == c.skip);
        BOOST_TEST(j["summary"]["total"] == c.total());
        BOOST_TEST(j["interrupted"] == interrupted);
        std::size_t statuses = 0;
        for (const auto& sec : j["sections"])
            statuses += sec["checks"].size();
        BOOST_TEST(statuses == c.total());
    }
}

BOOST_AUTO_TEST_CASE(checks_in_checklist_order_with_all_fields) {
    SampleRun s;
    json j = json_of(s.report);
    BOOST_TEST_REQUIRE(j["sections"].size() == 2u);
    BOOST_TEST(j["sections"][0]["id"] == "network");
    BOOST_TEST(j["sections"][1]["title"] == "Host");
    std::vector<std::string> ids;
    for (const auto& sec : j["sections"])
        for (const auto& c : sec["checks"]) {
            ids.push_back(c["id"]);
            BOOST_TEST((keys(c) == std::set<std::string>{
                                       "id",           "title",    "section",     "severity",
                                       "service",      "probe",    "status",      "probe_status",
                                       "reason",       "finished", "summary",     "message",
                                       "alert",        "evidence", "blocks",      "certificates",
                                       "measurements", "args",     "requirement", "fix",
                                       "elapsed_ms"}));
            BOOST_TEST(c["section"] == sec["id"]);
        }
    BOOST_TEST(ids == s.check_ids());

    const json& tcp = j["sections"][0]["checks"][1];
    BOOST_TEST(tcp["status"] == "fail");
    BOOST_TEST(tcp["severity"] == "required");
    BOOST_TEST(tcp["service"].is_null());
    BOOST_TEST(tcp["probe"] == "tcp");
    BOOST_TEST(tcp["reason"] == "refused");
    BOOST_TEST(tcp["requirement"] == pf::test::kRequirementWithMarkup);
    BOOST_TEST(tcp["measurements"][0]["name"] == "connect_ms");
    BOOST_TEST(tcp["measurements"][0]["label"] == "connect");
    BOOST_TEST(tcp["measurements"][0]["value"] == 249.5);
    BOOST_TEST(tcp["measurements"][0]["unit"] == "ms");
    BOOST_TEST(tcp["args"]["port"].is_number_integer());
    BOOST_TEST(tcp["args"]["port"] == 443);
    BOOST_TEST(tcp["elapsed_ms"] == 250);
    BOOST_TEST(tcp["evidence"].size() == 2u);

    const json& proxy = j["sections"][0]["checks"][2];
    BOOST_TEST(proxy["status"] == "warn");
    BOOST_TEST(proxy["probe_status"] == "fail");
    BOOST_TEST(proxy["reason"] == "timed_out");
    BOOST_TEST(proxy["service"] == "proxy");
}

BOOST_AUTO_TEST_SUITE_END()
