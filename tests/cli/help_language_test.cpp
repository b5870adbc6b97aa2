// The help in the user's language: --lang in the command line, else the
// locale, decides it before the command line is parsed; English help is the
// same whichever way English is chosen.
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <sstream>

namespace {

// preflight under a locale: env(1) sets it for preflight only.
pft::CommandResult preflight_in_locale(const std::string& locale, std::vector<std::string> args) {
    args.insert(args.begin(),
                {"/usr/bin/env", "LC_ALL=", "LC_MESSAGES=", "LANG=" + locale, PREFLIGHT_BINARY});
    return pft::run(args);
}

// Whether s holds hiragana, katakana or kanji: their UTF-8 lead bytes are
// E3 to E9, never ASCII.
bool has_japanese(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0xE3 && c <= 0xE9) return true;
    return false;
}

// Each option of the help with its description, continuation lines joined:
// "  --checklist NAME|FILE  組み込み…".
std::vector<std::string> option_entries(const std::string& help) {
    std::vector<std::string> out;
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("  -", 0) == 0)
            out.push_back(line);
        else if (line.rfind("    ", 0) == 0 && !out.empty())
            out.back() += " " + line;
    }
    return out;
}

// Sentences of the English help; none may be left in the Japanese one.
const char* const english_phrases[] = {
    "Usage:",      "Run control",     "Other options", "Trust and proxy",       "Subcommands:",
    "Exit codes",  "Print this",      "Write the",     "Deadline in",           "comma-separated",
    "the default", "Display program", "instead of",    "Language of the output"};

// Columns in a terminal: kana and kanji (three UTF-8 bytes) take two.
std::size_t columns(const std::string& line) {
    std::size_t n = 0;
    for (unsigned char c : line)
        n += c < 0x80 || (c >= 0xC0 && c < 0xE0) ? 1 : c >= 0xE0 ? 2 : 0;
    return n;
}

void expect_japanese(const std::string& help, const std::string& what) {
    // Descriptions wrap at 80 columns as in English, between Japanese
    // characters too (they have no spaces), never before 、 or 。.
    std::istringstream lines(help);
    for (std::string line; std::getline(lines, line);) {
        // Options and their continuation lines; CLI11 writes the commands'
        // list unwrapped, in English too.
        if (line.rfind("  -", 0) != 0 && line.rfind("    ", 0) != 0) continue;
        BOOST_TEST(columns(line) <= 80, what << ": " << line);
        auto text = line.find_first_not_of(' ');
        BOOST_TEST(line.compare(text, 3, "、") != 0, what << ": " << line);
        BOOST_TEST(line.compare(text, 3, "。") != 0, what << ": " << line);
    }
    BOOST_TEST(!option_entries(help).empty(), what << ": " << help);
    for (const auto& entry : option_entries(help))
        BOOST_TEST(has_japanese(entry.substr(30)), what << ": " << entry);
    for (const char* phrase : english_phrases)
        BOOST_TEST(help.find(phrase) == std::string::npos, what << " says '" << phrase << "'");
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_help_language)

BOOST_AUTO_TEST_CASE(lang_ja_gives_japanese_help_for_every_command) {
    auto run = preflight_in_locale("C", {"--lang", "ja", "run", "--help"});
    BOOST_TEST(run.exit_code == 0, run.err);
    for (auto group : {"\nチェックリスト:\n", "\n対象とシークレット:\n", "\n信頼とプロキシ:\n",
                       "\nレポート:\n", "\n実行の制御:\n", "\nその他のオプション:\n"})
        BOOST_TEST(run.out.find(group) != std::string::npos, group << " in " << run.out);
    BOOST_TEST(run.out.find("使い方: preflight run [OPTIONS]") != std::string::npos, run.out);
    // Option names and placeholders stay as typed.
    BOOST_TEST(run.out.find("  --timeout SECONDS ") != std::string::npos, run.out);
    BOOST_TEST(run.out.find("  --html FILE ") != std::string::npos, run.out);
    expect_japanese(run.out, "--lang ja run --help");
    BOOST_TEST(preflight_in_locale("C", {"run", "--help", "--lang", "ja"}).out == run.out);
    for (auto sub : {"cert", "facts", "list", "schema", "explain", "bundle"}) {
        auto r = preflight_in_locale("C", {sub, "--help", "--lang=ja"});
        BOOST_TEST(r.exit_code == 0, sub << ": " << r.err);
        expect_japanese(r.out, std::string(sub) + " --help --lang=ja");
    }
}

BOOST_AUTO_TEST_CASE(a_japanese_locale_gives_japanese_help) {
    auto top = preflight_in_locale("ja_JP.UTF-8", {"--help"});
    BOOST_TEST(top.exit_code == 0, top.err);
    BOOST_TEST(top.out.find("\nサブコマンド:\n") != std::string::npos, top.out);
    BOOST_TEST(top.out.find("終了コード: 0 すべて合格") != std::string::npos, top.out);
    expect_japanese(top.out, "LANG=ja_JP.UTF-8 --help");
    auto run = preflight_in_locale("ja_JP.UTF-8", {"run", "--help"});
    expect_japanese(run.out, "LANG=ja_JP.UTF-8 run --help");
    // preflight alone is the help too.
    BOOST_TEST(preflight_in_locale("ja_JP.UTF-8", {}).out == top.out);
}

BOOST_AUTO_TEST_CASE(english_help_is_the_same_by_lang_or_by_locale) {
    for (auto sub : {"run", "cert", "facts", "list", "schema", "explain", "bundle"}) {
        auto c = preflight_in_locale("C", {sub, "--help"});
        BOOST_TEST(c.exit_code == 0, sub << ": " << c.err);
        BOOST_TEST(!has_japanese(c.out), sub << ": " << c.out);
        BOOST_TEST(c.out.find("Usage: preflight " + std::string(sub)) != std::string::npos, c.out);
        BOOST_TEST(preflight_in_locale("ja_JP.UTF-8", {sub, "--lang", "en", "--help"}).out == c.out,
                   sub);
        BOOST_TEST(preflight_in_locale("C", {sub, "--help", "--lang=en"}).out == c.out, sub);
    }
    auto top = preflight_in_locale("C", {"--help"}).out;
    BOOST_TEST(top.find("Exit codes: 0 all passed") != std::string::npos, top);
    BOOST_TEST(top.find("\nSubcommands:\n") != std::string::npos, top);
    BOOST_TEST(preflight_in_locale("en_US.UTF-8", {"--help"}).out == top);
}

BOOST_AUTO_TEST_SUITE_END()
