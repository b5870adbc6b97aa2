#include "probes/host/platform.hpp"
#include "support/probe_harness.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

using namespace pf;
using test::declaration_refuses;
using test::env_with;
using test::linux_facts;
using test::run_probe;

using pft::any_contains;
using pft::contains;

namespace {

const std::string seed_supported =
    "Windows Server 2008 R2|Windows Server 2012|Windows Server 2012 R2";

// A Windows Server 2008 R2 host as windows_facts.cpp reads one, made by hand
// so that the Windows verdicts are tested on any build host.
HostFacts windows_facts() {
    HostFacts f = linux_facts();
    f.hostname = "ACC01";
    f.os_family = "windows";
    f.os_name = "Windows Server 2008 R2";
    f.os_version = "6.1.7601";
    f.os_build = "7601";
    f.kernel = "Windows NT 6.1";
    f.os_product_type = "server";
    f.os_installation = "Server";
    f.disk_path = "C:\\";
    f.cpu_packages = 1;
    f.is_admin = true;
    f.dotnet4_full = true;
    f.dotnet_release = 528040;
    f.dotnet_version = "4.8";
    f.powershell_version = "2.0";
    return f;
}

ProbeResult os(const HostFacts& f) {
    return run_probe(os_probe(), env_with(f), {{"supported", seed_supported}});
}

ProbeResult dotnet(const HostFacts& f, const std::string& minimum) {
    return run_probe(dotnet_probe(), env_with(f), {{"minimum", minimum}});
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(platform_probes)

BOOST_AUTO_TEST_CASE(os_on_linux_fails_plainly) {
    ProbeResult r = run_probe(os_probe(), env_with(linux_facts()), {{"supported", seed_supported}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "this host runs Debian GNU/Linux 12 (bookworm); the Cloud Connector "
                            "itself needs Windows Server (Windows Server 2008 R2, Windows Server "
                            "2012 or Windows Server 2012 R2)");
}

BOOST_AUTO_TEST_CASE(os_supported_server_passes) {
    HostFacts f = windows_facts();
    ProbeResult r = os(f);
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "Windows Server 2008 R2 (build 7601)");
    BOOST_TEST(contains(joined(r.evidence), "product type: server"), joined(r.evidence));

    f.os_installation = "Server Core";
    BOOST_TEST(os(f).summary == "Windows Server 2008 R2 (build 7601, Server Core)");
    f.os_product_type = "domain controller";
    r = os(f);
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "Windows Server 2008 R2 (build 7601, Server Core, domain controller)");

    f = windows_facts();
    f.os_name = "Windows Server 2012 R2";
    f.os_build = "9600";
    BOOST_TEST(os(f).status == Status::pass);
    f.os_name = "Windows Server 2012";
    f.os_build = "9200";
    BOOST_TEST(os(f).status == Status::pass);
}

BOOST_AUTO_TEST_CASE(os_client_edition_fails) {
    HostFacts f = windows_facts();
    f.os_name = "Windows 10";
    f.os_product_type = "workstation";
    f.os_installation = "Client";
    f.os_build = "19043";
    ProbeResult r = os(f);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "Windows 10 is a client edition; the Cloud Connector needs Windows "
                            "Server (Windows Server 2008 R2, Windows Server 2012 or Windows "
                            "Server 2012 R2)");
}

BOOST_AUTO_TEST_CASE(os_unlisted_server_fails_and_says_how_to_widen) {
    HostFacts f = windows_facts();
    f.os_name = "Windows Server 2016";
    f.os_build = "14393";
    ProbeResult r = os(f);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "Windows Server 2016 is not in the supported list (Windows Server 2008 "
                            "R2, Windows Server 2012 or Windows Server 2012 R2); set --set "
                            "supported_os=... to check against another list");
    BOOST_TEST(contains(joined(r.evidence),
                        "--set supported_os=\"" + seed_supported + "|Windows Server 2016\""),
               joined(r.evidence));

    // The list a newer guide gives.
    r = run_probe(os_probe(), env_with(f),
                  {{"supported", seed_supported + "|Windows Server 2016"}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "Windows Server 2016 (build 14393)");
}

BOOST_AUTO_TEST_CASE(os_product_names_match_at_word_boundaries) {
    // Facts of a build the release table does not know carry the ProductName.
    HostFacts f = windows_facts();
    f.os_name = "Windows Server 2012 R2 Standard";
    BOOST_TEST(os(f).status == Status::pass);
    f.os_name = "Windows Server 2008 Standard"; // 2008 without R2 is not listed
    BOOST_TEST(os(f).status == Status::fail);
    f.os_name = "Windows Server 20121";
    BOOST_TEST(os(f).status == Status::fail);

    // R2 is its own release: listing 2012 does not admit 2012 R2.
    f.os_name = "Windows Server 2012 R2";
    auto only_2012 = [&](const HostFacts& facts) {
        return run_probe(os_probe(), env_with(facts), {{"supported", "Windows Server 2012"}});
    };
    BOOST_TEST(only_2012(f).status == Status::fail);
    f.os_name = "Windows Server 2012 Datacenter";
    BOOST_TEST(only_2012(f).status == Status::pass);
    f.os_name = "Windows Server 2012";
    BOOST_TEST(only_2012(f).status == Status::pass);
}

