// TLS interception as the probe meets it: squid with ssl-bump re-signing the
// origin's (nginx's) certificate with a CA of its own, on loopback.
#include "probes/tls/tls.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using pf::test::run_probe;

using pft::any_contains;
using pft::contains;

namespace {

// An origin with a "public" root, and a bumping squid in front of it.
struct Inspected {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Origin Public Root", .org = "Public CA Inc."});
    pft::Issued leaf = f.issue(root, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}});
    pft::Issued bump_ca;
    std::string root_pem = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
    std::unique_ptr<pft::Nginx> origin;
    std::unique_ptr<pft::Squid> squid;
    RunEnvironment env;

    explicit Inspected(pft::CertSpec bump_spec) : bump_ca(f.root(bump_spec)) {
        pft::NginxSite s;
        s.cert_file = pft::CertFactory::write_pem(dir.file("chain.pem"), {&leaf});
        s.key_file = pft::CertFactory::write_key(dir.file("key.pem"), leaf);
        origin = std::make_unique<pft::Nginx>(std::vector<pft::NginxSite>{s});
        pft::SquidOptions o;
        o.bump_ca_cert = pft::CertFactory::write_pem(dir.file("bump.pem"), {&bump_ca});
        o.bump_ca_key = pft::CertFactory::write_key(dir.file("bump.key"), bump_ca);
        o.origin_ca_file = root_pem;
        squid = std::make_unique<pft::Squid>(o);
        env.proxy.host = "127.0.0.1";
        env.proxy.port = squid->port();
        env.proxy.origin = "test";
        env.tls.trust.system_file = root_pem;
        env.tls.public_roots = root_pem;
    }
    ProbeResult probe(std::map<std::string, std::string> args = {}) {
        args.emplace("host", "127.0.0.1");
        args["port"] = std::to_string(origin->port());
        return run_probe(tls_probe(), env, args, std::chrono::seconds(8));
    }
};

std::string message_arg(const ProbeResult& r, const std::string& name) {
    for (const auto& [k, v] : r.message.args)
        if (k == name) return v;
    return "(none)";
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls_interception_squid, *pft::needs_programs({"nginx", "squid"}))

BOOST_AUTO_TEST_CASE(a_ca_named_after_a_product_is_interception_by_it) {
    Inspected w({.cn = "Zscaler Root CA", .org = "Zscaler Inc."});
    auto r = w.probe();
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.alert.find("TLS interception by Zscaler") == 0u, r.alert);
    BOOST_TEST(contains(r.alert, "Ask the network team to exempt 127.0.0.1:" +
                                     std::to_string(w.origin->port()) + " from TLS inspection"),
               r.alert);
    BOOST_TEST(r.summary.find("TLS interception by Zscaler; untrusted root: the chain of "
                              "127.0.0.1 ends at 'CN=Zscaler Root CA, O=Zscaler Inc.'") == 0u,
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "through the proxy http://127.0.0.1:"));
    // The origin is reachable directly too, and sends another leaf.
    BOOST_TEST(contains(r.alert, "the proxy re-signs: leaf via proxy "), r.alert);
    BOOST_TEST(r.blocks.size() == 2u);
    // The product as data, for monitoring: whatever the sentence is.
    BOOST_TEST(message_arg(r, "interceptor") == "Zscaler");
}

BOOST_AUTO_TEST_CASE(a_neutral_ca_added_to_the_store_is_a_locally_added_root) {
    Inspected w({.cn = "Corp Web Filter CA", .org = "Example Corp"});
    // The machine trusts the inspection CA (as a domain policy would
    // install it); the public programme does not know it.
    w.env.tls.trust.system_file =
        pft::CertFactory::write_pem(w.dir.file("system.pem"), {&w.root, &w.bump_ca});
    auto r = w.probe();
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.alert.find("intercepted: the chain ends at a locally added root 'CN=Corp Web "
                            "Filter CA, O=Example Corp'") == 0u,
               r.alert);
    BOOST_TEST(r.summary == "intercepted: the chain ends at a locally added root 'CN=Corp Web "
                            "Filter CA, O=Example Corp'");
    // (d): the proxy's leaf against the one nginx sends directly.
    BOOST_TEST(contains(r.alert, "; the proxy re-signs: leaf via proxy "), r.alert);
    BOOST_TEST(contains(r.alert, "issued by 'CN=Corp Web Filter CA, O=Example Corp', direct "),
               r.alert);
    BOOST_TEST(any_contains(r.evidence, "direct comparison: via the proxy"));
    BOOST_TEST(message_arg(r, "interceptor") == "(none)"); // no product named

    // Asked to go directly, the same check sees the origin as it is.
    auto d = w.probe({{"via", "direct"}});
    BOOST_TEST(d.status == Status::pass, d.summary);
    BOOST_TEST(d.alert.empty(), d.alert);

    // NO_PROXY bypasses the proxy for auto, not for via=proxy.
    w.env.proxy.no_proxy = {"127.0.0.1"};
    BOOST_TEST(w.probe().status == Status::pass);
    BOOST_TEST(w.probe({{"via", "proxy"}}).status == Status::fail);
}

BOOST_AUTO_TEST_SUITE_END()
