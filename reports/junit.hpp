#pragma once
#include "core/run_report.hpp"
#include <ostream>

namespace pf {

// JUnit XML for CI servers (valid against the Jenkins xUnit junit-10.xsd):
// a testsuite per checklist section, a testcase per check. Failures and
// errors map to <failure> and <error>; warnings pass with a WARNING line in
// <system-out>, so a CI job only goes red on what the Nagios exit code calls
// a failure.
void write_junit(const RunReport& report, std::ostream& out);

} // namespace pf
