// The meaning of every reason code in every catalog: `preflight list
// --reasons` shows it in the run's language, and the English is the meaning
// base/reason.hpp documents, word for word.
#include "base/catalog.hpp"
#include "base/embedded_data.hpp"
#include "base/reason_text.hpp"
#include "support/japanese_text.hpp"
#include <boost/test/unit_test.hpp>
#include <stdexcept>

using namespace pf;

namespace {

// The Japanese file alone, without the English that catalog_for fills in
// for a missing key.
Catalog japanese_file() {
    for (const auto& f : embedded_message_catalogs())
        if (f.name == "ja") return Catalog::parse(f.text, "base/messages/ja.txt");
    throw std::logic_error("ja.txt is not compiled in");
}

} // namespace

BOOST_AUTO_TEST_SUITE(reason_text)

BOOST_AUTO_TEST_CASE(every_reason_code_has_its_meaning_in_every_catalog) {
    const Catalog& en = english_catalog();
    const Catalog ja = japanese_file();
    for (Reason r : all_reasons()) {
        const std::string key = reason_meaning_message(r).key;
        BOOST_TEST(key == "reason." + std::string(reason_code(r)));
        const std::string* english = en.find(key);
        BOOST_TEST_REQUIRE(english, key);
        BOOST_TEST(*english == reason_meaning(r), key);
        const std::string* japanese = ja.find(key);
        BOOST_TEST_REQUIRE(japanese, key);
        BOOST_TEST(pft::has_japanese(*japanese), key << " = " << *japanese);
    }
}

BOOST_AUTO_TEST_SUITE_END()
