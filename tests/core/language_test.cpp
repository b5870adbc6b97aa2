#include "base/catalog.hpp"
#include "base/human_format.hpp"
#include "base/language.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

// Sets the run's language for one test and gives English back after it.
struct ActiveLanguage {
    explicit ActiveLanguage(Language l) { set_active_language(l); }
    ~ActiveLanguage() { set_active_language(Language::en); }
};

bool has_japanese(const std::string& s) {
    // Hiragana, katakana and the common CJK ideographs all start with
    // lead byte E3 to E9 in UTF-8; ASCII never does.
    for (unsigned char c : s)
        if (c >= 0xE3 && c <= 0xE9) return true;
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(language)

BOOST_AUTO_TEST_CASE(tags_and_locale_names_name_the_language) {
    BOOST_TEST((language_of_tag("ja") == Language::ja));
    BOOST_TEST((language_of_tag("ja-JP") == Language::ja));
    BOOST_TEST((language_of_tag("ja_JP.UTF-8") == Language::ja));
    BOOST_TEST((language_of_tag("JA") == Language::ja));
    BOOST_TEST((language_of_tag("en_US.UTF-8") == Language::en));
    BOOST_TEST(!language_of_tag("jav").has_value());
    BOOST_TEST(!language_of_tag("fr_FR").has_value());
    BOOST_TEST(!language_of_tag("C").has_value());
    BOOST_TEST(!language_of_tag("").has_value());
    BOOST_TEST(is_language_tag("ja"));
    BOOST_TEST(is_language_tag("zh-Hant-TW"));
    BOOST_TEST(!is_language_tag("j"));
    BOOST_TEST(!is_language_tag("ja_JP"));
    BOOST_TEST(!is_language_tag("ja-"));
    BOOST_TEST(!is_language_tag("1a"));
}

BOOST_AUTO_TEST_CASE(the_first_locale_variable_set_decides) {
    BOOST_TEST((language_of_locale(nullptr, nullptr, "ja_JP.UTF-8") == Language::ja));
    BOOST_TEST((language_of_locale(nullptr, "ja_JP.UTF-8", "en_US.UTF-8") == Language::ja));
    // LC_ALL overrides the others, also when it names a language preflight
    // does not speak: English then, not the next variable's Japanese.
    BOOST_TEST((language_of_locale("C", "ja_JP.UTF-8", "ja") == Language::en));
    BOOST_TEST((language_of_locale("", "", "ja") == Language::ja));
    BOOST_TEST((language_of_locale("fr_FR.UTF-8", nullptr, nullptr) == Language::en));
    BOOST_TEST((language_of_locale(nullptr, nullptr, nullptr) == Language::en));
}

BOOST_AUTO_TEST_CASE(plural_choices_agree_with_the_number) {
    auto c = Catalog::parse("k = {count} {count|address|addresses} of {host}\n"
                            "e = {n|one|} and {n||many}\n",
                            "t.txt");
    BOOST_TEST(render(msg("k", {{"count", 1}, {"host", "h"}}), c) == "1 address of h");
    BOOST_TEST(render(msg("k", {{"count", 3}, {"host", "h"}}), c) == "3 addresses of h");
    BOOST_TEST(render(msg("k", {{"count", 0}, {"host", "h"}}), c) == "0 addresses of h");
    BOOST_TEST(render(msg("e", {{"n", 1}}), c) == "one and ");
    BOOST_TEST(render(msg("e", {{"n", 2}}), c) == " and many");
    BOOST_TEST((placeholders(*c.find("k")) == std::vector<std::string>{"count", "count", "host"}));
    BOOST_TEST(message_problem(msg("k", {{"host", "h"}}), c) ==
               "message 'k' has no argument for {count}");
    // Not a choice: left as written, never read as a placeholder.
    auto odd = Catalog::parse("k = {n|a} {n|a|b|c} {n|" + std::string(70, 'x') + "|y}\n", "t.txt");
    BOOST_TEST(placeholders(*odd.find("k")).empty());
    BOOST_TEST(render(msg("k", {{"n", 1}}), odd) == *odd.find("k"));
}

BOOST_AUTO_TEST_CASE(a_key_the_translation_lacks_reads_in_english) {
    Catalog ja = Catalog::parse("a = エー {x}\n", "ja.txt");
    ja.fill_from(Catalog::parse("a = A {x}\nb = B {y}\n", "en.txt"));
    BOOST_TEST(render(msg("a", {{"x", "1"}}), ja) == "エー 1");
    BOOST_TEST(render(msg("b", {{"y", "2"}}), ja) == "B 2");
}

BOOST_AUTO_TEST_CASE(the_japanese_catalog_is_compiled_in_and_complete_by_fallback) {
    const Catalog& ja = catalog_for(Language::ja);
    for (const auto& [key, text] : english_catalog().entries())
        BOOST_TEST(ja.find(key) != nullptr, key);
    // Keys the language tests rely on are translated (base/messages/ja.txt).
    for (const char* key : {"unit.seconds", "unit.milliseconds", "connect.refused"}) {
        BOOST_REQUIRE(ja.find(key));
        BOOST_TEST(has_japanese(*ja.find(key)), key);
        BOOST_TEST(*ja.find(key) != *english_catalog().find(key));
        BOOST_TEST((placeholders(*ja.find(key)).size() > 0));
    }
}

BOOST_AUTO_TEST_CASE(the_active_language_words_units_and_dates) {
    BOOST_TEST(duration_text(std::chrono::milliseconds(850)) == "850 ms");
    BOOST_TEST(duration_text(std::chrono::milliseconds(4800)) == "4.8 s");
    BOOST_TEST(duration_text(std::chrono::milliseconds(125'000)) == "2 min 5 s");
    BOOST_TEST(date_text("2027-01-14T09:30:00Z") == "2027-01-14");
    BOOST_TEST(date_time_text("2027-01-14T09:30:00Z") == "2027-01-14 09:30 UTC");
    {
        ActiveLanguage ja(Language::ja);
        BOOST_TEST(duration_text(std::chrono::milliseconds(4800)) == "4.8 秒");
        BOOST_TEST(duration_text(std::chrono::milliseconds(850)) == "850 ミリ秒");
        BOOST_TEST(duration_text(std::chrono::milliseconds(125'000)) == "2 分 5 秒");
        BOOST_TEST(date_text("2027-01-14T09:30:00Z") == "2027年1月14日");
        BOOST_TEST(date_text("2026-12-01") == "2026年12月1日");
        BOOST_TEST(date_time_text("2027-01-14T09:30:00Z") == "2027年1月14日 09:30 UTC");
        BOOST_TEST(date_time_text(std::chrono::system_clock::time_point{}) ==
                   "1970年1月1日 00:00 UTC");
        // Not a date: kept as given rather than misread.
        BOOST_TEST(date_text("unknown") == "unknown");
        BOOST_TEST(date_text("2027-1-14") == "2027-1-14");
    }
    BOOST_TEST(with_seconds("1.5") == "1.5 s");
}

BOOST_AUTO_TEST_SUITE_END()
