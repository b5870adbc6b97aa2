// Every line of the host checks' verdicts (sizing, OS, .NET, PowerShell,
// hardware resources) comes from the message catalog: with a catalog whose
// every entry begins with a mark, each line begins with it, and with a
// catalog of keys only, no English word is left (a second language could
// not render a sentence built in code).
#include "probes/host/hardware.hpp"
#include "probes/host/platform.hpp"
#include "probes/host/sizing.hpp"
#include "support/catalog_marks.hpp"
#include "support/probe_harness.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using test::env_with;
using test::linux_facts;
using test::run_probe;

namespace {

struct Case {
    std::string label;
    Status expected;
    ProbeKind kind;
    RunEnvironment env;
    std::map<std::string, std::string> args;
};

RunEnvironment sizing_env(std::uint64_t users, std::uint32_t servers, unsigned cores,
                          std::uint64_t ram_gib) {
    HostFacts f = linux_facts();
    f.logical_cores = cores;
    f.ram_bytes = ram_gib << 30;
    RunEnvironment env = env_with(f);
    env.users = users;
    env.servers = servers;
    return env;
}

// A Windows Server host as windows_facts.cpp reads one: a Server Core
// domain controller, so the OS line has details; no .NET 4, no PowerShell.
HostFacts windows_core_dc() {
    HostFacts f = linux_facts();
    f.os_family = "windows";
    f.os_name = "Windows Server 2019 Datacenter";
    f.os_version = "10.0.17763";
    f.os_build = "17763";
    f.os_product_type = "domain controller";
    f.os_installation = "Server Core";
    f.cpu_max_mhz.reset();
    return f;
}

} // namespace

BOOST_AUTO_TEST_SUITE(host_catalog_marks)

BOOST_AUTO_TEST_CASE(every_line_of_the_host_checks_comes_from_the_catalog) {
    const HostFacts windows = windows_core_dc();
    std::vector<Case> cases = {
        {"sizing fits", Status::pass, sizing_probe(), sizing_env(5'000, 1, 2, 4), {}},
        {"sizing short of everything",
         Status::fail,
         sizing_probe(),
         sizing_env(60'000, 1, 1, 2),
         {}},
        {"sizing beyond the table",
         Status::warn,
         sizing_probe(),
         sizing_env(500'000, 2, 4, 16),
         {}},
        {"os supported",
         Status::pass,
         os_probe(),
         env_with(windows),
         {{"supported", "Windows Server 2019"}}},
        {"os not listed",
         Status::fail,
         os_probe(),
         env_with(windows),
         {{"supported", "Windows Server 2012|Windows Server 2016"}}},
        {"dotnet missing", Status::fail, dotnet_probe(), env_with(windows), {{"minimum", "4.7.2"}}},
        {"powershell missing", Status::fail, powershell_probe(), env_with(windows), {}},
        {"clock unknown",
         Status::warn,
         hardware_probe(),
         env_with(windows),
         {{"resource", "cpu_clock"}, {"minimum", "2.0GHz"}}},
        {"ram",
         Status::pass,
         hardware_probe(),
         env_with(linux_facts()),
         {{"resource", "ram"}, {"minimum", "4GB"}}},
        {"disk",
         Status::pass,
         hardware_probe(),
         env_with(linux_facts()),
         {{"resource", "disk"}, {"minimum", "10GB"}}},
    };
    for (bool keys_only : {false, true}) {
        pft::ActiveCatalog active(keys_only ? pft::keys_only_catalog() : pft::marked_catalog());
        for (const auto& c : cases) {
            ProbeResult r = run_probe(c.kind, c.env, c.args);
            BOOST_TEST(r.status == c.expected, c.label << ": " << r.summary);
            std::vector<std::string> lines = r.evidence;
            lines.insert(lines.begin(), r.summary);
            for (const auto& line : lines) {
                bool from_catalog =
                    line.rfind(pft::mark, 0) == 0 &&
                    !(keys_only && (pft::has_english(line) || pft::joined_in_code(line)));
                BOOST_TEST(from_catalog,
                           c.label << (keys_only ? " (keys only)" : "") << ": " << line);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
