#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pf {

// Facts about the machine the Cloud Connector would run on. Each platform
// fills them in its own file (linux_facts.cpp, windows_facts.cpp); a support
// engineer can also load a customer's facts from a file (facts_json.hpp).
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
    unsigned cpu_packages = 0; // physical processors (sockets); 0 when unknown
    bool is_admin = false;     // root, or an elevated Administrator

    // Windows: what the Cloud Connector's own prerequisites are about. Empty
    // or unset on other systems (and then the checks say so).
    std::string os_product_type; // "workstation", "server", "domain controller"
    std::string os_installation; // registry InstallationType: "Server", "Server Core", "Client"
    std::string os_build;        // "7601"
    bool dotnet4_full = false;   // HKLM\...\NDP\v4\Full present: .NET Framework 4.0 or later
    std::optional<std::uint32_t> dotnet_release; // its Release value (4.5 and later)
    std::string dotnet_version;     // "4.8", from the Release value; "4.0" when present without one
    std::string powershell_version; // "5.1.14393.0"; empty when not installed
};

// install_path need not exist yet: free space is measured on the nearest
// existing parent, which is the filesystem the installer will write to.
HostFacts read_host_facts(const std::string& install_path);

// Name/value pairs in a stable order, for reports.
std::vector<std::pair<std::string, std::string>> describe(const HostFacts& f);
// The same with labels and words in the active language, for the tables
// people read (the HTML report); describe()'s names are fixed, for machines.
std::vector<std::pair<std::string, std::string>> describe_for_people(const HostFacts& f);

} // namespace pf
