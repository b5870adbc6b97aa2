#pragma once
// Catalogs that show where a line came from: every entry of the English
// catalog marked, or replaced by its key and placeholders (a language with
// no English word), and the checks that find text a probe built in code.
#include "base/catalog.hpp"
#include <string>

namespace pft {

inline const std::string mark = "\u2039"; // ‹

// English with every entry marked; a part appended to another text ("\ "
// in the file) keeps its leading space after the mark.
const pf::Catalog& marked_catalog();

// A catalog with no English at all: each entry is its key and its
// placeholders ("‹cert_info.subject›{subject}¦"), as a second language
// would replace every word. English words left in a line came from code.
const pf::Catalog& keys_only_catalog();

// c for one part of a test, English again after it.
struct ActiveCatalog {
    explicit ActiveCatalog(const pf::Catalog& c) { pf::set_active_catalog(c); }
    ~ActiveCatalog() { pf::set_active_catalog(pf::english_catalog()); }
};

// English words that only a sentence has, never a host, a subject or a
// path of the tests. OpenSSL's verification errors are quoted as it words
// them ("unable to verify the first certificate") and are left out. The
// words of a placeholder's value count too: in a keys-only line each value
// stands between '›' or '¦' marks ("‹rpc.no_answer›127.0.0.1:1¦bind¦").
bool has_english(std::string line);

// Parts of one sentence joined in code ("a; b") instead of by a catalog
// joiner: the second part's mark follows the code's punctuation.
bool joined_in_code(const std::string& line);

} // namespace pft
