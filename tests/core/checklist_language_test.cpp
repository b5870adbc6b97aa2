#include "app/registries.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "core/loader.hpp"
#include "core/localized.hpp"
#include "support/checklist_text.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

// A checklist with Japanese texts in the format of checklists/*.xml;
// extra goes into the check, param_extra into the parameter.
std::string bilingual(const std::string& extra = "", const std::string& param_extra = "") {
    return "<?xml version=\"1.0\"?>\n"
           "<checklist id=\"t\" title=\"Prerequisites\">\n"
           "  <title xml:lang=\"ja\">前提条件</title>\n"
           "  <source document=\"Guide\"/>\n"
           "  <description>English description</description>\n"
           "  <description xml:lang=\"ja\">日本語の説明</description>\n"
           "  <parameters>\n"
           "    <param name=\"h\" description=\"The host\" hint=\"a DNS name\" default=\"x\">\n"
           "      <description xml:lang=\"ja\">ホスト</description>\n"
           "      <hint xml:lang=\"ja\">DNS 名</hint>\n" +
           param_extra +
           "    </param>\n"
           "  </parameters>\n"
           "  <section id=\"net\" title=\"Network\">\n"
           "    <title xml:lang=\"ja\">ネットワーク</title>\n"
           "    <check id=\"c1\" title=\"Port open\" severity=\"required\">\n"
           "      <title xml:lang=\"ja\">ポートが開いている</title>\n"
           "      <probe kind=\"tcp\" host=\"${h}\" port=\"443\"/>\n"
           "      <requirement>Open 443</requirement>\n"
           "      <requirement xml:lang=\"ja-JP\">443 を開く</requirement>\n"
           "      <fix>Open the firewall</fix>\n"
           "      <fix xml:lang=\"ja\">\n        ファイアウォールを\n        開きます\n      "
           "</fix>\n" +
           extra +
           "    </check>\n"
           "    <check id=\"c2\" title=\"Only English\" severity=\"required\">\n"
           "      <probe kind=\"tcp\" host=\"${h}\" port=\"80\"/>\n"
           "      <requirement>Open 80</requirement>\n"
           "      <fix>Open it</fix>\n"
           "    </check>\n"
           "  </section>\n"
           "</checklist>\n";
}

