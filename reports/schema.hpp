#pragma once
#include "base/embedded_data.hpp"
#include <string>
#include <string_view>
#include <vector>

namespace pf {

// reports/schema/<name>.schema.json, compiled in (CMakeLists.txt).
const std::vector<EmbeddedFile>& embedded_report_schemas();

// The JSON Schema a report format promises ("report": the JSON report), or
// nullptr when there is none of that name.
const std::string_view* report_schema(std::string_view name);

// The names report_schema knows, for the usage message.
std::vector<std::string> report_schema_names();

} // namespace pf
