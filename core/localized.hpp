#pragma once
#include "core/checklist.hpp"
#include <string>

namespace pf {

// The check's English title, also after localize() (which keeps it among
// the translations): JUnit test names, which CI servers track across runs,
// do not change with the language.
const std::string& english_title(const Check& c);

} // namespace pf
