#pragma once
#include <optional>
#include <string_view>

namespace pf {

// The languages preflight speaks. Machine-readable output (ids, reason
// codes, JSON keys, exit codes) is the same in every one.
enum class Language { en, ja };

std::string_view language_code(Language l); // "en", "ja"

// The language a tag names: a BCP 47 tag ("ja", "ja-JP", "en-US") or a
// POSIX locale name ("ja_JP.UTF-8", "C"); nullopt for any other language.
std::optional<Language> language_of_tag(std::string_view tag);

// Whether tag is shaped like a BCP 47 tag: 2 to 8 letters, then subtags of 1
// to 8 letters or digits joined by '-' (xml:lang of a checklist).
bool is_language_tag(std::string_view tag);

// The POSIX rule: the first of LC_ALL, LC_MESSAGES and LANG that is set and
// not empty decides; English when it names another language or none.
Language language_of_locale(const char* lc_all, const char* lc_messages, const char* lang);

// The user's interface language: GetUserDefaultUILanguage on Windows, the
// locale variables elsewhere; English when it is neither English nor
// Japanese.
Language user_language();

// The language of this run's sentences, numbers and dates; English unless a
// command chose another before its run started (like the active catalog,
// set once, before any thread reads it).
Language active_language();
void set_active_language(Language l); // sets the active catalog too

} // namespace pf
