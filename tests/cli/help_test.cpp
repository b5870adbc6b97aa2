// What an admin sees first: the help, --version and the errors of a mistyped
// command line.
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <regex>
#include <sstream>

namespace {

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

// The text under "NAME:" up to the next blank line.
std::string group_text(const std::string& help, const std::string& name) {
    auto at = help.find("\n" + name + ":\n");
    if (at == std::string::npos) return {};
    at += name.size() + 3;
    return help.substr(at, help.find("\n\n", at) - at);
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_help)

BOOST_AUTO_TEST_CASE(preflight_alone_prints_the_help_and_exits_0) {
    auto r = preflight({});
    BOOST_TEST(r.exit_code == 0, r.err);
    BOOST_TEST(r.out == preflight({"--help"}).out);
    BOOST_TEST(r.out.find("Usage: preflight [OPTIONS] SUBCOMMAND") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("\n  run ") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(help_shows_placeholders_not_cli11_type_labels) {
    for (auto sub : {"run", "cert", "facts", "list", "schema", "explain"}) {
        auto r = preflight({sub, "--help"});
        BOOST_TEST(r.exit_code == 0, sub);
        // CLI11's own labels: FILE:FILE, N:UINT in [1 - 1000], TEXT:FILE ... REQUIRED,
        // in the column of option names (descriptions may say file:PATH).
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("  ", 0) != 0) continue;
            std::string names = line.substr(0, line.find("  ", 2));
            for (auto label : {":", "UINT", "TEXT", "REQUIRED", " in [", "INT", "...", "FLOAT"})
                BOOST_TEST(names.find(label) == std::string::npos,
                           sub << " shows " << label << ": " << line);
        }
        BOOST_TEST(r.out.back() == '\n', sub);
    }
    auto run = preflight({"run", "--help"}).out;
    BOOST_TEST(run.find("  --servers N ") != std::string::npos, run);
    BOOST_TEST(run.find("  --public-roots FILE|DIR ") != std::string::npos, run);
    BOOST_TEST(preflight({"cert", "--help"}).out.find("\n  FILE    ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(run_options_are_grouped_in_a_fixed_order) {
    auto help = preflight({"run", "--help"}).out;
    std::size_t last = 0;
    for (auto group :
         {"Checklist", "Targets and secrets", "Trust and proxy", "Reports", "Run control"}) {
        auto at = help.find(std::string("\n") + group + ":\n");
        BOOST_TEST_REQUIRE(at != std::string::npos, group << " missing:\n" << help);
        BOOST_TEST(at > last, group << " out of order");
        last = at;
    }
    BOOST_TEST(group_text(help, "Checklist").find("--only PATTERN") != std::string::npos);
    BOOST_TEST(group_text(help, "Targets and secrets").find("--set NAME=VALUE") !=
               std::string::npos);
    BOOST_TEST(group_text(help, "Trust and proxy").find("--proxy-password") != std::string::npos);
    BOOST_TEST(group_text(help, "Reports").find("--html FILE") != std::string::npos);
    BOOST_TEST(group_text(help, "Run control").find("--max-time SECONDS") != std::string::npos);
    // An option left out of the group table lands in "Other options": only
    // the help flag belongs there.
    auto other = group_text(help, "Other options");
    BOOST_TEST(other.find("--help") != std::string::npos, other);
    BOOST_TEST(other.find('\n') == std::string::npos, "ungrouped options:\n" << other);
}

BOOST_AUTO_TEST_CASE(mistyped_commands_and_options_get_a_suggestion) {
    auto r = preflight({"rn"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("preflight: 'rn' is not a command (run, cert,") == 0, r.err);
    BOOST_TEST(r.err.find("did you mean 'run'?") != std::string::npos, r.err);
    r = preflight({"run", "--chcklist", "acc-saas"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("preflight: ") == 0, r.err);
    BOOST_TEST(r.err.find("did you mean '--checklist'?") != std::string::npos, r.err);
    r = preflight({"cert", "--pasword", "env:X", "x.pem"});
    BOOST_TEST(r.err.find("did you mean '--password'?") != std::string::npos, r.err);
    // Far from everything: the error without a guess.
    r = preflight({"frobnicate"});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(r.err.find("did you mean") == std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(version_names_the_build_and_the_libraries_linked_in) {
    auto r = preflight({"--version"});
    BOOST_TEST(r.exit_code == 0);
    const std::string& v = r.out;
    BOOST_TEST(v.find("preflight 0.") == 0, v);
    BOOST_TEST(std::regex_search(v, std::regex("\ncommit: [0-9a-z.-]+\n")), v);
    BOOST_TEST(std::regex_search(v, std::regex("\nbuilt: 20[0-9]{2}-[01][0-9]-[0-3][0-9]\n")), v);
    BOOST_TEST(v.find("\ntarget: linux-x86_64\n") != std::string::npos, v);
    BOOST_TEST(std::regex_search(v, std::regex("\nOpenSSL: OpenSSL [0-9]+\\.[0-9]+")), v);
    BOOST_TEST(std::regex_search(v, std::regex("\nlibcurl: libcurl [0-9]+\\.[0-9]+")), v);
    BOOST_TEST(std::regex_search(v, std::regex("\npugixml: pugixml 1\\.[0-9]+\n")), v);
    BOOST_TEST(std::regex_search(v, std::regex("\nLDAP: OpenLDAP liblber [0-9]+\\.[0-9]+")), v);
}

BOOST_AUTO_TEST_SUITE_END()
