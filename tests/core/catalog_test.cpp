#include "base/catalog.hpp"
#include <boost/test/unit_test.hpp>
#include <stdexcept>

using namespace pf;

namespace {

bool throws_with(const std::string& text, const std::string& part) {
    try {
        Catalog::parse(text, "t.txt");
    } catch (const std::runtime_error& e) {
        return std::string(e.what()).find(part) != std::string::npos;
    }
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(message_catalog)

BOOST_AUTO_TEST_CASE(placeholders_are_replaced_by_name_once) {
    auto c = Catalog::parse("# comment\n\na.b = {host}:{port} open ({host})\n", "t.txt");
    BOOST_TEST(render(msg("a.b", {{"port", "443"}, {"host", "h"}}), c) == "h:443 open (h)");
    // A value is copied, never scanned: text from a server cannot pull in
    // other arguments or grow the output.
    BOOST_TEST(render(msg("a.b", {{"host", "{port}{port}"}, {"port", "1"}}), c) ==
               "{port}{port}:1 open ({port}{port})");
}

BOOST_AUTO_TEST_CASE(what_is_not_a_placeholder_stays_as_written) {
    auto c = Catalog::parse("k = a {b c} {} {X} {ok\n", "t.txt");
    BOOST_TEST(placeholders(c.find("k") ? *c.find("k") : "").empty());
    BOOST_TEST(render(msg("k"), c) == "a {b c} {} {X} {ok");
}

BOOST_AUTO_TEST_CASE(a_missing_argument_or_key_is_named) {
    auto c = Catalog::parse("k = {a} and {b}\n", "t.txt");
    BOOST_TEST(message_problem(msg("k", {{"a", "1"}}), c) == "message 'k' has no argument for {b}");
    BOOST_TEST(render(msg("k", {{"a", "1"}}), c) == "1 and {b}");
    BOOST_TEST(message_problem(msg("nope"), c) == "message key 'nope' is not in the catalog");
    BOOST_TEST(render(msg("nope", {{"x", "1"}}), c) == "nope x=1");
    BOOST_TEST(message_problem(msg("k", {{"a", "1"}, {"b", "2"}}), c).empty());
}

BOOST_AUTO_TEST_CASE(malformed_lines_name_file_and_line) {
    BOOST_TEST(throws_with("a = x\nno equals sign\n", "t.txt:2: expected 'key = text'"));
    BOOST_TEST(throws_with("a = x\na = y\n", "t.txt:2: key 'a' is given twice"));
    BOOST_TEST(throws_with("A = x\n", "t.txt:1: key 'A'"));
    BOOST_TEST(throws_with("a =\n", "t.txt:1: key 'a': a text of 1 to"));
    BOOST_TEST(throws_with("a = " + std::string(3000, 'x') + "\n", "t.txt:1"));
}

BOOST_AUTO_TEST_CASE(the_english_catalog_is_compiled_in_and_well_formed) {
    const Catalog& en = english_catalog();
    BOOST_REQUIRE(en.find("connect.refused"));
    for (const auto& [key, text] : en.entries()) {
        Message m{key, {}};
        for (const auto& p : placeholders(text))
            m.args.emplace_back(p, "<" + p + ">");
        BOOST_TEST(message_problem(m, en).empty(), key);
        // No placeholder is left (a literal brace, as in "${...}", may be).
        BOOST_TEST(placeholders(render(m)).size() == 0u, key);
    }
}

BOOST_AUTO_TEST_CASE(a_verdict_made_from_a_message_carries_both) {
    auto r = make_result(Status::fail, Reason::refused,
                         msg("connect.refused", {{"host", "h"}, {"port", "443"}}));
    BOOST_TEST(r.message.key == "connect.refused");
    BOOST_TEST((r.reason == Reason::refused));
    BOOST_TEST(r.summary.find("refused: h is up but nothing accepts connections on port 443") == 0u,
               r.summary);
}

BOOST_AUTO_TEST_CASE(numbers_are_typed_and_a_part_keeps_its_leading_space) {
    auto c = Catalog::parse("n = {count} of {max}\np = \\ after {count} hops\n", "t.txt");
    BOOST_TEST(render(msg("n", {{"count", std::size_t{3}}, {"max", -2}}), c) == "3 of -2");
    BOOST_TEST(render(msg("p", {{"count", 1}}), c) == " after 1 hops");
}

BOOST_AUTO_TEST_CASE(the_active_catalog_renders_every_message_and_parts) {
    auto other = Catalog::parse("connect.refused = REFUSED {host}:{port}\n"
                                "proxy.no_scheme = NONE\n",
                                "xx.txt");
    set_active_catalog(other);
    auto r = make_result(
        Status::fail, Reason::refused,
        msg("connect.refused", {{"host", part(msg("proxy.no_scheme"))}, {"port", 443}}));
    std::string line = evidence_line(msg("proxy.no_scheme"));
    set_active_catalog(english_catalog());
    BOOST_TEST(r.summary == "REFUSED NONE:443");
    BOOST_TEST(line == "NONE");
    BOOST_TEST(render(msg("proxy.no_scheme")) == "no Proxy-Authenticate scheme");
}

BOOST_AUTO_TEST_SUITE_END()
