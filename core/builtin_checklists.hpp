#pragma once
#include "core/embedded_data.hpp"

namespace pf {

// The checklists/ files, compiled in.
const std::vector<EmbeddedFile>& embedded_checklists();

} // namespace pf
