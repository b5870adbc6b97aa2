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
    return doc.select_node(("//testcase[@name='" + id + "']").c_str()).node();
}

std::size_t sum(const pugi::xml_node& root, const char* attr) {
    std::size_t n = 0;
    for (auto s : root.children("testsuite"))
        n += s.attribute(attr).as_ullong();
    return n;
}

std::string junit_text(const RunReport& r) {
    std::ostringstream out;
    write_junit(r, out);
    return out.str();
}

void load(pugi::xml_document& doc, const RunReport& r) {
    std::string xml = junit_text(r);
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_string(xml.c_str())));
}

} // namespace

BOOST_AUTO_TEST_SUITE(junit_report)

BOOST_AUTO_TEST_CASE(validates_against_jenkins_schema, *pft::needs_xmllint()) {
    for (bool interrupted : {false, true})
        for (bool warn_fail : {false, true}) {
            SampleRun s(interrupted);
            s.report.junit_warn_fail = warn_fail;
            JunitFile f(s.report, interrupted ? "interrupted" : "complete");
            BOOST_TEST(xmllint(f.path) == 0);
        }
}

BOOST_AUTO_TEST_CASE(counts_and_structure) {
    SampleRun s;
    pugi::xml_document doc;
    load(doc, s.report);
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
    // Warnings are skips by default, so CI never counts them as passes.
    BOOST_TEST(sum(root, "skipped") == c.skip + c.warn);

    auto net = root.find_child_by_attribute("testsuite", "name", "acc-01.acc.network");
    BOOST_TEST_REQUIRE(static_cast<bool>(net));
    BOOST_TEST(net.attribute("tests").as_int() == 4);
    BOOST_TEST(net.attribute("skipped").as_int() == 2); // the proxy's warning, ldap's skip
    BOOST_TEST(net.attribute("hostname").value() == std::string("acc-01"));
    BOOST_TEST(net.attribute("timestamp").value() == std::string("2027-01-15T08:00:00Z"));
    BOOST_TEST(std::regex_match(net.attribute("time").value(), std::regex(R"(\d+\.\d{3})")));
    BOOST_TEST(
        static_cast<bool>(root.find_child_by_attribute("testsuite", "name", "acc-01.acc.host")));
}

// Once per report, not once per suite: 60 properties times every section
// buried the cases.
BOOST_AUTO_TEST_CASE(run_properties_once_on_the_first_suite) {
    SampleRun s;
    pugi::xml_document doc;
    load(doc, s.report);
    BOOST_TEST(doc.select_nodes("//properties").size() == 1u);
    auto props = doc.child("testsuites").child("testsuite").child("properties");
    BOOST_TEST_REQUIRE(static_cast<bool>(props));
    for (const char* name : {"preflight.version", "checklist.id", "services", "run.interrupted",
                             "param.uem_host", "run.skipped", "run.warnings"})
        BOOST_TEST(static_cast<bool>(props.find_child_by_attribute("property", "name", name)),
                   name);
    auto value = [&](const char* name) {
        return std::string(
            props.find_child_by_attribute("property", "name", name).attribute("value").value());
    };
    BOOST_TEST(value("run.interrupted") == "false");
    BOOST_TEST(value("run.skipped") == "1");
    BOOST_TEST(value("run.warnings") == "2");
    BOOST_TEST(value("junit.warnings_as") == "skipped");
}

BOOST_AUTO_TEST_CASE(testcase_named_by_id_with_the_title_in_system_out) {
    SampleRun s;
    pugi::xml_document doc;
    load(doc, s.report);
    for (const auto& id : s.check_ids())
        BOOST_TEST(static_cast<bool>(testcase(doc, id)), id);
    BOOST_TEST(doc.select_nodes("//testcase").size() == s.check_ids().size());

    auto tcp = testcase(doc, "net.tcp");
    BOOST_TEST(tcp.attribute("classname").value() == std::string("acc-01.acc.network"));
    BOOST_TEST(tcp.attribute("time").value() == std::string("0.250"));
    BOOST_TEST(std::string(tcp.child("system-out").text().get()).find("Reach UEM console") !=
               std::string::npos);
    BOOST_TEST(std::string(tcp.attribute("name").value()).find("Reach") == std::string::npos);
}

