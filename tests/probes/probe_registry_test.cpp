#include "app/registries.hpp"
#include "core/probe.hpp"
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>

using namespace pf;

BOOST_AUTO_TEST_SUITE(probe_registry)

// The run reads its trust material ahead only for kinds that say they verify
// chains: a name list kept apart once missed cert-file by its spelling.
BOOST_AUTO_TEST_CASE(kinds_that_verify_chains_say_so) {
    const std::set<std::string> verifying = {
        "tls",  "tls_idle",   "cert-file",           "http", "proxy", "smtp",
        "ldap", "activesync", "exchange_powershell", "scep", "syslog"};
    const ProbeRegistry& reg = builtin_probes();
    for (const auto& name : reg.names()) {
        const ProbeKind* k = reg.find(name);
        BOOST_REQUIRE(k);
        BOOST_TEST(k->verifies_chains == verifying.contains(name), name);
    }
    for (const auto& name : verifying)
        BOOST_TEST(reg.find(name) != nullptr, name);
}

BOOST_AUTO_TEST_SUITE_END()
