#include "hardware/dotnet_releases.hpp"
#include <array>

namespace pf {

namespace {

struct DotnetRelease {
    std::uint32_t minimum; // the lowest Release any Windows records for it
    const char* version;
};

// Ascending; each version records a higher Release on some Windows releases
// (4.8 is 528040 on Windows 10 1903 and later, 528049 elsewhere), so only the
// lowest one is needed to say "at least this version".
constexpr std::array dotnet_releases{
    DotnetRelease{378389, "4.5"}, DotnetRelease{378675, "4.5.1"}, DotnetRelease{379893, "4.5.2"},
    DotnetRelease{393295, "4.6"}, DotnetRelease{394254, "4.6.1"}, DotnetRelease{394802, "4.6.2"},
    DotnetRelease{460798, "4.7"}, DotnetRelease{461308, "4.7.1"}, DotnetRelease{461808, "4.7.2"},
    DotnetRelease{528040, "4.8"}, DotnetRelease{533320, "4.8.1"},
};

} // namespace

std::string dotnet_version_for_release(std::uint32_t release) {
    const char* version = "4.0";
    for (const DotnetRelease& r : dotnet_releases)
        if (release >= r.minimum) version = r.version;
    return version;
}

std::string dotnet_version_of(const HostFacts& f) {
    if (!f.dotnet4_full) return "";
    if (f.dotnet_release) return dotnet_version_for_release(*f.dotnet_release);
    return f.dotnet_version.empty() ? "4.0" : f.dotnet_version;
}

} // namespace pf
