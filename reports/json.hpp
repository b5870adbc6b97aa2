#pragma once
#include "core/run_report.hpp"
#include <ostream>

namespace pf {

// Machine-readable report with the same content as the HTML one; field names
// and types are the contract of reports/schema/report.schema.json.
void write_json(const RunReport& report, std::ostream& out);

} // namespace pf
