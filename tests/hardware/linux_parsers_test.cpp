#include "hardware/linux_parsers.hpp"
#include "support/probe_harness.hpp"
#include <boost/test/unit_test.hpp>
#include <filesystem>

using namespace pf;

BOOST_AUTO_TEST_SUITE(linux_parsers)

BOOST_AUTO_TEST_CASE(cpuinfo_x86_takes_model_and_highest_clock) {
    const char* text = "processor\t: 0\n"
                       "vendor_id\t: GenuineIntel\n"
                       "cpu family\t: 6\n"
                       "model\t\t: 79\n"
                       "model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n"
                       "cpu MHz\t\t: 1200.000\n"
                       "cpu cores\t: 2\n"
                       "\n"
                       "processor\t: 1\n"
                       "model name\t: Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz\n"
                       "cpu MHz\t\t: 3300.125\n"
                       "\n";
    CpuInfo c = parse_cpuinfo(text);
    BOOST_TEST(c.model == "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz");
    BOOST_REQUIRE(c.max_mhz.has_value());
    BOOST_TEST(*c.max_mhz == 3300.125);
}

BOOST_AUTO_TEST_CASE(cpuinfo_arm_without_clock) {
    const char* text = "processor\t: 0\n"
                       "BogoMIPS\t: 38.40\n"
                       "Hardware\t: BCM2835\n"
                       "Processor\t: ARMv7 Processor rev 4 (v7l)\n";
    CpuInfo c = parse_cpuinfo(text);
    // "Processor" names the CPU; "Hardware" names the board, a poorer answer.
    BOOST_TEST(c.model == "ARMv7 Processor rev 4 (v7l)");
    BOOST_TEST(!c.max_mhz.has_value());

    CpuInfo empty = parse_cpuinfo("");
    BOOST_TEST(empty.model.empty());
    BOOST_TEST(!empty.max_mhz.has_value());
    BOOST_TEST(!parse_cpuinfo("cpu MHz : fast\n").max_mhz.has_value());
}

BOOST_AUTO_TEST_CASE(cpuinfo_counts_packages) {
    // Two sockets of two hyperthreads each, listed out of order.
    const char* text = "processor\t: 0\nphysical id\t: 0\n\n"
                       "processor\t: 1\nphysical id\t: 1\n\n"
                       "processor\t: 2\nphysical id\t: 0\n\n"
                       "processor\t: 3\nphysical id\t: 1\n\n";
    BOOST_TEST(parse_cpuinfo(text).packages == 2u);
    BOOST_TEST(parse_cpuinfo("processor\t: 0\nphysical id\t: 0\n").packages == 1u);
    // ARM has no "physical id": unknown here, sysfs answers instead.
    BOOST_TEST(parse_cpuinfo("processor\t: 0\nHardware\t: BCM2835\n").packages == 0u);
}

BOOST_AUTO_TEST_CASE(meminfo_total_in_bytes) {
    const char* text = "MemTotal:       16303384 kB\n"
                       "MemFree:         1234567 kB\n"
                       "MemAvailable:    9876543 kB\n";
    auto total = parse_meminfo_total(text);
    BOOST_REQUIRE(total.has_value());
    BOOST_TEST(*total == 16303384ull * 1024);

    BOOST_TEST(!parse_meminfo_total("MemFree: 12 kB\n").has_value());
    BOOST_TEST(!parse_meminfo_total("MemTotal: lots kB\n").has_value());
    BOOST_TEST(!parse_meminfo_total("").has_value());
}

BOOST_AUTO_TEST_CASE(cpufreq_khz_to_mhz) {
    auto mhz = parse_cpufreq_khz("2400000\n");
    BOOST_REQUIRE(mhz.has_value());
    BOOST_TEST(*mhz == 2400.0);
    BOOST_TEST(!parse_cpufreq_khz("").has_value());
    BOOST_TEST(!parse_cpufreq_khz("0\n").has_value());
    BOOST_TEST(!parse_cpufreq_khz("n/a").has_value());
}

BOOST_AUTO_TEST_CASE(os_release_pretty_name) {
    const char* debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
                         "NAME=\"Debian GNU/Linux\"\n"
                         "VERSION_ID=\"12\"\n"
                         "VERSION=\"12 (bookworm)\"\n"
                         "ID=debian\n";
    OsRelease r = parse_os_release(debian);
    BOOST_TEST(r.pretty_name == "Debian GNU/Linux 12 (bookworm)");
    BOOST_TEST(r.version_id == "12");

    OsRelease quoted = parse_os_release("# a comment\n"
                                        "PRETTY_NAME='Single \"quoted\"'\n"
                                        "VERSION_ID=9.3\n");
    BOOST_TEST(quoted.pretty_name == "Single \"quoted\"");
    BOOST_TEST(quoted.version_id == "9.3");

    BOOST_TEST(parse_os_release("PRETTY_NAME=\"Say \\\"hi\\\"\"\n").pretty_name == "Say \"hi\"");
    BOOST_TEST(parse_os_release("NAME=Alpine\nVERSION=3.19\n").pretty_name == "Alpine 3.19");
    BOOST_TEST(parse_os_release("ID=x\n").pretty_name == "Linux");
}

BOOST_AUTO_TEST_CASE(nearest_existing_dir_walks_up) {
    test::TempDir tmp;
    const std::string base = tmp.path.string();
    BOOST_TEST(nearest_existing_dir(base) == base);
    BOOST_TEST(nearest_existing_dir(base + "/") == base);
    BOOST_TEST(nearest_existing_dir(base + "/not/yet/there") == base);
    BOOST_TEST(nearest_existing_dir(base + "/a/../b/c") == base);
    BOOST_TEST(nearest_existing_dir("/") == "/");
    BOOST_TEST(nearest_existing_dir(".") == std::filesystem::current_path().string());
}

BOOST_AUTO_TEST_SUITE_END()
