// The Samba AD DC harness itself: the DC answers LDAP inside its namespace,
// as a Global Catalog too, and takes the administrator's password over LDAPS.
// The LDAP and RPC probe tests build on it.
#include "support/preconditions.hpp"
#include "support/samba_posix.hpp"
#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(samba_dc_harness,
                      *pft::needs_root({"ip", "samba", "samba-tool", "ldapsearch"}))

BOOST_AUTO_TEST_CASE(answers_ldap_in_its_namespace_only) {
    pft::SambaDc dc;
    for (const char* port : {"389", "3268"}) {
        auto r = pft::run(dc.netns().wrap(
            {"ldapsearch", "-x", "-LLL", "-H", std::string("ldap://127.0.0.1:") + port, "-b", "",
             "-s", "base", "defaultNamingContext", "isGlobalCatalogReady"}));
        BOOST_TEST(r.exit_code == 0, r.err << dc.log());
        BOOST_TEST(r.out.find("defaultNamingContext: DC=example,DC=test") != std::string::npos,
                   r.out);
        BOOST_TEST(r.out.find("isGlobalCatalogReady: TRUE") != std::string::npos, r.out);
    }
    // A thread that entered the namespace reaches it; the test process
    // itself stays outside, where nothing of the DC is.
    BOOST_TEST(pft::in_namespace(dc.ns(), [] { return pft::wait_for_port("127.0.0.1", 389, 1); }));
    BOOST_TEST(!pft::wait_for_port("127.0.0.1", 3269, 0.2));
}

BOOST_AUTO_TEST_CASE(binds_the_administrator_over_ldaps) {
    pft::SambaDc dc;
    auto search = [&](const std::string& password) {
        return pft::run(
            dc.netns().wrap({"env", "LDAPTLS_CACERT=" + dc.ca_file(), "ldapsearch", "-x", "-LLL",
                             "-H", "ldaps://127.0.0.1", "-D", dc.admin_upn(), "-w", password, "-b",
                             dc.base_dn(), "-s", "base", "objectClass"}));
    };
    auto ok = search(dc.admin_password());
    BOOST_TEST(ok.exit_code == 0, ok.err << dc.log());
    BOOST_TEST(ok.out.find("dn: DC=example,DC=test") != std::string::npos, ok.out);
    auto wrong = search("not-the-password");
    BOOST_TEST(wrong.exit_code == 49, wrong.err);
    BOOST_TEST(wrong.err.find("data 52e") != std::string::npos, wrong.err);
}

BOOST_AUTO_TEST_SUITE_END()
