// Checklists written to hurt: attribute values far longer than any admin
// types. The loader must answer each with an error or a plan, never crash
// (std::regex used to recurse once per character and overflow the stack).
#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/builtin_checklists.hpp"
#include "core/loader.hpp"
#include "support/checklist_text.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

std::string checklist_with(const std::string& check_id, const std::string& host) {
    return "<?xml version=\"1.0\"?>\n"
           "<checklist id=\"t\" title=\"T\">\n"
           "  <source document=\"Guide\"/>\n"
           "  <section id=\"net\" title=\"Network\">\n"
           "    <check id=\"" +
           check_id + "\" title=\"C\" severity=\"required\">\n" +
           "      <probe kind=\"dns\" host=\"" + host + "\"/>\n" +
           "      <requirement>words</requirement>\n      <fix>do it</fix>\n    </check>\n"
           "  </section>\n</checklist>\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(hostile_input)

BOOST_AUTO_TEST_CASE(an_id_of_50000_characters_is_an_error_not_a_crash) {
    auto e = pft::checklist_error(checklist_with(std::string(50000, 'a'), "example.com"));
    BOOST_TEST(e.find("t.xml:5:12: id '" + std::string(40, 'a')) == 0, e.substr(0, 200));
    BOOST_TEST(e.find("50000 characters long: at most 100") != std::string::npos, e.substr(0, 200));
    BOOST_TEST(e.size() < 300u);
}

BOOST_AUTO_TEST_CASE(check_ids_keep_their_rules) {
    for (const char* good : {"c-1_x", "1c", "c.1", "C9"})
        BOOST_TEST(pft::checklist_error(checklist_with(good, "example.com")) == "", good);
    BOOST_TEST(pft::checklist_error(checklist_with(std::string(100, 'c'), "example.com")) == "");
    for (const char* bad : {"_c", "-c", ".c", "c d", "c\xc3\xa9", "c/1"})
        BOOST_TEST(pft::checklist_error(checklist_with(bad, "example.com"))
                           .find(std::string("'") + bad + "' is not a valid id") !=
                       std::string::npos,
                   bad);
}

BOOST_AUTO_TEST_CASE(an_unclosed_reference_of_300000_characters_does_not_crash) {
    std::string long_ref = "${" + std::string(300000, 'h');
    BOOST_TEST(param_references(long_ref).empty());
    BOOST_TEST(param_references(long_ref + "}").size() == 1u);
    BOOST_TEST(param_references(long_ref + "}").front().size() == 300000u);
    // Through the loader: the value is a bad host name, not a crash.
    auto e = pft::checklist_error(checklist_with("c1", long_ref));
    BOOST_TEST(e.find("t.xml:6:") == 0, e.substr(0, 200));
}

BOOST_AUTO_TEST_CASE(references_are_found_as_before) {
    using V = std::vector<std::string>;
    BOOST_TEST(param_references("${a}${b}") == (V{"a", "b"}));
    BOOST_TEST(param_references("x${}y") == (V{""}));
    BOOST_TEST(param_references("${a${b}c}") == (V{"a${b"}));
    BOOST_TEST(param_references("$a} ${b") == V{});
    BOOST_TEST(param_references("$${x}") == (V{"x"}));
}

BOOST_AUTO_TEST_SUITE_END()
