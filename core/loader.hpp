#pragma once
#include "core/checklist.hpp"
#include "core/probe.hpp"
#include <string>

namespace pf {

// Parses and validates a checklist. Every problem is an InputError whose
// message starts with file:line:column and says what was expected.
Checklist load_checklist_text(const std::string& text, const std::string& origin,
                              const ProbeRegistry& probes);
Checklist load_checklist_file(const std::string& path, const ProbeRegistry& probes);

// NAME of a built-in checklist, or a path to an XML file.
Checklist load_checklist(const std::string& name_or_path, const ProbeRegistry& probes);

// Every ${name} reference in a value, in order.
std::vector<std::string> param_references(const std::string& value);

} // namespace pf
