#pragma once
#include "hardware/host_facts.hpp"
#include <cstdint>
#include <string>

namespace pf {

// .NET Framework 4.5 and later install over 4.0 and record themselves only as
// the NDP\v4\Full key's Release value; Microsoft's table turns that into a
// version ("Determine which .NET Framework versions are installed").

// The newest version whose minimum Release the value reaches: 528040 "4.8",
// 528049 "4.8" (the same version on another Windows), 533320 "4.8.1". Below
// 4.5's 378389 the key still means 4.0, so the answer is "4.0".
std::string dotnet_version_for_release(std::uint32_t release);

// The version facts describe: from the Release value when there is one (what
// Windows records), else the version text (all a hand-written facts file may
// have), else "4.0"; "" when NDP\v4\Full is missing.
std::string dotnet_version_of(const HostFacts& f);

} // namespace pf
