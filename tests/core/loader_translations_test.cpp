// Japanese texts beside the English ones (issue 14): the built-in checklists
// carry <title xml:lang="ja"> and the like, and both the loader and the XSD
// must take them.
#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/loader.hpp"
#include "support/checklist_text.hpp"
#include "support/preconditions.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

// Every place a translation may stand, in the order checklists/README.md gives.
std::string translated(const std::string& requirement_ja) {
    return "<?xml version=\"1.0\"?>\n"
           "<checklist id=\"t\" title=\"T\">\n"
           "  <title xml:lang=\"ja\">チェックリスト</title>\n"
           "  <source document=\"Guide\"/>\n"
           "  <description>About.</description>\n"
           "  <description xml:lang=\"ja\">説明。</description>\n"
           "  <parameters>\n"
           "    <param name=\"h\" description=\"a host\" hint=\"name only\" default=\"a\">\n"
           "      <description xml:lang=\"ja\">ホスト</description>\n"
           "      <hint xml:lang=\"ja\">名前のみ</hint>\n"
           "    </param>\n"
           "  </parameters>\n"
           "  <section id=\"net\" title=\"Network\">\n"
           "    <title xml:lang=\"ja\">ネットワーク</title>\n"
           "    <check id=\"c1\" title=\"C\" severity=\"required\">\n"
           "      <title xml:lang=\"ja\">チェック</title>\n"
           "      <probe kind=\"dns\" host=\"${h}\"/>\n"
           "      <requirement>words</requirement>\n" +
           requirement_ja +
           "      <fix>do it</fix>\n"
           "      <fix xml:lang=\"ja\">してください。</fix>\n"
           "    </check>\n"
           "  </section>\n"
           "</checklist>\n";
}

const std::string ja_requirement = "      <requirement xml:lang=\"ja\">要件</requirement>\n";

} // namespace

BOOST_AUTO_TEST_SUITE(loader_translations)

BOOST_AUTO_TEST_CASE(japanese_texts_load_and_the_english_ones_are_read) {
    auto c = load_checklist_text(translated(ja_requirement), "t.xml", builtin_probes());
    BOOST_TEST(c.title == "T");
    BOOST_TEST(c.description == "About.");
    BOOST_REQUIRE(c.params.size() == 1u);
    BOOST_TEST(c.params[0].description == "a host");
    BOOST_TEST(c.params[0].hint == "name only");
    BOOST_REQUIRE(c.sections.size() == 1u);
    BOOST_TEST(c.sections[0].title == "Network");
    const Check* k = c.find_check("c1");
    BOOST_REQUIRE(k);
    BOOST_TEST(k->title == "C");
    BOOST_TEST(k->requirement == "words");
    BOOST_TEST(k->fix == "do it");
}

BOOST_AUTO_TEST_CASE(a_title_in_a_language_preflight_cannot_show_is_an_error) {
    auto text = translated(ja_requirement);
    text.replace(text.find("<title xml:lang=\"ja\">"), 21, "<title xml:lang=\"fr\">");
    auto e = pft::checklist_error(text);
    BOOST_TEST(
        e.find("t.xml:3:10: xml:lang='fr': preflight shows checklists in en and ja only") == 0, e);
}

BOOST_AUTO_TEST_CASE(xsd_takes_japanese_texts_offline_and_refuses_doubles, *pft::needs_xmllint()) {
    // --nonet: the schema's xml:lang comes from checklists/xml.xsd, not from
    // the W3C's site, so validation works on a machine without network.
    pft::TempDir t;
    std::string xsd = PREFLIGHT_SOURCE_DIR "/checklists/checklist.xsd";
    auto lint = [&](const std::string& name, const std::string& text) {
        return pft::run({XMLLINT, "--nonet", "--noout", "--schema", xsd, t.write(name, text)});
    };
    auto ok = lint("ok.xml", translated(ja_requirement));
    BOOST_TEST(ok.exit_code == 0, ok.err);
    BOOST_TEST(lint("two.xml", translated(ja_requirement + ja_requirement)).exit_code != 0);
    BOOST_TEST(
        lint("fr.xml", translated("      <requirement xml:lang=\"fr\">exigence</requirement>\n"))
            .exit_code != 0);
}

BOOST_AUTO_TEST_SUITE_END()
