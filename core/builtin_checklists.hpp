#pragma once
#include "base/embedded_data.hpp"

namespace pf {

// The checklists/ files, compiled in.
const std::vector<EmbeddedFile>& embedded_checklists();

} // namespace pf
