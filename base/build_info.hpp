#pragma once
#include <string>

namespace pf {

// Who this binary is, for support tickets and reports: the CMake project
// version, the source commit (`git describe --always --dirty`, or "unknown"
// outside a git checkout), the UTC build date and the platform it runs on.
struct BuildInfo {
    std::string version, commit, date, target;
};

const BuildInfo& build_info();

} // namespace pf
