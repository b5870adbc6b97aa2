#include "base/nearest_word.hpp"
#include <boost/test/unit_test.hpp>

using pf::nearest_word;

BOOST_AUTO_TEST_SUITE(nearest_word_for_typos)

BOOST_AUTO_TEST_CASE(typos_find_their_word) {
    std::vector<std::string> commands{"run", "cert", "facts", "list", "schema", "explain"};
    BOOST_TEST(nearest_word("rn", commands).value_or("") == "run");
    BOOST_TEST(nearest_word("cret", commands).value_or("") == "cert"); // a swapped pair
    BOOST_TEST(nearest_word("explian", commands).value_or("") == "explain");
    BOOST_TEST(nearest_word("lsit", commands).value_or("") == "list");
}

BOOST_AUTO_TEST_CASE(no_guess_when_far_tied_or_huge) {
    std::vector<std::string> words{"run", "cert"};
    BOOST_TEST(!nearest_word("frobnicate", words));
    BOOST_TEST(!nearest_word("run", words)); // not a typo
    BOOST_TEST(!nearest_word("", words));
    BOOST_TEST(!nearest_word("ab", {"ax", "ay"})); // two equally close
    BOOST_TEST(!nearest_word(std::string(65, 'r'), {std::string(65, 'r') + "x"}));
}

BOOST_AUTO_TEST_SUITE_END()
