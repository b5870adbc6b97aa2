#include "base/errors.hpp"
#include "hardware/facts_json.hpp"
#include "probes/host/platform.hpp"
#include "support/probe_harness.hpp"
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>
#include <string>

using namespace pf;
using json = nlohmann::json;

namespace {

HostFacts windows_server() {
    HostFacts f = test::linux_facts();
    f.hostname = "ACC01";
    f.os_family = "windows";
    f.os_name = "Windows Server 2012 R2";
    f.os_version = "6.3.9600";
    f.kernel = "Windows NT 6.3";
    f.disk_path = "C:\\";
    f.cpu_packages = 2;
    f.is_admin = true;
    f.os_product_type = "server";
    f.os_installation = "Server Core";
    f.os_build = "9600";
    f.dotnet4_full = true;
    f.dotnet_release = 461814;
    f.dotnet_version = "4.7.2";
    f.powershell_version = "5.1.14409.1005";
    return f;
}

// Every member, one by one: HostFacts has no operator== to lean on.
void check_same(const HostFacts& a, const HostFacts& b) {
    BOOST_TEST(a.hostname == b.hostname);
    BOOST_TEST(a.os_family == b.os_family);
    BOOST_TEST(a.os_name == b.os_name);
    BOOST_TEST(a.os_version == b.os_version);
    BOOST_TEST(a.kernel == b.kernel);
    BOOST_TEST(a.arch == b.arch);
    BOOST_TEST(a.cpu_model == b.cpu_model);
    BOOST_TEST(a.logical_cores == b.logical_cores);
    BOOST_TEST((a.cpu_max_mhz == b.cpu_max_mhz));
    BOOST_TEST(a.ram_bytes == b.ram_bytes);
    BOOST_TEST(a.disk_path == b.disk_path);
    BOOST_TEST((a.disk_free_bytes == b.disk_free_bytes));
    BOOST_TEST(a.cpu_packages == b.cpu_packages);
    BOOST_TEST(a.is_admin == b.is_admin);
    BOOST_TEST(a.os_product_type == b.os_product_type);
    BOOST_TEST(a.os_installation == b.os_installation);
    BOOST_TEST(a.os_build == b.os_build);
    BOOST_TEST(a.dotnet4_full == b.dotnet4_full);
    BOOST_TEST((a.dotnet_release == b.dotnet_release));
    BOOST_TEST(a.dotnet_version == b.dotnet_version);
    BOOST_TEST(a.powershell_version == b.powershell_version);
}

// The InputError message facts_from_json throws for text, or "" if none.
std::string error_of(const std::string& text) {
    try {
        facts_from_json(text, "facts.json");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

std::string with_field(const std::string& name, const std::string& value_json) {
    return R"({"format": "preflight-facts/1", ")" + name + "\": " + value_json + "}";
}

} // namespace

BOOST_AUTO_TEST_SUITE(facts_json)

BOOST_AUTO_TEST_CASE(round_trip) {
    for (const HostFacts& f : {test::linux_facts(), windows_server(), HostFacts{}}) {
        const std::string text = facts_to_json(f);
        check_same(facts_from_json(text, "facts.json"), f);
        BOOST_TEST(facts_to_json(facts_from_json(text, "facts.json")) == text);
    }
    HostFacts odd = windows_server();
    odd.cpu_max_mhz = 2394.4567;
    odd.disk_free_bytes = 0; // full disk: known, and zero
    odd.ram_bytes = 0xFFFF'FFFF'FFFF'FFFFull;
    odd.cpu_model = "Caf\xc3\xa9 \"CPU\" \\ \t";
    check_same(facts_from_json(facts_to_json(odd), "facts.json"), odd);
}

BOOST_AUTO_TEST_CASE(fields_numbers_and_nulls) {
    json j = json::parse(facts_to_json(windows_server()));
    BOOST_TEST(j["format"] == "preflight-facts/1");
    BOOST_TEST(j["logical_cores"] == 2);
    BOOST_TEST(j["ram_bytes"].is_number_unsigned());
    BOOST_TEST(j["ram_bytes"] == 4028416ull * 1024);
    BOOST_TEST(j["cpu_max_mhz"] == 2400.0);
    BOOST_TEST(j["disk_free_bytes"] == 20ull << 30);
    BOOST_TEST(j["is_admin"] == true);
    BOOST_TEST(j["dotnet4_full"] == true);
    BOOST_TEST(j["dotnet_release"] == 461814);
    BOOST_TEST(j["os_installation"] == "Server Core");
    BOOST_TEST(j.size() == 22u); // "format" and every HostFacts member

    j = json::parse(facts_to_json(HostFacts{}));
    for (const char* unknown :
         {"hostname", "logical_cores", "cpu_max_mhz", "ram_bytes", "disk_free_bytes",
          "cpu_packages", "dotnet_release", "os_build", "powershell_version"})
        BOOST_TEST(j[unknown].is_null(), unknown);
    BOOST_TEST(j["is_admin"] == false);
}

BOOST_AUTO_TEST_CASE(missing_fields_are_unknown) {
    HostFacts f = facts_from_json(R"({"format": "preflight-facts/1", "os_family": "windows",
                                      "os_name": "Windows Server 2008 R2", "ram_bytes": 4294967296})",
                                  "facts.json");
    BOOST_TEST(f.os_family == "windows");
    BOOST_TEST(f.ram_bytes == 4294967296ull);
    BOOST_TEST(f.logical_cores == 0u);
    BOOST_TEST(!f.cpu_max_mhz.has_value());
    BOOST_TEST(!f.dotnet4_full);
}

