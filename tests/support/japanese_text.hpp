#pragma once
#include <string>

namespace pft {

// Whether s holds hiragana, katakana or kanji: their UTF-8 lead bytes are
// E3 to E9, never ASCII.
inline bool has_japanese(const std::string& s) {
    for (unsigned char c : s)
        if (c >= 0xE3 && c <= 0xE9) return true;
    return false;
}

} // namespace pft
