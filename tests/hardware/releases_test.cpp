#include "hardware/dotnet_releases.hpp"
#include "hardware/os_releases.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace pf;

BOOST_AUTO_TEST_SUITE(windows_releases)

BOOST_AUTO_TEST_CASE(product_types) {
    BOOST_TEST(windows_product_type(1u) == "workstation");
    BOOST_TEST(windows_product_type(2u) == "domain controller");
    BOOST_TEST(windows_product_type(3u) == "server");
    BOOST_TEST(windows_product_type(0u) == "");
    BOOST_TEST(windows_product_type(4u) == "");

    BOOST_TEST(windows_product_type(std::string("WinNT")) == "workstation");
    BOOST_TEST(windows_product_type(std::string("LanmanNT")) == "domain controller");
    BOOST_TEST(windows_product_type(std::string("ServerNT")) == "server");
    BOOST_TEST(windows_product_type(std::string("")) == "");
    BOOST_TEST(windows_product_type(std::string("servernt")) == "");
}

BOOST_AUTO_TEST_CASE(release_names) {
    struct Case {
        unsigned major, minor, build;
        const char* type;
        const char* name;
    };
    const std::vector<Case> cases = {
        {6, 1, 7600, "server", "Windows Server 2008 R2"},
        {6, 1, 7601, "server", "Windows Server 2008 R2"},
        {6, 1, 7601, "domain controller", "Windows Server 2008 R2"},
        {6, 1, 7601, "workstation", "Windows 7"},
        {6, 2, 9200, "server", "Windows Server 2012"},
        {6, 2, 9200, "workstation", "Windows 8"},
        {6, 3, 9600, "server", "Windows Server 2012 R2"},
        {6, 3, 9600, "workstation", "Windows 8.1"},
        {10, 0, 14393, "server", "Windows Server 2016"},
        {10, 0, 17763, "server", "Windows Server 2019"},
        {10, 0, 20348, "server", "Windows Server 2022"},
        {10, 0, 26100, "server", "Windows Server 2025"},
        {10, 0, 10240, "workstation", "Windows 10"},
        {10, 0, 14393, "workstation", "Windows 10"}, // 2016's build, client side
        {10, 0, 21999, "workstation", "Windows 10"},
        {10, 0, 22000, "workstation", "Windows 11"},
        {10, 0, 26100, "workstation", "Windows 11"},
    };
    for (const Case& c : cases)
        BOOST_TEST(windows_release_name(c.major, c.minor, c.build, c.type, "ProductName") == c.name,
                   c.major << "." << c.minor << "." << c.build << " " << c.type);
}

BOOST_AUTO_TEST_CASE(wine_reports_map_to_releases) {
    // winecfg /v win2008r2: ProductName "Microsoft Windows 2008 R2", ServerNT.
    BOOST_TEST(windows_release_name(6, 1, 7601, windows_product_type(std::string("ServerNT")),
                                    "Microsoft Windows 2008 R2") == "Windows Server 2008 R2");
    // winecfg /v win10.
    BOOST_TEST(windows_release_name(10, 0, 19043, windows_product_type(1u),
                                    "Microsoft Windows 10") == "Windows 10");
}

BOOST_AUTO_TEST_CASE(unknown_combinations_keep_the_product_name) {
    // A semi-annual channel server has its own name, not its neighbour's.
    BOOST_TEST(windows_release_name(10, 0, 17134, "server", "Windows Server Datacenter") ==
               "Windows Server Datacenter");
    BOOST_TEST(windows_release_name(6, 0, 6002, "server", "Windows Server (R) 2008 Standard") ==
               "Windows Server (R) 2008 Standard");
    BOOST_TEST(windows_release_name(6, 1, 7000, "server", "beta") == "beta");
    // Without a product type the edition is a guess, so no guess is made.
    BOOST_TEST(windows_release_name(6, 1, 7601, "", "Windows Server 2008 R2 Standard") ==
               "Windows Server 2008 R2 Standard");
}

BOOST_AUTO_TEST_CASE(dotnet_release_boundaries) {
    struct Entry {
        std::uint32_t release;
        const char* version;
        const char* below; // what one less is
    };
    const std::vector<Entry> table = {
        {378389, "4.5", "4.0"},   {378675, "4.5.1", "4.5"}, {379893, "4.5.2", "4.5.1"},
        {393295, "4.6", "4.5.2"}, {394254, "4.6.1", "4.6"}, {394802, "4.6.2", "4.6.1"},
        {460798, "4.7", "4.6.2"}, {461308, "4.7.1", "4.7"}, {461808, "4.7.2", "4.7.1"},
        {528040, "4.8", "4.7.2"}, {533320, "4.8.1", "4.8"},
    };
    for (const Entry& e : table) {
        BOOST_TEST(dotnet_version_for_release(e.release) == e.version, e.release);
        BOOST_TEST(dotnet_version_for_release(e.release - 1) == e.below, e.release - 1);
    }
    BOOST_TEST(dotnet_version_for_release(378388) == "4.0");
    BOOST_TEST(dotnet_version_for_release(0) == "4.0");
    BOOST_TEST(dotnet_version_for_release(528049) == "4.8"); // 4.8 on pre-1903 Windows
    BOOST_TEST(dotnet_version_for_release(533325) == "4.8.1");
    BOOST_TEST(dotnet_version_for_release(std::numeric_limits<std::uint32_t>::max()) == "4.8.1");
}

BOOST_AUTO_TEST_CASE(dotnet_version_of_facts) {
    HostFacts f;
    BOOST_TEST(dotnet_version_of(f) == ""); // key missing
    f.dotnet4_full = true;
    BOOST_TEST(dotnet_version_of(f) == "4.0");
    f.dotnet_version = "4.7.2";
    BOOST_TEST(dotnet_version_of(f) == "4.7.2");
    f.dotnet_release = 528040; // the registry's own value wins
    BOOST_TEST(dotnet_version_of(f) == "4.8");
    f.dotnet4_full = false;
    BOOST_TEST(dotnet_version_of(f) == "");
}

BOOST_AUTO_TEST_SUITE_END()
