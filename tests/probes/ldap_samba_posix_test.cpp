// The ldap probe against a real Active Directory: a Samba AD DC in a network
// namespace of the test's own (pft::SambaDc). The probe runs in-process on a
// thread that entered the namespace, trusting the DC's test CA only.
#include "probes/ldap/ldap.hpp"
#include "support/preconditions.hpp"
#include "support/probe_harness.hpp"
#include "support/result_text.hpp"
#include "support/samba_posix.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;
using pft::all_text;
using pft::any_contains;
using pft::contains;

namespace {

// One DC for the whole suite (starting it takes seconds), stopped when the
// suite ends rather than holding its memory through the other suites.
std::unique_ptr<pft::SambaDc> the_dc;

struct Domain {
    static pft::SambaDc& dc() {
        if (!the_dc) the_dc = std::make_unique<pft::SambaDc>();
        return *the_dc;
    }
    static void stop() { the_dc.reset(); }
    RunEnvironment env;
    Domain() { env.tls.trust.system_file = dc().ca_file(); }

    ProbeResult probe(std::map<std::string, std::string> args) {
        args.emplace("host", "127.0.0.1");
        auto r = pft::in_namespace(dc().ns(), [&] {
            return pf::test::run_probe(ldap_probe(), env, args, std::chrono::seconds(8));
        });
        BOOST_TEST(!contains(all_text(r), dc().admin_password()), all_text(r));
        BOOST_TEST_MESSAGE("VERDICT " << to_string(r.status) << ": " << all_text(r));
        return r;
    }
    static std::map<std::string, std::string> admin(const std::string& bind_dn,
                                                    const std::string& password = {}) {
        return {{"bind_dn", bind_dn},
                {"password", password.empty() ? dc().admin_password() : password}};
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(ldap_probe_on_samba_ad,
                      *pft::needs_root({"ip", "nft", "samba", "samba-tool"}) *
                          boost::unit_test::fixture([] {}, &Domain::stop))

BOOST_AUTO_TEST_CASE(rootdse_on_ldap_and_the_global_catalog) {
    Domain d;
    for (const char* port : {"389", "3268"}) {
        auto r = d.probe({{"port", port}});
        BOOST_TEST(r.status == Status::pass, r.summary << pft::SambaDc::host_name());
        BOOST_TEST(contains(r.summary, std::string("plain LDAP on 127.0.0.1:") + port +
                                           " answers as dc1.example.test (default naming "
                                           "context DC=example,DC=test)"),
                   r.summary);
        BOOST_TEST(any_contains(r.evidence, "rootDSE isGlobalCatalogReady: TRUE"), all_text(r));
        BOOST_TEST(any_contains(r.evidence, "rootDSE supportedLDAPVersion: 2, 3"), all_text(r));
        BOOST_TEST(any_contains(r.evidence, "rootDSE namingContexts: "), all_text(r));
    }
}

BOOST_AUTO_TEST_CASE(simple_bind_on_plain_389_needs_encryption) {
    Domain d;
    auto args = Domain::admin(pft::SambaDc::admin_upn());
    args["port"] = "389";
    args["allow_plaintext_auth"] = "true"; // to see the server refuse it
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "bind as 'Administrator@example.test' rejected: the server "
                                   "requires transport encryption for a simple bind (LDAP 8"),
               r.summary);
    BOOST_TEST(contains(r.summary, "Transport encryption required"), r.summary);
    BOOST_TEST(contains(r.summary, "use security=\"ldaps\" (port 636, Global Catalog 3269) or "
                                   "security=\"starttls\" on 389"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(ldaps_bind_and_search_base) {
    Domain d;
    auto args = Domain::admin("EXAMPLE\\Administrator");
    args["security"] = "ldaps";
    args["base"] = pft::SambaDc::base_dn();
    args["filter"] = "(sAMAccountName=Administrator)";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::pass, all_text(r));
    BOOST_TEST(contains(r.summary, "LDAPS on 127.0.0.1:636 answers as dc1.example.test"),
               r.summary);
    BOOST_TEST(contains(r.summary, "bound as 'EXAMPLE\\Administrator'"), r.summary);
    BOOST_TEST(contains(r.summary, "base 'DC=example,DC=test' exists with 1 entry matching "
                                   "(sAMAccountName=Administrator)"),
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "is trusted"), all_text(r));
}

BOOST_AUTO_TEST_CASE(starttls_and_the_tls_global_catalog_bind) {
    Domain d;
    auto starttls = Domain::admin("CN=Administrator,CN=Users,DC=example,DC=test");
    starttls["security"] = "starttls";
    auto r = d.probe(starttls);
    BOOST_TEST(r.status == Status::pass, all_text(r));
    auto gc = Domain::admin(pft::SambaDc::admin_upn());
    gc["security"] = "ldaps";
    gc["port"] = "3269";
    auto g = d.probe(gc);
    BOOST_TEST(g.status == Status::pass, all_text(g));
    BOOST_TEST(any_contains(g.evidence, "rootDSE isGlobalCatalogReady: TRUE"), all_text(g));
}

BOOST_AUTO_TEST_CASE(wrong_password_is_decoded_as_52e) {
    Domain d;
    auto args = Domain::admin(pft::SambaDc::admin_upn(), "Wrong-Passw0rd!");
    args["security"] = "ldaps";
    auto r = d.probe(args);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary == "bind as 'Administrator@example.test' rejected: invalid credentials: "
                            "the password is wrong (or, for some name forms, no account has this "
                            "name) (LDAP 49, AD data 52e)",
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "the server's message: 80090308: LdapErr: "), all_text(r));
    BOOST_TEST(any_contains(r.evidence, "LDAPS to 127.0.0.1:636"), all_text(r));
    BOOST_TEST(!contains(all_text(r), "Wrong-Passw0rd!"));
}

