#pragma once
#include "core/run_report.hpp"
#include <ostream>

namespace pf {

// Monitoring-plugin output for Nagios, Icinga and their kin: one status line
// with performance data, then one line per problem. The state word matches
// exit_code(): OK 0, WARNING 1, CRITICAL 2, UNKNOWN 3.
void write_nagios(const RunReport& report, std::ostream& out);

// The status line of a run that never started (bad input): UNKNOWN with why.
void write_nagios_unknown(std::string_view why, std::ostream& out);

} // namespace pf
