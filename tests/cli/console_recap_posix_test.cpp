// The console as the admin sees it at the end of a real run: the problems
// again, worst first with their fix, and where the reports are; and, on a
// terminal, the progress line naming the checks still running.
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/silent_peers_posix.hpp"
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace {

// Two sections, so that checklist order and worst-first order differ: the
// first warning comes before the first failure in the checklist.
std::string checklist(unsigned short refused, unsigned short silent) {
    auto check = [](const std::string& id, const char* severity, const std::string& probe) {
        return "<check id=\"" + id + "\" title=\"Title of " + id + "\" severity=\"" + severity +
               "\">" + probe + "<requirement>r</requirement><fix>fix-" + id + "</fix></check>";
    };
    auto tcp = [](unsigned short port) {
        return "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + std::to_string(port) + "\"/>";
    };
    return "<checklist id=\"recap\" title=\"Recap\" timeout=\"2\"><source document=\"t\"/>"
           "<section id=\"near\" title=\"Near\">" +
           check("near.lookup", "required", "<probe kind=\"dns\" host=\"localhost\"/>") +
           check("near.warn-early", "recommended", tcp(refused)) +
           check("near.refused", "required", tcp(refused)) +
           "</section><section id=\"far\" title=\"Far\">" +
           check("far.silent", "required", tcp(silent)) +
           check("far.warn-late", "recommended", tcp(refused)) + "</section></checklist>";
}

struct Site {
    pft::TempDir t;
    pft::UnansweredConnect silent;
    std::string list = t.write("recap.xml", checklist(pft::unused_port(), silent.port()));
};

std::size_t columns(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

} // namespace

BOOST_AUTO_TEST_SUITE(console_recap)

BOOST_AUTO_TEST_CASE(recap_worst_first_then_absolute_report_paths) {
    Site s;
    auto cwd = fs::current_path();
    fs::current_path(s.t.path());
    auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist", s.list, "--html", "r.html",
                       "--junit", "./r.junit.xml"});
    fs::current_path(cwd);
    BOOST_TEST_REQUIRE(r.exit_code == 2, r.out << r.err);

    auto at = r.out.find("Problems, worst first:\n");
    BOOST_TEST_REQUIRE(at != std::string::npos, r.out);
    // After every check's own line: the recap is the last thing before the summary.
    for (const char* id :
         {"near.lookup", "near.warn-early", "near.refused", "far.silent", "far.warn-late"})
        BOOST_TEST(r.out.find(std::string(id) + "  Title of ") < at, id);
    auto summary = r.out.find("Summary: ");
    BOOST_TEST_REQUIRE(summary != std::string::npos);
    std::string recap = r.out.substr(at, summary - at);
    std::vector<std::string> ids;
    for (std::size_t p = recap.find("\n  "); p != std::string::npos;
         p = recap.find("\n  ", p + 1)) {
        std::string line = recap.substr(p + 3, recap.find('\n', p + 1) - p - 3);
        if (line.rfind("      Fix: ", 0) == 0) {
            // The fix is the line right under its check.
            BOOST_TEST(line == "      Fix: fix-" + ids.back());
            continue;
        }
        auto id_at = line.find_first_not_of(' ', 6);
        ids.push_back(line.substr(id_at, line.find(' ', id_at) - id_at));
        BOOST_TEST(
            line.rfind(ids.back().rfind("near.warn", 0) == 0 || ids.back().rfind("far.warn", 0) == 0
                           ? "WARN  "
                           : "FAIL  ",
                       0) == 0u,
            line);
    }
    BOOST_TEST((ids == std::vector<std::string>{"near.refused", "far.silent", "near.warn-early",
                                                "far.warn-late"}),
               recap);
    BOOST_TEST(recap.find("near.lookup") == std::string::npos); // a pass is no problem

    // Then where the reports are, absolute, for a ticket or a browser.
    const std::string dir = fs::canonical(s.t.path()).string();
    auto html = r.out.find("html report: " + dir + "/r.html\n");
    auto junit = r.out.find("junit report: " + dir + "/r.junit.xml\n");
    BOOST_TEST(html != std::string::npos, r.out);
    BOOST_TEST(junit != std::string::npos, r.out);
    BOOST_TEST(html > summary);
    BOOST_TEST(fs::exists(dir + "/r.junit.xml"));
    // Not a terminal: no progress line in the output.
    BOOST_TEST(r.out.find(" done") == std::string::npos, r.out);
    BOOST_TEST(r.out.find('\r') == std::string::npos);
}

// On a terminal (a pseudo-terminal from script(1), 70 columns) the progress
// line names the check still waiting and counts its time down.
BOOST_AUTO_TEST_CASE(progress_line_on_a_terminal_names_running_checks_with_time_left,
                     *pft::needs_programs({"script", "stty"})) {
    Site s;
    std::string cmd = "stty cols 70 rows 24; exec '" + std::string(PREFLIGHT_BINARY) +
                      "' run --checklist '" + s.list + "' --html '" + s.t.file("r.html") +
                      "' --junit '" + s.t.file("r.xml") + "'";
    auto r = pft::run({"script", "-qec", cmd, "/dev/null"});
    BOOST_TEST_REQUIRE(r.out.find("Summary: ") != std::string::npos, r.out << r.err);

    // far.silent waits its 2 s deadline alone: the line is redrawn meanwhile.
    std::set<std::string> left;
    const std::string marker = "running: far.silent (";
    for (auto p = r.out.find(marker); p != std::string::npos; p = r.out.find(marker, p + 1)) {
        auto end = r.out.find(" left)", p);
        BOOST_TEST_REQUIRE(end != std::string::npos);
        left.insert(r.out.substr(p + marker.size(), end - p - marker.size()));
    }
    BOOST_TEST(left.size() >= 3u, r.out);
    BOOST_TEST(r.out.find("/5 done · running: far.silent (") != std::string::npos, r.out);
    // Every redraw within the 70 columns, so it never wraps.
    std::size_t from = 0;
    while (from < r.out.size()) {
        auto to = r.out.find_first_of("\r\n", from);
        if (to == std::string::npos) to = r.out.size();
        std::string seg = r.out.substr(from, to - from);
        if (seg.find(" done") != std::string::npos) BOOST_TEST(columns(seg) <= 69u, seg);
        from = to + 1;
    }
    // The recap comes after the progress line is gone.
    auto recap = r.out.find("Problems, worst first:");
    BOOST_TEST_REQUIRE(recap != std::string::npos);
    BOOST_TEST(r.out.substr(recap).find("running:") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
