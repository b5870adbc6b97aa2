#include "hardware/host_facts.hpp"
#include "support/probe_harness.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

using namespace pf;

namespace {

// Read independently of parse_meminfo_total, so the two can disagree.
std::uint64_t meminfo_total_kib() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemTotal:") return kib;
    return 0;
}

std::uint64_t statvfs_free(const std::string& path) {
    struct statvfs v {};
    BOOST_REQUIRE(statvfs(path.c_str(), &v) == 0);
    return static_cast<std::uint64_t>(v.f_bavail) * v.f_frsize;
}

// Other processes write to the disk between the two measurements.
bool roughly(std::uint64_t a, std::uint64_t b) {
    const std::uint64_t slack = 512ull << 20;
    return a + slack >= b && b + slack >= a;
}

} // namespace

BOOST_AUTO_TEST_SUITE(host_facts)

BOOST_AUTO_TEST_CASE(this_machine_agrees_with_the_system) {
    HostFacts f = read_host_facts("/tmp");
    BOOST_TEST(f.logical_cores == static_cast<unsigned>(sysconf(_SC_NPROCESSORS_ONLN)));
    BOOST_TEST(f.ram_bytes == meminfo_total_kib() * 1024);
    BOOST_TEST(f.ram_bytes > 0u);
    BOOST_TEST(f.disk_path == "/tmp");
    BOOST_REQUIRE(f.disk_free_bytes.has_value());
    BOOST_TEST(roughly(*f.disk_free_bytes, statvfs_free("/tmp")), *f.disk_free_bytes);

    struct utsname u {};
    BOOST_REQUIRE(uname(&u) == 0);
    BOOST_TEST(f.hostname == u.nodename);
    BOOST_TEST(f.arch == u.machine);
    BOOST_TEST(f.kernel == u.release);
    BOOST_TEST(f.os_family == "linux");
    BOOST_TEST(!f.os_name.empty());
    if (f.cpu_max_mhz) BOOST_TEST(*f.cpu_max_mhz > 0.0);
    BOOST_TEST(f.is_admin == (geteuid() == 0));
    BOOST_TEST(f.cpu_packages >= 1u);
    BOOST_TEST(f.cpu_packages <= f.logical_cores);

    // The Windows facts stay unset, so the Windows checks say "not Windows".
    BOOST_TEST(f.os_product_type.empty());
    BOOST_TEST(f.os_build.empty());
    BOOST_TEST(!f.dotnet4_full);
    BOOST_TEST(f.powershell_version.empty());
}

BOOST_AUTO_TEST_CASE(missing_install_path_measures_its_parent) {
    test::TempDir tmp;
    HostFacts f = read_host_facts((tmp.path / "AirWatch/CloudConnector").string());
    BOOST_TEST(f.disk_path == tmp.path.string());

    const std::string missing = "/tmp/pf-no-such-dir-" + std::to_string(getpid()) + "/acc";
    f = read_host_facts(missing);
    BOOST_TEST(f.disk_path == "/tmp");
    BOOST_REQUIRE(f.disk_free_bytes.has_value());
    BOOST_TEST(roughly(*f.disk_free_bytes, statvfs_free("/tmp")));
}

BOOST_AUTO_TEST_CASE(describe_is_stable_and_readable) {
    HostFacts f = test::linux_facts();
    auto d = describe(f);
    std::vector<std::string> names;
    for (const auto& [n, v] : d)
        names.push_back(n);
    const std::vector<std::string> expected = {
        "hostname",      "os",  "kernel",    "arch",      "cpu model",    "logical cores",
        "cpu max clock", "ram", "disk path", "disk free", "cpu packages", "administrator"};
    BOOST_TEST(names == expected, boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(d.size(), expected.size());
    BOOST_TEST(d[0].second == "acc01");
    BOOST_TEST(d[1].second == "Debian GNU/Linux 12 (bookworm)");
    BOOST_TEST(d[5].second == "2");
    BOOST_TEST(d[6].second == "2.40 GHz");
    BOOST_TEST(d[7].second == format_size(f.ram_bytes));
    BOOST_TEST(d[8].second == "/opt");
    BOOST_TEST(d[9].second == "20.0 GiB");
    BOOST_TEST(d[10].second == "unknown");
    BOOST_TEST(d[11].second == "no");

    f.cpu_max_mhz.reset();
    f.disk_free_bytes.reset();
    f.cpu_model.clear();
    d = describe(f);
    BOOST_TEST(d[4].second == "unknown");
    BOOST_TEST(d[6].second == "unknown");
    BOOST_TEST(d[9].second == "unknown");
}

BOOST_AUTO_TEST_CASE(describe_adds_the_windows_facts) {
    HostFacts f = test::linux_facts();
    f.os_family = "windows";
    f.os_name = "Windows Server 2008 R2";
    f.os_version = "6.1.7601";
    f.os_product_type = "server";
    f.os_installation = "Server Core";
    f.cpu_packages = 2;
    f.is_admin = true;
    f.dotnet4_full = true;
    f.dotnet_release = 528040;
    f.powershell_version = "5.1.14409.1005";
    std::map<std::string, std::string> d;
    for (const auto& [n, v] : describe(f))
        d[n] = v;
    BOOST_TEST(d["os"] == "Windows Server 2008 R2 6.1.7601");
    BOOST_TEST(d["cpu packages"] == "2");
    BOOST_TEST(d["administrator"] == "yes");
    BOOST_TEST(d["product type"] == "server");
    BOOST_TEST(d["installation type"] == "Server Core");
    BOOST_TEST(d["dotnet framework"] == "4.8 (Release 528040)");
    BOOST_TEST(d["powershell"] == "5.1.14409.1005");

    f.dotnet4_full = false;
    f.powershell_version.clear();
    f.os_installation.clear();
    d.clear();
    for (const auto& [n, v] : describe(f))
        d[n] = v;
    BOOST_TEST(d["dotnet framework"] == "not installed");
    BOOST_TEST(d["powershell"] == "not installed");
    BOOST_TEST(d["installation type"] == "unknown");
}

BOOST_AUTO_TEST_SUITE_END()