BOOST_AUTO_TEST_CASE(a_filtered_port_reads_like_the_tcp_probe) {
    Domain d;
    // As behind a firewall that drops: the connect times out.
    Domain::dc().netns().sh("nft add table inet ldaptest && nft add chain inet ldaptest in "
                            "'{ type filter hook input priority 0; }' && nft add rule inet "
                            "ldaptest in tcp dport 1636 drop");
    auto t0 = Clock::now();
    auto r = pft::in_namespace(Domain::dc().ns(), [&] {
        return pf::test::run_probe(ldap_probe(), d.env,
                                   {{"host", "127.0.0.1"}, {"port", "1636"}, {"security", "ldaps"}},
                                   std::chrono::milliseconds(1500));
    });
    Domain::dc().netns().sh("nft delete table inet ldaptest");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "timed out: no answer from 127.0.0.1 port 1636 within"),
               r.summary);
    BOOST_TEST(contains(r.summary, "filtered by a firewall"), r.summary);
    BOOST_TEST(std::chrono::duration<double>(Clock::now() - t0).count() < 2.0);
}

BOOST_AUTO_TEST_CASE(anonymous_search_is_refused_by_ad) {
    Domain d;
    auto r = d.probe({{"security", "ldaps"}, {"base", pft::SambaDc::base_dn()}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "search of 'DC=example,DC=test' failed (LDAP "), r.summary);
    BOOST_TEST(contains(r.summary, "set bind_dn and password"), r.summary);
}

BOOST_AUTO_TEST_CASE(disabled_and_expired_accounts_are_named) {
    Domain d;
    // Service accounts in the states an AD admin puts them in.
    const std::string password = "Svc-Acc-7q!Xw";
    for (const char* user : {"svc-disabled", "svc-expired", "svc-mustchange"}) {
        try {
            Domain::dc().samba_tool({"user", "delete", user});
        } catch (const std::exception&) {
        }
    }
    Domain::dc().samba_tool({"user", "create", "svc-disabled", password});
    Domain::dc().samba_tool({"user", "disable", "svc-disabled"});
    Domain::dc().samba_tool({"user", "create", "svc-expired", password});
    Domain::dc().samba_tool({"user", "setexpiry", "svc-expired", "--days=0"});
    Domain::dc().samba_tool(
        {"user", "create", "svc-mustchange", password, "--must-change-at-next-login"});
    auto bind_as = [&](const std::string& user) {
        auto args = Domain::admin(user + "@example.test", password);
        args["security"] = "ldaps";
        auto r = d.probe(args);
        BOOST_TEST(!contains(all_text(r), password));
        return r;
    };
    auto r = bind_as("svc-disabled");
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "account disabled: enable it in Active Directory (LDAP 49, AD "
                                   "data 533)"),
               r.summary);
    auto e = bind_as("svc-expired");
    BOOST_TEST(e.status == Status::fail);
    BOOST_TEST(contains(e.summary, "account expired"), e.summary);
    BOOST_TEST(contains(e.summary, "(LDAP 49, AD data 701)"), e.summary);
    auto m = bind_as("svc-mustchange");
    BOOST_TEST(m.status == Status::fail);
    BOOST_TEST(contains(m.summary, "must change the password"), m.summary);
    BOOST_TEST(contains(m.summary, "(LDAP 49, AD data 773)"), m.summary);
}

BOOST_AUTO_TEST_SUITE_END()
