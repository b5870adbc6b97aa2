#include "hardware/host_facts.hpp"
#include "hardware/linux_parsers.hpp"
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

namespace pf {

namespace {

// /proc and /sys files report a size of 0, so read until EOF.
std::string read_text(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Calls f(path) for each /sys/devices/system/cpu/cpuN directory.
template <class F> void for_each_cpu_dir(F f) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (fs::directory_iterator it("/sys/devices/system/cpu", ec), end; !ec && it != end;
         it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.size() < 4 || name.rfind("cpu", 0) != 0 ||
            !std::all_of(name.begin() + 3, name.end(),
                         [](unsigned char c) { return std::isdigit(c); }))
            continue;
        f(it->path());
    }
}

// cpufreq gives the rated maximum, which is what the guide's "2.0+ GHz"
// means; many VMs have no cpufreq, and there /proc/cpuinfo's clock is the best
// figure the guest can see.
std::optional<double> read_cpufreq_max_mhz() {
    std::optional<double> best;
    for_each_cpu_dir([&](const std::filesystem::path& cpu) {
        auto mhz = parse_cpufreq_khz(read_text((cpu / "cpufreq/cpuinfo_max_freq").string()));
        if (mhz && (!best || *mhz > *best)) best = mhz;
    });
    return best;
}

// Where /proc/cpuinfo has no "physical id" (ARM, some VMs), sysfs topology
// still numbers the packages.
unsigned read_sysfs_packages() {
    std::set<std::string> ids;
    for_each_cpu_dir([&](const std::filesystem::path& cpu) {
        std::string id = read_text((cpu / "topology/physical_package_id").string());
        if (!id.empty()) ids.insert(id);
    });
    return static_cast<unsigned>(ids.size());
}

} // namespace

HostFacts read_host_facts(const std::string& install_path) {
    HostFacts f;

    struct utsname u {};
    std::string sysname = "Linux";
    if (uname(&u) == 0) {
        sysname = u.sysname;
        f.hostname = u.nodename;
        f.kernel = u.release;
        f.arch = u.machine;
    }
    f.os_family = sysname;
    std::transform(f.os_family.begin(), f.os_family.end(), f.os_family.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

    std::string os_release = read_text("/etc/os-release");
    if (os_release.empty()) os_release = read_text("/usr/lib/os-release");
    if (!os_release.empty()) {
        OsRelease r = parse_os_release(os_release);
        f.os_name = r.pretty_name;
        f.os_version = r.version_id;
    } else {
        f.os_name = sysname;
        f.os_version = f.kernel;
    }

    long online = sysconf(_SC_NPROCESSORS_ONLN);
    f.logical_cores = online > 0 ? static_cast<unsigned>(online) : 0;

    CpuInfo cpu = parse_cpuinfo(read_text("/proc/cpuinfo"));
    f.cpu_model = cpu.model;
    f.cpu_max_mhz = read_cpufreq_max_mhz();
    if (!f.cpu_max_mhz) f.cpu_max_mhz = cpu.max_mhz;
    f.cpu_packages = cpu.packages ? cpu.packages : read_sysfs_packages();

    if (auto total = parse_meminfo_total(read_text("/proc/meminfo"))) {
        f.ram_bytes = *total;
    } else {
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
        if (pages > 0 && page > 0)
            f.ram_bytes = static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
    }

    f.disk_path = nearest_existing_dir(install_path);
    struct statvfs vfs {};
    if (statvfs(f.disk_path.c_str(), &vfs) == 0)
        f.disk_free_bytes = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    // Root is the POSIX counterpart of the guide's "Administrator rights".
    f.is_admin = geteuid() == 0;
    return f;
}

} // namespace pf