// The message attribute is the diagnosis; the body is what backs it, so a
// CI page that shows both does not print the sentence twice.
BOOST_AUTO_TEST_CASE(failure_message_is_not_repeated_in_its_body) {
    SampleRun s;
    pugi::xml_document doc;
    load(doc, s.report);
    auto failure = testcase(doc, "net.tcp").child("failure");
    BOOST_TEST_REQUIRE(static_cast<bool>(failure));
    BOOST_TEST(failure.attribute("message").value() == std::string("connection refused"));
    BOOST_TEST(failure.attribute("type").value() == std::string("tcp.refused"));
    std::string body = failure.text().get();
    BOOST_TEST(body.find("connection refused") == std::string::npos);
    BOOST_TEST(body.find("ECONNREFUSED") != std::string::npos);
    BOOST_TEST(body.find(pf::test::kRequirementWithMarkup) != std::string::npos);
    BOOST_TEST(body.find("Fix net.tcp & retry.") != std::string::npos);
    BOOST_TEST(body.find("[1] CN=Zscaler Root CA & <co>") != std::string::npos);

    auto error = testcase(doc, "host.ram").child("error");
    BOOST_TEST_REQUIRE(static_cast<bool>(error));
    BOOST_TEST(std::string(error.text().get()).find("could not read /proc/meminfo") ==
               std::string::npos);
    BOOST_TEST(testcase(doc, "net.ldap").child("skipped").attribute("message").value() ==
               std::string("service ldap not enabled"));
    auto dns = testcase(doc, "net.dns");
    BOOST_TEST(!dns.child("failure"));
    BOOST_TEST(!dns.child("error"));
    BOOST_TEST(!dns.child("skipped"));
    BOOST_TEST(std::string(dns.child("system-out").text().get()).find("resolved to 127.0.0.5") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(warning_is_a_skip_by_default_and_a_failure_when_asked) {
    SampleRun s;
    pugi::xml_document doc;
    load(doc, s.report);
    for (const char* id : {"net.proxy", "host.os"}) {
        auto tc = testcase(doc, id);
        BOOST_TEST(!tc.child("failure"), id);
        BOOST_TEST(
            std::string(tc.child("skipped").attribute("message").value()).rfind("warning: ", 0) ==
                0,
            id);
    }
    BOOST_TEST(testcase(doc, "net.proxy").child("skipped").attribute("message").value() ==
               std::string("warning: proxy timed out"));

    s.report.junit_warn_fail = true;
    pugi::xml_document failing;
    load(failing, s.report);
    auto proxy = testcase(failing, "net.proxy").child("failure");
    BOOST_TEST(proxy.attribute("message").value() == std::string("warning: proxy timed out"));
    BOOST_TEST(!testcase(failing, "net.proxy").child("skipped"));
    auto root = failing.child("testsuites");
    const Counts& c = s.report.counts;
    BOOST_TEST(root.attribute("failures").as_ullong() == c.fail + c.warn);
    BOOST_TEST(sum(root, "failures") == c.fail + c.warn);
    BOOST_TEST(sum(root, "skipped") == c.skip);
}

// Two servers' reports merged into one CI view stay apart by classname.
BOOST_AUTO_TEST_CASE(prefix_names_the_host_in_every_classname) {
    SampleRun s;
    s.report.junit_prefix = "acc-east";
    pugi::xml_document doc;
    load(doc, s.report);
    for (auto tc : doc.select_nodes("//testcase")) {
        std::string cls = tc.node().attribute("classname").value();
        BOOST_TEST(cls.rfind("acc-east.acc.", 0) == 0, cls);
    }
    s.report.junit_prefix.clear();
    s.report.facts.hostname.clear(); // nothing known: no empty leading dot
    pugi::xml_document bare;
    load(bare, s.report);
    BOOST_TEST(testcase(bare, "net.tcp").attribute("classname").value() ==
               std::string("acc.network"));
}

// Bytes from a server that are not text (the sample's "server said" line)
// become U+FFFD, written as a character reference: a consumer that guesses
// the encoding from the bytes (xunit-viewer) then still reads UTF-8.
BOOST_AUTO_TEST_CASE(replacement_characters_are_written_as_references) {
    SampleRun s;
    std::string xml = junit_text(s.report);
    BOOST_TEST(xml.find("\xEF\xBF\xBD") == std::string::npos);
    BOOST_TEST(xml.find("&#xFFFD;") != std::string::npos);
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_string(xml.c_str())));
    std::string body = testcase(doc, "net.tcp").child("failure").text().get();
    BOOST_TEST(body.find("server said \xEF\xBF\xBD[31mno") != std::string::npos, body);
}

// The reference replaces U+FFFD as pugixml hands the text over in chunks:
// one that a chunk boundary cuts is still replaced, and no byte is lost.
BOOST_AUTO_TEST_CASE(replacement_characters_across_chunks_are_all_written_as_references) {
    SampleRun s;
    const std::size_t before = pf::test::occurrences(junit_text(s.report), "&#xFFFD;");
    std::string line;
    for (int i = 0; i < 5000; ++i)
        line += std::string(static_cast<std::size_t>(i % 7), 'x') + "\xFF";
    for (auto& r : s.report.results)
        if (r.check->id == "net.tcp") r.result.evidence.push_back(line);
    std::string xml = junit_text(s.report);
    BOOST_TEST(xml.find("\xEF\xBF\xBD") == std::string::npos);
    BOOST_TEST(pf::test::occurrences(xml, "&#xFFFD;") == before + 5000);
    pugi::xml_document doc;
    BOOST_TEST(static_cast<bool>(doc.load_string(xml.c_str())));
}

BOOST_AUTO_TEST_CASE(interrupted_run_is_recorded) {
    SampleRun s(true);
    pugi::xml_document doc;
    load(doc, s.report);
    auto p = doc.select_node("//property[@name='run.interrupted']").node();
    BOOST_TEST(p.attribute("value").value() == std::string("true"));
    BOOST_TEST(static_cast<bool>(testcase(doc, "host.os").child("skipped")));
    // ldap's skip, the interrupted host.os, and the proxy's warning
    BOOST_TEST(sum(doc.child("testsuites"), "skipped") == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
