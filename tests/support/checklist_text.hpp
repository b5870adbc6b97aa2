#pragma once
#include "app/registries.hpp"
#include "base/errors.hpp"
#include "core/loader.hpp"
#include <string>

namespace pft {

// The loader's message for a checklist's text (named t.xml), or "" when it
// loads.
inline std::string checklist_error(const std::string& text) {
    try {
        pf::load_checklist_text(text, "t.xml", pf::builtin_probes());
    } catch (const pf::InputError& e) {
        return e.what();
    }
    return "";
}

} // namespace pft
