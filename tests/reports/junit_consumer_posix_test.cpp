// The JUnit report as a CI pipeline reads it: junit-report-merger (jrm, from
// npm, installed by scripts/install-deps.sh --test) merges the reports of
// two ACC servers into one, as a pipeline that checks a server pair does.
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

fs::path jrm_program() {
    const char* dir = std::getenv("PREFLIGHT_TEST_NPM");
    return fs::path(dir && *dir ? dir : "/opt/preflight-test-npm") / "node_modules" / ".bin" /
           "jrm";
}

struct NeedsJrm {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result ok(fs::exists(jrm_program()) &&
                                               std::system("command -v node >/dev/null") == 0);
        if (!ok)
            ok.message() << "skipped: junit-report-merger is not installed at "
                         << jrm_program().string() << " (scripts/install-deps.sh --test)";
        return ok;
    }
};

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
                     *boost::unit_test::precondition(NeedsJrm{})) {
    TempDir dir;
    SampleRun east, west;
    east.report.facts.hostname = "acc-east";
    west.report.junit_prefix = "acc-west"; // by option; its host name stays acc-01
    write(east.report, dir.path / "east.xml");
    write(west.report, dir.path / "west.xml");
    const fs::path merged = dir.path / "merged.xml";
    std::string cmd = "'" + jrm_program().string() + "' '" + merged.string() + "' '" +
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

BOOST_AUTO_TEST_SUITE_END()
