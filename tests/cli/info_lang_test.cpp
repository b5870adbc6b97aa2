// `preflight explain` and `preflight list` in the user's language: the
// labels around a checklist's own texts are Japanese with --lang ja and
// line up by terminal columns; English is as before.
#include "support/japanese_text.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <sstream>

using pft::contains;
using pft::has_japanese;

namespace {

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

// Columns in a terminal: kana and kanji (three UTF-8 bytes) take two.
std::size_t columns(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += c < 0x80 || (c >= 0xC0 && c < 0xE0) ? 1 : c >= 0xE0 ? 2 : 0;
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_info_lang)

BOOST_AUTO_TEST_CASE(explain_labels_are_japanese_and_aligned) {
    // A check of a service: every label appears.
    auto r = preflight(
        {"explain", "--lang", "ja", "--checklist", "acc-saas", "general.service-accounts"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    auto lines = lines_of(r.out);
    BOOST_TEST_REQUIRE(lines.size() >= 9u, r.out);
    // The labelled lines: two spaces, a label ending in ':', spaces, the value.
    std::vector<std::size_t> starts;
    for (const auto& line : lines) {
        if (line.rfind("  ", 0) != 0 || line.rfind("   ", 0) == 0) continue;
        auto colon = line.find(':');
        auto value = line.find_first_not_of(' ', colon + 1);
        BOOST_TEST(has_japanese(line.substr(0, colon)), line);
        starts.push_back(columns(line.substr(0, value)));
    }
    BOOST_TEST(starts.size() == 7u, r.out);
    for (auto s : starts)
        BOOST_TEST(s == starts.front(), r.out);
    BOOST_TEST(contains(r.out, "--service ldap"), r.out);
    for (const char* english : {"checklist:", "section:", "severity:", "service:", "requirement:",
                                "fix:", "runs only with", "set with", "required"})
        BOOST_TEST(!contains(r.out, english), english);
}

BOOST_AUTO_TEST_CASE(explain_and_list_in_english_are_as_before) {
    auto r = preflight(
        {"explain", "--lang", "en", "--checklist", "acc-saas", "general.service-accounts"});
    BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
    BOOST_TEST(contains(r.out, "\n  checklist:   acc-saas ("), r.out);
    BOOST_TEST(contains(r.out, "\n  severity:    required\n"), r.out);
    BOOST_TEST(contains(r.out, "\n  service:     ldap ("), r.out);
    BOOST_TEST(contains(r.out, "; runs only with --service ldap)\n"), r.out);
    BOOST_TEST(contains(r.out, " [set with --set ldap_host=…]\n"), r.out);
    BOOST_TEST(contains(r.out, "\n               (AirWatch Cloud Connector"), r.out);
    BOOST_TEST(contains(r.out, "\n  fix:         "), r.out);
    auto list = preflight({"list", "--lang", "en"});
    BOOST_TEST(contains(list.out, " checks; "), list.out);
    auto ja = preflight({"list", "--lang", "ja"});
    BOOST_TEST(!contains(ja.out, " checks; "), ja.out);
    BOOST_TEST(contains(ja.out, " 件; "), ja.out);
}

BOOST_AUTO_TEST_SUITE_END()
