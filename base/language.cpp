#include "base/language.hpp"
#include "base/catalog.hpp"
#include <atomic>

namespace pf {

namespace {

bool ascii_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool ascii_digit(char c) {
    return c >= '0' && c <= '9';
}

char lower_ascii(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::atomic<Language> active{Language::en};

} // namespace

std::string_view language_code(Language l) {
    return l == Language::ja ? "ja" : "en";
}

bool is_language_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 64) return false;
    std::size_t i = 0, subtag = 0;
    bool first = true;
    for (; i <= tag.size(); ++i) {
        if (i == tag.size() || tag[i] == '-') {
            if (subtag == 0 || subtag > 8 || (first && subtag < 2)) return false;
            first = false;
            subtag = 0;
            continue;
        }
        if (!ascii_letter(tag[i]) && (first || !ascii_digit(tag[i]))) return false;
        ++subtag;
    }
    return true;
}

std::optional<Language> language_of_tag(std::string_view tag) {
    // The primary language is the letters before '-', '_', '.' or '@'.
    std::size_t n = 0;
    while (n < tag.size() && ascii_letter(tag[n]))
        ++n;
    if (n < tag.size() && tag[n] != '-' && tag[n] != '_' && tag[n] != '.' && tag[n] != '@')
        return std::nullopt;
    if (n != 2) return std::nullopt;
    char a = lower_ascii(tag[0]), b = lower_ascii(tag[1]);
    if (a == 'j' && b == 'a') return Language::ja;
    if (a == 'e' && b == 'n') return Language::en;
    return std::nullopt;
}

Language language_of_locale(const char* lc_all, const char* lc_messages, const char* lang) {
    for (const char* v : {lc_all, lc_messages, lang})
        if (v && *v) return language_of_tag(v).value_or(Language::en);
    return Language::en;
}

Language active_language() {
    return active.load(std::memory_order_acquire);
}

void set_active_language(Language l) {
    set_active_catalog(catalog_for(l));
    active.store(l, std::memory_order_release);
}

} // namespace pf
