#include "reports/junit.hpp"
#include "sample_report.hpp"
#include "support/preconditions.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <random>
#include <regex>
#include <sstream>

using namespace pf;
using pf::test::SampleRun;
namespace fs = std::filesystem;

namespace {

struct JunitFile {
    fs::path path;
    explicit JunitFile(const RunReport& r, const std::string& tag) {
        path =
            fs::temp_directory_path() /
            ("preflight-test-" + std::to_string(std::random_device{}()) + "-" + tag + ".junit.xml");
        std::ofstream out(path, std::ios::binary);
        write_junit(r, out);
    }
    ~JunitFile() {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

int xmllint(const fs::path& file) {
    std::string cmd = std::string("'") + XMLLINT + "' --noout --schema '" + JUNIT_XSD + "' '" +
                      file.string() + "'";
    return std::system(cmd.c_str());
}

pugi::xml_node testcase(const pugi::xml_document& doc, const std::string& id) {
    return doc.select_node(("//testcase[starts-with(@name, '" + id + ": ')]").c_str()).node();
}

std::size_t sum(const pugi::xml_node& root, const char* attr) {
    std::size_t n = 0;
    for (auto s : root.children("testsuite"))
        n += s.attribute(attr).as_ullong();
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(junit_report)

BOOST_AUTO_TEST_CASE(validates_against_jenkins_schema, *pft::needs_xmllint()) {
    for (bool interrupted : {false, true}) {
        SampleRun s(interrupted);
        JunitFile f(s.report, interrupted ? "interrupted" : "complete");
        BOOST_TEST(xmllint(f.path) == 0);
    }
}

BOOST_AUTO_TEST_CASE(counts_and_structure) {
    SampleRun s;
    JunitFile f(s.report, "structure");
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(f.path.c_str())));
    auto root = doc.child("testsuites");
    const Counts& c = s.report.counts;
    BOOST_TEST(root.attribute("tests").as_ullong() == c.total());
    BOOST_TEST(root.attribute("failures").as_ullong() == c.fail);
    BOOST_TEST(root.attribute("errors").as_ullong() == c.error);
    BOOST_TEST(root.attribute("time").value() == std::string("5.432"));

    auto suites = root.children("testsuite");
    BOOST_TEST(std::distance(suites.begin(), suites.end()) == 2);
    BOOST_TEST(sum(root, "tests") == c.total());
    BOOST_TEST(sum(root, "failures") == c.fail);
    BOOST_TEST(sum(root, "errors") == c.error);
    BOOST_TEST(sum(root, "skipped") == c.skip);

    auto net = root.find_child_by_attribute("testsuite", "name", "acc.network");
    BOOST_TEST_REQUIRE(static_cast<bool>(net));
    BOOST_TEST(net.attribute("tests").as_int() == 4);
    BOOST_TEST(net.attribute("hostname").value() == std::string("acc-01"));
    BOOST_TEST(net.attribute("timestamp").value() == std::string("2027-01-15T08:00:00Z"));
    BOOST_TEST(std::regex_match(net.attribute("time").value(), std::regex(R"(\d+\.\d{3})")));
    BOOST_TEST(static_cast<bool>(root.find_child_by_attribute("testsuite", "name", "acc.host")));

    for (auto suite : suites) {
        auto props = suite.child("properties");
        BOOST_TEST_REQUIRE(static_cast<bool>(props));
        for (const char* name :
             {"preflight.version", "checklist.id", "services", "run.interrupted", "param.uem_host"})
            BOOST_TEST(static_cast<bool>(props.find_child_by_attribute("property", "name", name)),
                       name);
        BOOST_TEST(props.find_child_by_attribute("property", "name", "run.interrupted")
                       .attribute("value")
                       .value() == std::string("false"));
    }
}

BOOST_AUTO_TEST_CASE(testcase_per_check_with_verdict_elements) {
    SampleRun s;
    JunitFile f(s.report, "cases");
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(f.path.c_str())));
    for (const auto& id : s.check_ids())
        BOOST_TEST(static_cast<bool>(testcase(doc, id)), id);

    auto tcp = testcase(doc, "net.tcp");
    BOOST_TEST(tcp.attribute("name").value() == std::string("net.tcp: Reach UEM console"));
    BOOST_TEST(tcp.attribute("classname").value() == std::string("acc.network"));
    BOOST_TEST(tcp.attribute("time").value() == std::string("0.250"));
    auto failure = tcp.child("failure");
    BOOST_TEST_REQUIRE(static_cast<bool>(failure));
    BOOST_TEST(failure.attribute("message").value() == std::string("connection refused"));
    BOOST_TEST(failure.attribute("type").value() == std::string("tcp.refused"));
    std::string body = failure.text().get();
    BOOST_TEST(body.find("ECONNREFUSED") != std::string::npos);
    BOOST_TEST(body.find(pf::test::kRequirementWithMarkup) != std::string::npos);
    BOOST_TEST(body.find("Fix net.tcp & retry.") != std::string::npos);

    BOOST_TEST(static_cast<bool>(testcase(doc, "host.ram").child("error")));
    BOOST_TEST(static_cast<bool>(testcase(doc, "net.ldap").child("skipped")));
    auto proxy = testcase(doc, "net.proxy");
    BOOST_TEST(!proxy.child("failure"));
    BOOST_TEST(std::string(proxy.child("system-out").text().get()).rfind("WARNING: ", 0) == 0);
    auto dns = testcase(doc, "net.dns");
    BOOST_TEST(!dns.child("failure"));
    BOOST_TEST(!dns.child("error"));
    BOOST_TEST(!dns.child("skipped"));
}

BOOST_AUTO_TEST_CASE(interrupted_run_is_recorded) {
    SampleRun s(true);
    JunitFile f(s.report, "interrupted-props");
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(f.path.c_str())));
    auto p = doc.select_node("//property[@name='run.interrupted']").node();
    BOOST_TEST(p.attribute("value").value() == std::string("true"));
    BOOST_TEST(static_cast<bool>(testcase(doc, "host.os").child("skipped")));
    BOOST_TEST(sum(doc.child("testsuites"), "skipped") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
