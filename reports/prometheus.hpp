#pragma once
#include "core/run_report.hpp"
#include <ostream>
#include <string>
#include <string_view>

namespace pf {

// Prometheus text exposition format, for the textfile collectors of
// node_exporter and windows_exporter. Every series carries the checklist
// label, so that runs of several checklists can share one collector folder.
void write_prometheus(const RunReport& report, std::ostream& out);

// A label value as the exposition format quotes it: \\, \" and \n escaped.
std::string prometheus_label_value(std::string_view s);

} // namespace pf
