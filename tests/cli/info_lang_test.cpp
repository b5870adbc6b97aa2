// `preflight explain`, `preflight list` and `preflight facts` in the user's
// language: the labels around a checklist's own texts, the meanings of the
// reason codes, what each probe kind does and the host facts' labels are
// Japanese with --lang ja (given before the command or after it), and the
// labels line up by terminal columns; English is as before.
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

// The first line of out that starts with start ("" when none).
std::string line_starting(const std::string& out, const std::string& start) {
    for (const auto& line : lines_of(out))
        if (line.rfind(start, 0) == 0) return line;
    return {};
}

// The first line of out that holds part ("" when none).
std::string line_with(const std::string& out, const std::string& part) {
    for (const auto& line : lines_of(out))
        if (contains(line, part)) return line;
    return {};
}

// The keys of a JSON object written one member a line ("  \"key\": value").
std::vector<std::string> json_keys(const std::string& json) {
    std::vector<std::string> out;
    for (const auto& line : lines_of(json))
        out.push_back(line.substr(0, line.find(':')));
    return out;
}

// Words of the English reason meanings, probe kinds' descriptions and fact
// labels; none is a name that stays as it is in Japanese.
const std::vector<std::string> english_words{
    " the ",          " is ",         " not ",      " does ",        " was ",     " with ",
    " and ",          " has ",        " cannot ",   "Checks ",       "Compares",  "Resolves",
    "Connects",       "Sends ",       "Makes ",     "Opens ",        "Samples ",  "Asks ",
    "Keeps ",         "certificate ", " failed",    " answered",     "hostname:", "kernel:",
    "logical cores:", "cpu model:",   "disk free:", "administrator:"};

