#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pf {

// Facts about the machine the Cloud Connector would run on. Each platform
// fills them in its own file (linux_facts.cpp now, Windows later).
struct HostFacts {
    std::string hostname;
    std::string os_family; // "linux", "windows"
    std::string os_name;   // e.g. "Debian GNU/Linux 12 (bookworm)"
    std::string os_version;
    std::string kernel;
    std::string arch;
    std::string cpu_model;
    unsigned logical_cores = 0;
    std::optional<double> cpu_max_mhz;
    std::uint64_t ram_bytes = 0;
    std::string disk_path; // the directory whose free space was measured
    std::optional<std::uint64_t> disk_free_bytes;
};

// install_path need not exist yet: free space is measured on the nearest
// existing parent, which is the filesystem the installer will write to.
HostFacts read_host_facts(const std::string& install_path);

// Name/value pairs in a stable order, for reports.
std::vector<std::pair<std::string, std::string>> describe(const HostFacts& f);

} // namespace pf
