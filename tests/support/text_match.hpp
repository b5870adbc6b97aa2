#pragma once
#include <string>
#include <vector>

namespace pft {

// Verdict texts are asserted by the words that carry the diagnosis.
inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

inline bool any_contains(const std::vector<std::string>& v, const std::string& part) {
    for (const auto& s : v)
        if (contains(s, part)) return true;
    return false;
}

// Whether s holds hiragana, katakana or kanji: their UTF-8 lead bytes are
// E3 to E9, never ASCII.
inline bool has_japanese(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0xE3 && c <= 0xE9) return true;
    return false;
}

} // namespace pft