struct ActiveLanguage {
    explicit ActiveLanguage(Language l) { set_active_language(l); }
    ~ActiveLanguage() { set_active_language(Language::en); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(checklist_language)

BOOST_AUTO_TEST_CASE(english_stays_and_translations_are_kept_beside_it) {
    auto c = load_checklist_text(bilingual(), "t.xml", builtin_probes());
    BOOST_TEST(c.title == "Prerequisites");
    BOOST_TEST(c.title_tr.at(Language::ja) == "前提条件");
    BOOST_TEST(c.description == "English description");
    const Check& k = c.sections[0].checks[0];
    BOOST_TEST(k.title == "Port open");
    BOOST_TEST(k.requirement == "Open 443");
    BOOST_TEST(k.requirement_tr.at(Language::ja) == "443 を開く");
    BOOST_TEST(k.fix == "Open the firewall");
    BOOST_TEST(k.fix_tr.at(Language::ja) == "ファイアウォールを 開きます");
    BOOST_TEST(c.params[0].hint == "a DNS name");
}

BOOST_AUTO_TEST_CASE(localize_puts_japanese_in_place_and_keeps_english_where_none) {
    ActiveLanguage ja(Language::ja);
    auto c = load_checklist_text(bilingual(), "t.xml", builtin_probes());
    BOOST_TEST(c.id == "t");
    BOOST_TEST(c.title == "前提条件");
    BOOST_TEST(c.description == "日本語の説明");
    BOOST_TEST(c.params[0].description == "ホスト");
    BOOST_TEST(c.params[0].hint == "DNS 名");
    BOOST_TEST(c.sections[0].title == "ネットワーク");
    const Check& k = c.sections[0].checks[0];
    BOOST_TEST(k.id == "c1");
    BOOST_TEST(k.title == "ポートが開いている");
    BOOST_TEST(k.section_title == "ネットワーク");
    BOOST_TEST(k.requirement == "443 を開く");
    BOOST_TEST(k.fix == "ファイアウォールを 開きます");
    BOOST_TEST(english_title(k) == "Port open");
    const Check& english = c.sections[0].checks[1];
    BOOST_TEST(english_title(english) == "Only English");
    BOOST_TEST(english.title == "Only English");
    BOOST_TEST(english.fix == "Open it");
}

BOOST_AUTO_TEST_CASE(service_titles_have_translations_too) {
    std::string text = bilingual();
    text.replace(text.find("  <section"), 0,
                 "  <services>\n"
                 "    <service id=\"ldap\" title=\"Directory\">\n"
                 "      <title xml:lang=\"ja\">ディレクトリ</title>\n"
                 "    </service>\n"
                 "    <service id=\"plain\" title=\"Plain\"/>\n"
                 "  </services>\n");
    auto en = load_checklist_text(text, "t.xml", builtin_probes());
    BOOST_TEST(en.services[0].title == "Directory");
    BOOST_TEST(en.services[0].title_tr.at(Language::ja) == "ディレクトリ");
    ActiveLanguage ja(Language::ja);
    auto c = load_checklist_text(text, "t.xml", builtin_probes());
    BOOST_TEST(c.services[0].title == "ディレクトリ");
    BOOST_TEST(c.services[1].title == "Plain");
    // The English title belongs in the attribute; the error is in the
    // language of the run.
    text.replace(text.find("<title xml:lang=\"ja\">ディレクトリ"), 0, "<title>Dir</title>");
    BOOST_TEST(pft::checklist_error(text).find("xml:lang のない (または英語の) <title>") !=
                   std::string::npos,
               pft::checklist_error(text));
}

BOOST_AUTO_TEST_CASE(a_language_preflight_cannot_show_is_named_with_its_line) {
    // Text nobody would ever see is a mistake to report, as the schema does.
    auto e = pft::checklist_error(bilingual("      <fix xml:lang=\"de\">Öffnen</fix>\n"));
    BOOST_TEST(e.find("t.xml:25:") == 0, e);
    BOOST_TEST(e.find("xml:lang='de': preflight shows checklists in en and ja only") !=
                   std::string::npos,
               e);
}

BOOST_AUTO_TEST_CASE(a_language_given_twice_is_named_with_its_line) {
    // ja-JP and ja are the same language.
    auto e = pft::checklist_error(bilingual("      <fix xml:lang=\"ja\">二つ目</fix>\n"));
    BOOST_TEST(e.find("t.xml:25:") == 0, e);
    BOOST_TEST(e.find("<fix> in 'ja' is given twice") != std::string::npos, e);
    e = pft::checklist_error(bilingual("      <fix xml:lang=\"ja-JP\">b</fix>\n"));
    BOOST_TEST(e.find("t.xml:25:") == 0, e);
    BOOST_TEST(e.find("'ja' is given twice") != std::string::npos, e);
    // A second English text, unmarked or marked en.
    e = pft::checklist_error(bilingual("      <fix xml:lang=\"en\">again</fix>\n"));
    BOOST_TEST(e.find("'en' is given twice") != std::string::npos, e);
    e = pft::checklist_error(bilingual("", "      <hint xml:lang=\"ja\">二つ目</hint>\n"));
    BOOST_TEST(e.find("t.xml:11:") == 0, e);
}

BOOST_AUTO_TEST_CASE(bad_or_misplaced_translations_are_refused) {
    auto e = pft::checklist_error(bilingual("      <fix xml:lang=\"日本\">x</fix>\n"));
    BOOST_TEST(e.find("t.xml:25:") == 0, e);
    BOOST_TEST(e.find("expected a language tag") != std::string::npos, e);
    e = pft::checklist_error(bilingual("      <fix xml:lang=\"ja\">  </fix>\n"));
    BOOST_TEST(e.find("is empty") != std::string::npos, e);
    // The English title is the attribute: an unmarked <title> is a second one.
    e = pft::checklist_error(bilingual("      <title>Again</title>\n"));
    BOOST_TEST(e.find("the English text is the title attribute") != std::string::npos, e);
    e = pft::checklist_error(bilingual("      <fix xml:lang=\"ja\" note=\"x\">x</fix>\n"));
    BOOST_TEST(!e.empty());
}

BOOST_AUTO_TEST_SUITE_END()
