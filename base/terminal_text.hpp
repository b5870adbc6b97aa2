#pragma once
#include <string>
#include <string_view>

namespace pf {

// Text from files and command lines (file names, checklist values) made safe
// for a terminal: C0 and C1 control characters and DEL become visible escapes
// (\x1b, \u009b), so an error message cannot move the cursor, recolour or
// retitle the admin's terminal. Other UTF-8 passes unchanged.
std::string terminal_safe(std::string_view text);

} // namespace pf
