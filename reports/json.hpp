#pragma once
#include "core/run_report.hpp"
#include <ostream>

namespace pf {

// Machine-readable report with the same content as the HTML one; field names
// are documented at the top of json.cpp and are kept stable.
void write_json(const RunReport& report, std::ostream& out);

} // namespace pf
