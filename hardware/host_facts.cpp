#include "hardware/host_facts.hpp"
#include "base/param_types.hpp"
#include "hardware/dotnet_releases.hpp"
#include "hardware/sizing.hpp"

namespace pf {

std::vector<std::pair<std::string, std::string>> describe(const HostFacts& f) {
    auto known = [](const std::string& s) { return s.empty() ? std::string("unknown") : s; };
    std::string os = f.os_name;
    if (!f.os_version.empty() && os.find(f.os_version) == std::string::npos)
        os += (os.empty() ? "" : " ") + f.os_version;
    std::vector<std::pair<std::string, std::string>> d = {
        {"hostname", known(f.hostname)},
        {"os", known(os)},
        {"kernel", known(f.kernel)},
        {"arch", known(f.arch)},
        {"cpu model", known(f.cpu_model)},
        {"logical cores", f.logical_cores ? std::to_string(f.logical_cores) : "unknown"},
        {"cpu max clock", f.cpu_max_mhz ? format_clock_mhz(*f.cpu_max_mhz) : "unknown"},
        {"ram", f.ram_bytes ? format_size(f.ram_bytes) : "unknown"},
        {"disk path", known(f.disk_path)},
        {"disk free", f.disk_free_bytes ? format_size(*f.disk_free_bytes) : "unknown"},
        {"cpu packages", f.cpu_packages ? std::to_string(f.cpu_packages) : "unknown"},
        {"administrator", f.is_admin ? "yes" : "no"},
    };
    // Only Windows has these; "unknown" rows on Linux would read as a failure
    // to look rather than as not applicable.
    if (f.os_family == "windows") {
        std::string dotnet = f.dotnet4_full ? dotnet_version_of(f) : "not installed";
        if (f.dotnet4_full && f.dotnet_release)
            dotnet += " (Release " + std::to_string(*f.dotnet_release) + ")";
        d.insert(d.end(), {
                              {"product type", known(f.os_product_type)},
                              {"installation type", known(f.os_installation)},
                              {"dotnet framework", dotnet},
                              {"powershell", f.powershell_version.empty() ? "not installed"
                                                                          : f.powershell_version},
                          });
    }
    return d;
}

} // namespace pf