BOOST_AUTO_TEST_CASE(malformed_fields_name_file_and_field) {
    BOOST_TEST(error_of(with_field("ram_bytes", R"("4 GB")")) ==
               "facts.json: field 'ram_bytes': expected a number");
    BOOST_TEST(error_of(with_field("cpu_max_mhz", "[2400]")) ==
               "facts.json: field 'cpu_max_mhz': expected a number from 0 to 1000000000");
    BOOST_TEST(error_of(with_field("cpu_max_mhz", "-5")) ==
               "facts.json: field 'cpu_max_mhz': expected a number from 0 to 1000000000");
    // Too large for a double: nlohmann's out_of_range, the file's fault all the same.
    BOOST_TEST(error_of(with_field("cpu_max_mhz", "2e18558")).find("facts.json: not valid JSON") ==
                   0,
               error_of(with_field("cpu_max_mhz", "2e18558")));
    BOOST_TEST(error_of(with_field("logical_cores", "-2")) ==
               "facts.json: field 'logical_cores': expected a whole number from 0 to 4294967295");
    BOOST_TEST(error_of(with_field("logical_cores", "2.5")) ==
               "facts.json: field 'logical_cores': expected a whole number from 0 to 4294967295");
    BOOST_TEST(error_of(with_field("dotnet_release", "4294967296")) ==
               "facts.json: field 'dotnet_release': expected a whole number from 0 to 4294967295");
    BOOST_TEST(error_of(with_field("hostname", "42")) ==
               "facts.json: field 'hostname': expected a string");
    BOOST_TEST(error_of(with_field("is_admin", R"("yes")")) ==
               "facts.json: field 'is_admin': expected true or false");
    BOOST_TEST(error_of(with_field("ram_byte", "1")) ==
               "facts.json: unknown field 'ram_byte' (not in preflight-facts/1)");
}

BOOST_AUTO_TEST_CASE(not_a_facts_file) {
    BOOST_TEST(error_of(R"({"hostname": "x"})") ==
               "facts.json: field 'format': expected \"preflight-facts/1\"");
    BOOST_TEST(error_of(R"({"format": "preflight-facts/2"})") ==
               "facts.json: field 'format': expected \"preflight-facts/1\"");
    BOOST_TEST(error_of("[1, 2]") == "facts.json: expected a JSON object of host facts");
    const std::string broken = error_of("{\"format\": \"preflight-facts/1\",\n \"ram_bytes\": }");
    BOOST_TEST(broken.starts_with("facts.json: not valid JSON: parse error at line 2"), broken);
    BOOST_TEST(error_of("").starts_with("facts.json: not valid JSON: "));
}

BOOST_AUTO_TEST_CASE(loaded_facts_get_that_hosts_verdicts) {
    // What "preflight run --facts" does: the verdicts follow the file, not
    // the machine the tests run on.
    RunEnvironment env = test::env_with(facts_from_json(facts_to_json(windows_server()), "f.json"));
    ProbeResult r = test::run_probe(
        os_probe(), env,
        {{"supported", "Windows Server 2008 R2|Windows Server 2012|Windows Server 2012 R2"}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == "Windows Server 2012 R2 (build 9600, Server Core)");
    r = test::run_probe(dotnet_probe(), env, {{"minimum", "4.7.2"}});
    BOOST_TEST(r.status == Status::pass);
    BOOST_TEST(r.summary == ".NET Framework 4.7.2 (Release 461814)");
    BOOST_TEST(test::run_probe(powershell_probe(), env).status == Status::pass);
    BOOST_TEST(test::run_probe(privileges_probe(), env).status == Status::pass);
}

BOOST_AUTO_TEST_SUITE_END()
