#pragma once
#include "core/run_report.hpp"
#include <ostream>
#include <string>

namespace pf {

// JUnit XML for CI servers (valid against the Jenkins xUnit junit-10.xsd):
// a testsuite per checklist section, a testcase per check named by its id.
// Failures and errors map to <failure> and <error>; a warning is a
// <skipped message="warning: ..."> (or a <failure> with --junit-warn fail),
// so CI never shows it as a pass. The run's properties are on the first
// suite only.
void write_junit(const RunReport& report, std::ostream& out);

// The first part of every suite name and classname: --junit-prefix, else
// the host name.
std::string junit_prefix(const RunReport& report);

} // namespace pf
