// The JUnit report as CI reads it, with consumers from npm installed by
// scripts/install-deps.sh --test: junit-report-merger (jrm) merges the
// reports of two ACC servers into one, as a pipeline that checks a server
// pair does; xunit-viewer shows each case with its verdict mark.
#include "reports/junit.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <random>
#include <set>

using namespace pf;
using pf::test::SampleRun;
namespace fs = std::filesystem;

namespace {

fs::path npm_program(const std::string& name) {
    const char* dir = std::getenv("PREFLIGHT_TEST_NPM");
    return fs::path(dir && *dir ? dir : "/opt/preflight-test-npm") / "node_modules" / ".bin" / name;
}

struct NeedsNpm {
    std::string program;
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result ok(fs::exists(npm_program(program)) &&
                                               std::system("command -v node >/dev/null") == 0);
        if (!ok)
            ok.message() << "skipped: " << program << " is not installed at "
                         << npm_program(program).string() << " (scripts/install-deps.sh --test)";
        return ok;
    }
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1))
        ++n;
    return n;
}

struct TempDir {
    fs::path path =
        fs::temp_directory_path() / ("preflight-jrm-" + std::to_string(std::random_device{}()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const RunReport& r, const fs::path& file) {
    std::ofstream out(file, std::ios::binary);
    write_junit(r, out);
}

} // namespace

BOOST_AUTO_TEST_SUITE(junit_consumer)

BOOST_AUTO_TEST_CASE(two_servers_merge_into_distinct_cases_with_warnings_not_passing,
                     *boost::unit_test::precondition(NeedsNpm{"jrm"})) {
    TempDir dir;
    SampleRun east, west;
    east.report.facts.hostname = "acc-east";
    west.report.junit_prefix = "acc-west"; // by option; its host name stays acc-01
    write(east.report, dir.path / "east.xml");
    write(west.report, dir.path / "west.xml");
    const fs::path merged = dir.path / "merged.xml";
    std::string cmd = "'" + npm_program("jrm").string() + "' '" + merged.string() + "' '" +
                      (dir.path / "east.xml").string() + "' '" + (dir.path / "west.xml").string() +
                      "' >/dev/null";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0);

    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(merged.c_str())));
    auto root = doc.child("testsuites");
    const Counts& c = east.report.counts;
    // jrm totals the suites' counts on its root: a warning lands with the skips.
    BOOST_TEST(root.attribute("tests").as_ullong() == 2 * c.total());
    BOOST_TEST(root.attribute("failures").as_ullong() == 2 * c.fail);
    BOOST_TEST(root.attribute("errors").as_ullong() == 2 * c.error);
    BOOST_TEST(root.attribute("skipped").as_ullong() == 2 * (c.skip + c.warn));

    std::set<std::pair<std::string, std::string>> cases;
    std::set<std::string> classnames;
    std::size_t green = 0;
    for (auto x : doc.select_nodes("//testcase")) {
        auto tc = x.node();
        cases.emplace(tc.attribute("classname").value(), tc.attribute("name").value());
        classnames.insert(tc.attribute("classname").value());
        if (!tc.child("failure") && !tc.child("error") && !tc.child("skipped")) ++green;
    }
    BOOST_TEST(cases.size() == 2 * c.total());
    BOOST_TEST((classnames == std::set<std::string>{"acc-east.acc.network", "acc-east.acc.host",
                                                    "acc-west.acc.network", "acc-west.acc.host"}));
    BOOST_TEST(green == 2 * c.pass);
    // Each server's run properties came through once.
    BOOST_TEST(doc.select_nodes("//properties").size() == 2u);
}

// xunit-viewer's console view: a mark per case (pass, fail, error, skip)
// and a count per verdict; each text once.
BOOST_AUTO_TEST_CASE(xunit_viewer_marks_warnings_skipped_and_shows_each_message_once,
                     *boost::unit_test::precondition(NeedsNpm{"xunit-viewer"})) {
    TempDir dir;
    SampleRun s;
    write(s.report, dir.path / "r.xml");
    const fs::path shown = dir.path / "shown.txt";
    std::string cmd = "'" + npm_program("xunit-viewer").string() + "' -r '" +
                      (dir.path / "r.xml").string() + "' -c -n -C false -o '" +
                      (dir.path / "r.html").string() + "' >'" + shown.string() + "' 2>&1";
    int rc = std::system(cmd.c_str());
    BOOST_TEST_REQUIRE(rc == 0, rc << ": " << read_all(shown));
    const std::string out = read_all(shown);
    for (const char* line :
         {"\u2717 net.tcp ", "! host.ram ", "\u2298 net.proxy ", "\u2298 host.os ",
          "\u2298 net.ldap ", "\u2713 net.dns ", "\u2713 host.disk "})
        BOOST_TEST(out.find(line) != std::string::npos, line << " in\n" << out);
    // 2 passes; the warnings are with the skip, never with the passes.
    BOOST_TEST(out.find("2 passed, 3 skipped, 1 failure, 1 error") != std::string::npos, out);
    BOOST_TEST(count_of(out, "connection refused") == 1u, out);
    BOOST_TEST(count_of(out, "proxy timed out") == 1u, out);
    BOOST_TEST(count_of(out, "Reach UEM console") == 1u, out);
}

BOOST_AUTO_TEST_SUITE_END()
