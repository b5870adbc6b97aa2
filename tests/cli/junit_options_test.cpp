// --junit-prefix and --junit-warn as an admin gives them: checked before
// anything runs, and carried into the JUnit file of a real run on loopback.
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <pugixml.hpp>

namespace {

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

// One refused port, checked as recommended: a warning.
std::string warning_list(unsigned short port) {
    return "<checklist id=\"one\" title=\"One\" timeout=\"2\"><source document=\"t\"/>"
           "<section id=\"s\" title=\"S\"><check id=\"c.refused\" title=\"Refused\" "
           "severity=\"recommended\"><probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" +
           std::to_string(port) +
           "\"/><requirement>r</requirement><fix>f</fix></check></section></checklist>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(junit_options)

BOOST_AUTO_TEST_CASE(help_says_what_the_prefix_defaults_to_and_how_warnings_are_counted) {
    auto r = preflight({"run", "--help"});
    BOOST_TEST(r.out.find("--junit-prefix HOST") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("default: this host's") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("--junit-warn skip|fail") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(bad_values_exit_3_naming_the_option_before_anything_runs) {
    pft::TempDir t;
    auto list = t.write("l.xml", warning_list(pft::unused_port()));
    for (std::vector<std::string> bad : {std::vector<std::string>{"--junit-prefix", "acc 01"},
                                         {"--junit-prefix", "a/b"},
                                         {"--junit-prefix", ""},
                                         {"--junit-prefix", std::string(254, 'a')},
                                         {"--junit-warn", "error"}}) {
        std::vector<std::string> args = {"run", "--checklist", list, "--junit", t.file("r.xml")};
        args.insert(args.end(), bad.begin(), bad.end());
        auto r = preflight(args);
        BOOST_TEST(r.exit_code == 3, bad[1]);
        BOOST_TEST(r.err.find(bad[0]) != std::string::npos, r.err);
        BOOST_TEST(r.out.find("Refused") == std::string::npos, "ran despite " << bad[1]);
    }
}

BOOST_AUTO_TEST_CASE(prefix_and_warn_fail_reach_the_junit_file) {
    pft::TempDir t;
    auto list = t.write("l.xml", warning_list(pft::unused_port()));
    auto r = preflight({"run", "--checklist", list, "--junit", t.file("a.xml"), "--junit-prefix",
                        "acc-east.dmz", "--junit-warn", "fail"});
    BOOST_TEST(r.exit_code == 1, r.out << r.err); // the exit code still says: warnings only
    pugi::xml_document doc;
    BOOST_TEST_REQUIRE(static_cast<bool>(doc.load_file(t.file("a.xml").c_str())));
    auto tc = doc.select_node("//testcase[@name='c.refused']").node();
    BOOST_TEST(tc.attribute("classname").value() == std::string("acc-east.dmz.one.s"));
    BOOST_TEST(
        std::string(tc.child("failure").attribute("message").value()).rfind("warning: ", 0) == 0u);
    BOOST_TEST(doc.child("testsuites").attribute("failures").as_int() == 1);

    // By default: a skip, and this host's name in front.
    r = preflight({"run", "--checklist", list, "--junit", t.file("b.xml")});
    pugi::xml_document plain;
    BOOST_TEST_REQUIRE(static_cast<bool>(plain.load_file(t.file("b.xml").c_str())));
    tc = plain.select_node("//testcase[@name='c.refused']").node();
    BOOST_TEST(static_cast<bool>(tc.child("skipped")));
    BOOST_TEST(!tc.child("failure"));
    std::string host = plain.child("testsuites").child("testsuite").attribute("hostname").value();
    BOOST_TEST_REQUIRE(!host.empty());
    BOOST_TEST(tc.attribute("classname").value() == host + ".one.s");
}

BOOST_AUTO_TEST_SUITE_END()
