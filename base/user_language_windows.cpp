#include "base/language.hpp"
#include <windows.h>

namespace pf {

// Windows keeps the display language in the user's profile, not in the
// environment.
Language user_language() {
    LANGID id = GetUserDefaultUILanguage();
    return PRIMARYLANGID(id) == LANG_JAPANESE ? Language::ja : Language::en;
}

} // namespace pf
