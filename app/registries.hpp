#pragma once
#include "core/probe.hpp"
#include "reports/report_format.hpp"
#include <vector>

namespace pf {

// The only place that knows every probe kind and report format: a new one is
// one line in app/probe_registry.cpp or app/report_registry.cpp.
const ProbeRegistry& builtin_probes();
const std::vector<ReportFormat>& builtin_reports();

} // namespace pf
