#include "hardware/sizing.hpp"
#include "probes/host/hardware.hpp"
#include "probes/host/platform.hpp"
#include "probes/host/sizing.hpp"
#include "support/probe_harness.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <string>

using namespace pf;
using test::declaration_refuses;
using test::env_with;
using test::linux_facts;
using test::run_probe;

using pft::any_contains;
using pft::contains;

namespace {

ProbeResult hw(const HostFacts& f, const std::string& resource, const std::string& minimum) {
    return run_probe(hardware_probe(), env_with(f), {{"resource", resource}, {"minimum", minimum}});
}

} // namespace

BOOST_AUTO_TEST_SUITE(probe_kinds)

BOOST_AUTO_TEST_CASE(every_param_has_help) {
    for (const ProbeKind& k : {hardware_probe(), sizing_probe(), os_probe(), dotnet_probe(),
                               powershell_probe(), privileges_probe(), file_probe()}) {
        BOOST_TEST(!k.description.empty(), k.name);
        BOOST_TEST(static_cast<bool>(k.start), k.name);
        for (const auto& p : k.params)
            BOOST_TEST(!p.help.empty(), k.name << "." << p.name);
    }
    BOOST_TEST(hardware_probe().name == "hardware");
    BOOST_TEST(sizing_probe().name == "sizing");
    BOOST_TEST(os_probe().name == "os");
    BOOST_TEST(dotnet_probe().name == "dotnet");
    BOOST_TEST(powershell_probe().name == "powershell");
    BOOST_TEST(privileges_probe().name == "privileges");
    BOOST_TEST(file_probe().name == "file");
}

BOOST_AUTO_TEST_CASE(hardware_cores) {
    ProbeResult r = hw(linux_facts(), "cores", "1");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "2 logical cores (minimum 1)");
    BOOST_REQUIRE_EQUAL(r.measurements.size(), 1u);
    BOOST_TEST(r.measurements[0].value == 2.0);

    r = hw(linux_facts(), "cores", "4");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "2 logical cores (minimum 4)");
}

BOOST_AUTO_TEST_CASE(hardware_cpu_clock) {
    HostFacts f = linux_facts();
    ProbeResult r = hw(f, "cpu_clock", "2.0GHz");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "CPU max clock 2.40 GHz (minimum 2.00 GHz)");

    BOOST_TEST(hw(f, "cpu_clock", "2400MHz").status == Status::pass);
    r = hw(f, "cpu_clock", "3GHz");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "CPU max clock 2.40 GHz (minimum 3.00 GHz)");

    f.cpu_max_mhz.reset();
    r = hw(f, "cpu_clock", "2.0GHz");
    BOOST_TEST(r.status == Status::warn);
    BOOST_TEST(r.summary == "CPU max clock could not be read");
}

BOOST_AUTO_TEST_CASE(hardware_ram) {
    HostFacts f = linux_facts(); // a "4 GB" VM reporting 3.84 GiB
    ProbeResult r = hw(f, "ram", "2GB");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "3.8 GiB RAM (minimum 2.0 GiB)");
    BOOST_TEST(hw(f, "ram", "4GB").status == Status::pass); // within the 90% tolerance
    r = hw(f, "ram", "8GB");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "minimum 8.0 GiB"), r.summary);

    f.ram_bytes = (1ull << 30) * 17 / 10; // 1.7 GiB: under 90% of 2 GB
    BOOST_TEST(hw(f, "ram", "2GB").status == Status::fail);
}

BOOST_AUTO_TEST_CASE(hardware_disk) {
    HostFacts f = linux_facts();
    ProbeResult r = hw(f, "disk", "1GB");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "20.0 GiB free at /opt (minimum 1.0 GiB)");

    f.disk_free_bytes = 512ull << 20;
    r = hw(f, "disk", "1GB");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "512.0 MiB free at /opt (minimum 1.0 GiB)");

    f.disk_free_bytes.reset();
    BOOST_TEST(hw(f, "disk", "1GB").status == Status::warn);
}

BOOST_AUTO_TEST_CASE(hardware_rejects_bad_arguments) {
    auto refused = [](const char* resource, const char* minimum) {
        return declaration_refuses(hardware_probe(),
                                   {{"resource", resource}, {"minimum", minimum}});
    };
    BOOST_TEST(refused("gpu", "1") == "resource: expected cores, cpu_clock, ram or disk");
    BOOST_TEST(contains(refused("ram", "lots"), "minimum: expected a count"));
    BOOST_TEST(contains(refused("cpu_clock", "2GB"), "minimum: expected a clock frequency"));
    BOOST_TEST(contains(refused("cores", "2.5"), "minimum: expected a whole number"));
    BOOST_TEST(contains(refused("ram", "20000000000GB"), "a size up to 1 PiB"));
    BOOST_TEST(refused("ram", "2GB").empty());
}

BOOST_AUTO_TEST_CASE(sizing_skips_without_users) {
    ProbeResult r = run_probe(sizing_probe(), env_with(linux_facts()));
    BOOST_TEST(r.status == Status::skip);
    BOOST_TEST(r.summary == "give --users N (and --servers N) to size this deployment");
}

BOOST_AUTO_TEST_CASE(sizing_assumes_one_server) {
    RunEnvironment env = env_with(linux_facts());
    env.users = 5'000;
    ProbeResult r = run_probe(sizing_probe(), env);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "assumed 1 ACC server: give --servers N"), r.summary);

    env.users = 20'000;
    r = run_probe(sizing_probe(), env);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "20,000 users need 2 load-balanced ACC servers; 1 planned"),
               r.summary);
    BOOST_TEST(contains(r.summary, "give --servers N"), r.summary);

    env.servers = 2;
    r = run_probe(sizing_probe(), env);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(!contains(r.summary, "assumed"), r.summary);

    env.users = 150'000; // needs 4 cores and 16 GB
    r = run_probe(sizing_probe(), env);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "4 CPU cores"), r.summary);
}

BOOST_AUTO_TEST_SUITE_END()
