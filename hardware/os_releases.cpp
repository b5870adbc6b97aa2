#include "hardware/os_releases.hpp"
#include <array>
#include <limits>

namespace pf {

namespace {

enum class Edition { client, server };

struct Release {
    unsigned major, minor;
    unsigned first_build, last_build;
    Edition edition;
    const char* name;
};

constexpr unsigned any_build = std::numeric_limits<unsigned>::max();

// Windows 10 and Server 2016 and later all say 10.0, so the build tells them
// apart. Server builds between the long-term ones are the semi-annual channel
// ("Windows Server, version 1809"), which the registry's ProductName names.
constexpr std::array releases{
    Release{6, 1, 7600, 7601, Edition::server, "Windows Server 2008 R2"},
    Release{6, 1, 7600, 7601, Edition::client, "Windows 7"},
    Release{6, 2, 9200, 9200, Edition::server, "Windows Server 2012"},
    Release{6, 2, 9200, 9200, Edition::client, "Windows 8"},
    Release{6, 3, 9600, 9600, Edition::server, "Windows Server 2012 R2"},
    Release{6, 3, 9600, 9600, Edition::client, "Windows 8.1"},
    Release{10, 0, 14393, 14393, Edition::server, "Windows Server 2016"},
    Release{10, 0, 17763, 17763, Edition::server, "Windows Server 2019"},
    Release{10, 0, 20348, 20348, Edition::server, "Windows Server 2022"},
    Release{10, 0, 26100, 26100, Edition::server, "Windows Server 2025"},
    Release{10, 0, 0, 21999, Edition::client, "Windows 10"},
    Release{10, 0, 22000, any_build, Edition::client, "Windows 11"},
};

} // namespace

std::string windows_product_type(unsigned w_product_type) {
    switch (w_product_type) {
    case 1:
        return "workstation";
    case 2:
        return "domain controller";
    case 3:
        return "server";
    default:
        return "";
    }
}

std::string windows_product_type(const std::string& registry_product_type) {
    if (registry_product_type == "WinNT") return "workstation";
    if (registry_product_type == "LanmanNT") return "domain controller";
    if (registry_product_type == "ServerNT") return "server";
    return "";
}

std::string windows_release_name(unsigned major, unsigned minor, unsigned build,
                                 const std::string& product_type, const std::string& product_name) {
    Edition edition;
    if (product_type == "workstation")
        edition = Edition::client;
    else if (product_type == "server" || product_type == "domain controller")
        edition = Edition::server;
    else
        return product_name;
    for (const Release& r : releases)
        if (r.major == major && r.minor == minor && r.edition == edition &&
            build >= r.first_build && build <= r.last_build)
            return r.name;
    return product_name;
}

} // namespace pf
