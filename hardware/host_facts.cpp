#include "hardware/host_facts.hpp"
#include "core/param_types.hpp"
#include "hardware/sizing.hpp"

namespace pf {

std::vector<std::pair<std::string, std::string>> describe(const HostFacts& f) {
    auto known = [](const std::string& s) { return s.empty() ? std::string("unknown") : s; };
    std::string os = f.os_name;
    if (!f.os_version.empty() && os.find(f.os_version) == std::string::npos)
        os += (os.empty() ? "" : " ") + f.os_version;
    return {
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
    };
}

} // namespace pf