BOOST_AUTO_TEST_CASE(os_rejects_an_empty_list) {
    BOOST_TEST(contains(declaration_refuses(os_probe(), {{"supported", " | "}}),
                        "supported: expected Windows releases separated by '|'"));
}

BOOST_AUTO_TEST_CASE(dotnet_off_windows) {
    ProbeResult r = run_probe(dotnet_probe(), env_with(linux_facts()));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not a Windows host: .NET Framework 4.0 cannot be installed here; the "
                            "Cloud Connector needs Windows Server");
    r = run_probe(dotnet_probe(), env_with(linux_facts()), {{"minimum", "4.5.2"}});
    BOOST_TEST(contains(r.summary, ".NET Framework 4.5.2"), r.summary);
    BOOST_TEST(declaration_refuses(dotnet_probe(), {{"minimum", "four"}}) ==
               "minimum: expected a version such as 4.0 or 4.7.2");
}

BOOST_AUTO_TEST_CASE(dotnet_on_windows) {
    HostFacts f = windows_facts(); // 4.8, Release 528040
    ProbeResult r = dotnet(f, "4.0");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == ".NET Framework 4.8 (Release 528040)");
    BOOST_TEST(dotnet(f, "4.8").status == Status::pass);
    r = dotnet(f, "4.8.1");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == ".NET Framework 4.8 (Release 528040); the minimum is 4.8.1");

    f.dotnet4_full = false;
    f.dotnet_release.reset();
    f.dotnet_version.clear();
    r = dotnet(f, "4.0");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not installed: .NET Framework 4.0 (NDP\\v4\\Full) is missing");

    // 4.0 itself records no Release value.
    f.dotnet4_full = true;
    r = dotnet(f, "4.0");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == ".NET Framework 4.0");
    BOOST_TEST(dotnet(f, "4.5").status == Status::fail);
    BOOST_TEST(dotnet(f, "4").status == Status::pass);
}

BOOST_AUTO_TEST_CASE(dotnet_release_boundaries_against_minimums) {
    HostFacts f = windows_facts();
    auto with_release = [&](std::uint32_t release, const std::string& minimum) {
        f.dotnet_release = release;
        return dotnet(f, minimum);
    };
    ProbeResult r = with_release(378388, "4.5"); // one short of 4.5: still 4.0
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == ".NET Framework 4.0 (Release 378388); the minimum is 4.5");
    BOOST_TEST(with_release(378388, "4.0").status == Status::pass);
    BOOST_TEST(with_release(378389, "4.5").status == Status::pass);
    BOOST_TEST(with_release(379892, "4.5.2").status == Status::fail);
    BOOST_TEST(with_release(379893, "4.5.2").status == Status::pass);
    BOOST_TEST(with_release(461807, "4.7.2").status == Status::fail);
    r = with_release(461808, "4.7.2");
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == ".NET Framework 4.7.2 (Release 461808)");
    BOOST_TEST(with_release(533320, "4.8.1").status == Status::pass);
}

BOOST_AUTO_TEST_CASE(powershell_from_facts) {
    HostFacts f = windows_facts();
    ProbeResult r = run_probe(powershell_probe(), env_with(f));
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "PowerShell 2.0");

    f.powershell_version.clear();
    r = run_probe(powershell_probe(), env_with(f));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not installed");
    BOOST_TEST(contains(joined(r.evidence), "PowerShellEngine"), joined(r.evidence));

    r = run_probe(powershell_probe(), env_with(linux_facts()));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not a Windows host: Windows PowerShell cannot be installed here; the "
                            "Cloud Connector needs Windows Server");
}

BOOST_AUTO_TEST_CASE(privileges_from_facts) {
    HostFacts f = windows_facts();
    ProbeResult r = run_probe(privileges_probe(), env_with(f));
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "running with administrator rights");
    f.is_admin = false;
    r = run_probe(privileges_probe(), env_with(f));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not running with administrator rights (start preflight from an "
                            "elevated prompt: \"Run as administrator\")");

    f = linux_facts();
    f.is_admin = true;
    r = run_probe(privileges_probe(), env_with(f));
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "running as root");
    f.is_admin = false;
    r = run_probe(privileges_probe(), env_with(f));
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not running with administrator rights (not root)");
}

BOOST_AUTO_TEST_CASE(file_exists) {
    test::TempDir tmp;
    const auto file = tmp.path / "AirWatch_Cloud_Connector.exe";
    std::ofstream(file) << "12345";

    ProbeResult r = run_probe(file_probe(), env_with(linux_facts()),
                              {{"path", file.string()}, {"what", "the ACC installer"}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "found: " + file.string() + " (5 B)");
    BOOST_TEST(contains(r.evidence.empty() ? "" : r.evidence[0], "the ACC installer"));

    r = run_probe(file_probe(), env_with(linux_facts()), {{"path", tmp.path.string()}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "found: " + tmp.path.string() + " (directory)");

    const std::string missing = (tmp.path / "nope.cer").string();
    r = run_probe(file_probe(), env_with(linux_facts()), {{"path", missing}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "not found: " + missing);
}

BOOST_AUTO_TEST_SUITE_END()
