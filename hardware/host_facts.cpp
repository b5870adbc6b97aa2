#include "hardware/host_facts.hpp"
#include "base/catalog.hpp"
#include "base/param_types.hpp"
#include "hardware/dotnet_releases.hpp"
#include "hardware/sizing.hpp"

namespace pf {

namespace {

// A fact: its fixed name (JUnit property names, which tools read), the
// label people read, and its value.
struct Fact {
    std::string name;
    Message label;
    std::string value;
};

// Values that are words ("unknown", "yes") are in the active language for
// people and in English for machines.
std::vector<Fact> facts(const HostFacts& f, bool people) {
    auto word = [people](const Message& m) {
        return people ? render(m) : render(m, english_catalog());
    };
    const std::string unknown = word(msg("facts.unknown"));
    const std::string not_installed = word(msg("facts.not_installed"));
    auto known = [&](const std::string& s) { return s.empty() ? unknown : s; };
    std::string os = f.os_name;
    if (!f.os_version.empty() && os.find(f.os_version) == std::string::npos)
        os += (os.empty() ? "" : " ") + f.os_version;
    std::vector<Fact> d = {
        {"hostname", msg("facts.hostname"), known(f.hostname)},
        {"os", msg("facts.os"), known(os)},
        {"kernel", msg("facts.kernel"), known(f.kernel)},
        {"arch", msg("facts.arch"), known(f.arch)},
        {"cpu model", msg("facts.cpu_model"), known(f.cpu_model)},
        {"logical cores", msg("facts.logical_cores"),
         f.logical_cores ? std::to_string(f.logical_cores) : unknown},
        {"cpu max clock", msg("facts.cpu_max_clock"),
         f.cpu_max_mhz ? format_clock_mhz(*f.cpu_max_mhz) : unknown},
        {"ram", msg("facts.ram"), f.ram_bytes ? format_size(f.ram_bytes) : unknown},
        {"disk path", msg("facts.disk_path"), known(f.disk_path)},
        {"disk free", msg("facts.disk_free"),
         f.disk_free_bytes ? format_size(*f.disk_free_bytes) : unknown},
        {"cpu packages", msg("facts.cpu_packages"),
         f.cpu_packages ? std::to_string(f.cpu_packages) : unknown},
        {"administrator", msg("facts.administrator"),
         f.is_admin ? word(msg("facts.yes")) : word(msg("facts.no"))},
    };
    // Only Windows has these; "unknown" rows on Linux would read as a failure
    // to look rather than as not applicable.
    if (f.os_family == "windows") {
        std::string dotnet = f.dotnet4_full ? dotnet_version_of(f) : not_installed;
        if (f.dotnet4_full && f.dotnet_release)
            dotnet += " (Release " + std::to_string(*f.dotnet_release) + ")";
        d.push_back({"product type", msg("facts.product_type"), known(f.os_product_type)});
        d.push_back(
            {"installation type", msg("facts.installation_type"), known(f.os_installation)});
        d.push_back({"dotnet framework", msg("facts.dotnet_framework"), dotnet});
        d.push_back({"powershell", msg("facts.powershell"),
                     f.powershell_version.empty() ? not_installed : f.powershell_version});
    }
    return d;
}

} // namespace

std::vector<std::pair<std::string, std::string>> describe(const HostFacts& f) {
    std::vector<std::pair<std::string, std::string>> d;
    for (auto& x : facts(f, false))
        d.emplace_back(std::move(x.name), std::move(x.value));
    return d;
}

std::vector<std::pair<std::string, std::string>> describe_for_people(const HostFacts& f) {
    std::vector<std::pair<std::string, std::string>> d;
    for (auto& x : facts(f, true))
        d.emplace_back(render(x.label), std::move(x.value));
    return d;
}

} // namespace pf