void no_english_words(const std::string& text, const std::string& what) {
    for (const auto& w : english_words)
        BOOST_TEST(!contains(text, w), what << " has '" << w << "': " << text);
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

BOOST_AUTO_TEST_CASE(reason_meanings_are_japanese_and_the_codes_stay) {
    auto en = preflight({"list", "--reasons", "--lang", "en"});
    auto ja = preflight({"list", "--reasons", "--lang", "ja"});
    BOOST_TEST_REQUIRE(ja.exit_code == 0, ja.err);
    auto en_lines = lines_of(en.out), ja_lines = lines_of(ja.out);
    BOOST_TEST_REQUIRE(ja_lines.size() == en_lines.size());
    BOOST_TEST(ja_lines.size() > 80u);
    for (std::size_t i = 0; i < ja_lines.size(); ++i) {
        // The code is the same machine name; only the meaning is translated.
        auto code = en_lines[i].substr(0, en_lines[i].find("  ") + 2);
        BOOST_TEST(ja_lines[i].rfind(code, 0) == 0u, ja_lines[i]);
        auto meaning = ja_lines[i].substr(std::min(code.size(), ja_lines[i].size()));
        BOOST_TEST(has_japanese(meaning), ja_lines[i]);
        no_english_words(meaning, code);
    }
    BOOST_TEST(contains(ja.out, "\nincomplete_chain  サーバが中間証明書を送信しない\n"), ja.out);
    // English word for word as checklists/README.md documents it.
    BOOST_TEST(contains(en.out, "\nok  the requirement is met\n"), en.out);
    BOOST_TEST(contains(en.out, "\ntimed_out  no answer before the deadline: filtered by a "
                                "firewall, or the host is down\n"),
               en.out);
}

BOOST_AUTO_TEST_CASE(probe_kinds_are_described_in_japanese) {
    auto en = preflight({"list", "--probes", "--lang", "en"});
    auto ja = preflight({"list", "--probes", "--lang", "ja"});
    BOOST_TEST_REQUIRE(ja.exit_code == 0, ja.err);
    std::size_t kinds = 0;
    for (const auto& line : lines_of(ja.out)) {
        if (line.empty() || line[0] == ' ') continue; // a parameter's line
        ++kinds;
        auto name = line.substr(0, line.find("  ") + 2);
        auto description = line.substr(std::min(name.size(), line.size()));
        BOOST_TEST(has_japanese(description), line);
        no_english_words(description, name);
        // The kind's name stays: checklists name it in <probe kind="...">.
        BOOST_TEST(!line_starting(en.out, name).empty(), name);
    }
    BOOST_TEST(kinds == 22u, ja.out);
    BOOST_TEST(
        contains(ja.out, "\ndns  ホスト名を名前解決し、そのすべてのアドレスを一覧表示する\n"));
    BOOST_TEST(contains(en.out, "\ndns  Resolves a host name and lists every address it has\n"),
               en.out);
    BOOST_TEST(contains(en.out, "\ncert-file  A certificate file (PEM, DER, PKCS#12): private "
                                "key, chain, expiry, key size, signature, and the profile's EKU, "
                                "SAN or APNs topic\n"),
               en.out);
}

BOOST_AUTO_TEST_CASE(explain_says_what_the_probe_does_in_japanese) {
    auto ja = preflight(
        {"explain", "--lang", "ja", "--checklist", "acc-saas", "general.service-accounts"});
    BOOST_TEST_REQUIRE(ja.exit_code == 0, ja.err);
    auto checks = line_with(ja.out, "  dns: ");
    BOOST_TEST_REQUIRE(!checks.empty(), ja.out);
    auto what = checks.substr(checks.find("dns: "));
    BOOST_TEST(what == "dns: ホスト名を名前解決し、そのすべてのアドレスを一覧表示する", checks);
    no_english_words(what, "explain");
    auto en = preflight(
        {"explain", "--lang", "en", "--checklist", "acc-saas", "general.service-accounts"});
    BOOST_TEST(contains(en.out, "\n  checks:      dns: Resolves a host name and lists every "
                                "address it has\n"),
               en.out);
}

BOOST_AUTO_TEST_CASE(facts_labels_are_japanese_and_json_is_the_same_in_every_language) {
    auto ja = preflight({"facts", "--lang", "ja"});
    BOOST_TEST_REQUIRE(ja.exit_code == 0, ja.err);
    auto lines = lines_of(ja.out);
    BOOST_TEST_REQUIRE(lines.size() >= 12u, ja.out);
    for (const auto& line : lines) {
        auto colon = line.find(": ");
        BOOST_TEST_REQUIRE(colon != std::string::npos, line);
        auto label = line.substr(0, colon);
        // Product names are labels Japanese writes as English does.
        if (label != "OS" && label != ".NET Framework" && label != "PowerShell")
            BOOST_TEST(has_japanese(label), line);
        no_english_words(label + ":", "facts");
    }
    BOOST_TEST(
        (contains(ja.out, "\n管理者権限: はい\n") || contains(ja.out, "\n管理者権限: いいえ\n")),
        ja.out);
    auto en = preflight({"facts", "--lang", "en"});
    BOOST_TEST(en.out.rfind("hostname: ", 0) == 0u, en.out);
    for (const char* label : {"\nos: ", "\nkernel: ", "\nlogical cores: ", "\nram: ",
                              "\ndisk free: ", "\nadministrator: "})
        BOOST_TEST(contains(en.out, label), label);
    // JSON is for machines: the same keys, and words such as unknown are
    // null, in both languages (the free disk space may change in between).
    auto json_en = preflight({"facts", "--json", "--lang", "en"});
    auto json_ja = preflight({"--lang", "ja", "facts", "--json"});
    BOOST_TEST(json_ja.exit_code == 0, json_ja.err);
    BOOST_TEST(json_keys(json_ja.out) == json_keys(json_en.out), json_ja.out);
    BOOST_TEST(!has_japanese(json_ja.out), json_ja.out);
}

BOOST_AUTO_TEST_CASE(lang_before_the_command_applies_to_it) {
    auto after = preflight({"list", "--lang", "ja"});
    auto before = preflight({"--lang", "ja", "list"});
    BOOST_TEST_REQUIRE(before.exit_code == 0, before.err);
    BOOST_TEST(before.out == after.out);
    BOOST_TEST(contains(before.out, " 件; "), before.out);
    BOOST_TEST(preflight({"--lang=ja", "list", "--reasons"}).out ==
               preflight({"list", "--reasons", "--lang", "ja"}).out);
    // The command's own --lang wins over the one before it.
    auto both = preflight({"--lang", "ja", "list", "--lang", "en"});
    BOOST_TEST(contains(both.out, " checks; "), both.out);
    // A mistyped command after --lang is the mistake named, not the value.
    auto typo = preflight({"--lang", "en", "lst"});
    BOOST_TEST(typo.exit_code == 3);
    BOOST_TEST(typo.err.rfind("preflight: 'lst' is not a command (run, cert,", 0) == 0u, typo.err);
    BOOST_TEST(contains(typo.err, "list"), typo.err);
    auto bad = preflight({"--lang", "fr", "list"});
    BOOST_TEST(bad.exit_code == 3);
    BOOST_TEST(contains(bad.err, "--lang"), bad.err);
    // The help before the command lists it with the other options.
    BOOST_TEST(contains(preflight({"--help"}).out, "\n  --lang ja|en "));
}

BOOST_AUTO_TEST_SUITE_END()
