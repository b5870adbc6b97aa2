// A bad checklist or --set in a Japanese run: the built preflight stops with
// exit code 3 before anything is sent, and says why in Japanese on stderr,
// still naming the file:line:column or the option and the field.
#include "support/japanese_text.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

namespace {

using pft::contains;
using pft::has_japanese;

pft::CommandResult preflight(std::vector<std::string> args) {
    args.insert(args.begin(), PREFLIGHT_BINARY);
    return pft::run(args);
}

// severity="bogus" on line 3, column 34.
const char* bad_severity = "<checklist id=\"bad\" title=\"Bad\">\n"
                           "  <source document=\"test\"/><section id=\"s\" title=\"S\">\n"
                           "    <check id=\"s.c\" title=\"Port\" severity=\"bogus\">\n"
                           "      <probe kind=\"tcp\" host=\"127.0.0.1\" port=\"1\"/>\n"
                           "      <requirement>r</requirement><fix>f</fix>\n"
                           "    </check>\n"
                           "  </section>\n"
                           "</checklist>\n";

} // namespace

BOOST_AUTO_TEST_SUITE(cli_input_errors_lang)

BOOST_AUTO_TEST_CASE(a_bad_checklist_is_named_in_japanese) {
    pft::TempDir t;
    auto list = t.write("bad.xml", bad_severity);
    auto ja = preflight({"run", "--lang", "ja", "--checklist", list});
    BOOST_TEST(ja.exit_code == 3);
    BOOST_TEST(has_japanese(ja.err), ja.err);
    BOOST_TEST(contains(ja.err, list + ":3:34: severity 'bogus': "), ja.err);
    BOOST_TEST(!contains(ja.err, "expected required"), ja.err);
    BOOST_TEST(ja.out.empty(), ja.out);
    auto en = preflight({"run", "--lang", "en", "--checklist", list});
    BOOST_TEST(en.exit_code == 3);
    BOOST_TEST(contains(en.err, list + ":3:34: severity 'bogus': expected required, recommended "
                                       "or optional"),
               en.err);
}

BOOST_AUTO_TEST_CASE(a_probe_value_is_explained_in_japanese) {
    // The probe's own words for what it takes (hardware's minimum of ram)
    // come from the catalog of the run, not from when the probes were made.
    pft::TempDir t;
    auto list = t.write("ram.xml", "<checklist id=\"ram\" title=\"RAM\">\n"
                                   "  <source document=\"test\"/><section id=\"s\" title=\"S\">\n"
                                   "    <check id=\"s.ram\" title=\"RAM\" severity=\"required\">\n"
                                   "      <probe kind=\"hardware\" resource=\"ram\" "
                                   "minimum=\"2GHz\"/>\n"
                                   "      <requirement>r</requirement><fix>f</fix>\n"
                                   "    </check>\n"
                                   "  </section>\n"
                                   "</checklist>\n");
    auto ja = preflight({"run", "--lang", "ja", "--checklist", list});
    BOOST_TEST(ja.exit_code == 3);
    BOOST_TEST(contains(ja.err, list + ":4:45: minimum='2GHz': "), ja.err);
    BOOST_TEST(contains(ja.err, "(ram の最小値)"), ja.err);
    BOOST_TEST(!contains(ja.err, "the minimum of"), ja.err);
    auto en = preflight({"run", "--lang", "en", "--checklist", list});
    BOOST_TEST(en.exit_code == 3);
    BOOST_TEST(contains(en.err, list + ":4:45: minimum='2GHz': expected a size up to 1 PiB such "
                                       "as 2GB, 512MB or 1TB (the minimum of ram)"),
               en.err);
}

BOOST_AUTO_TEST_CASE(an_unknown_set_is_named_in_japanese) {
    auto ja = preflight({"run", "--lang", "ja", "--set", "nosuch=1"});
    BOOST_TEST(ja.exit_code == 3);
    BOOST_TEST(has_japanese(ja.err), ja.err);
    BOOST_TEST(
        contains(ja.err,
                 "--set nosuch: チェックリスト 'acc-saas' にパラメーター 'nosuch' はありません"),
        ja.err);
    BOOST_TEST(contains(ja.err, "awcm_host"), ja.err);
    auto en = preflight({"run", "--lang", "en", "--set", "nosuch=1"});
    BOOST_TEST(en.exit_code == 3);
    BOOST_TEST(contains(en.err, "--set nosuch: checklist 'acc-saas' has no parameter 'nosuch' (its "
                                "parameters: awcm_host"),
               en.err);
}

BOOST_AUTO_TEST_CASE(an_only_matching_nothing_is_named_in_japanese) {
    auto ja = preflight({"run", "--lang", "ja", "--only", "nosuchid"});
    BOOST_TEST(ja.exit_code == 3);
    BOOST_TEST(contains(ja.err, "--only 'nosuchid': チェックリスト 'acc-saas' のどのチェック ID"),
               ja.err);
}

BOOST_AUTO_TEST_SUITE_END()
