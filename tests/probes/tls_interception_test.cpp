#include "pki/interception.hpp"
#include "support/certs.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>
#include <openssl/x509.h>

using namespace pf;

using pft::any_contains;
using pft::contains;

namespace {

std::string product_of(const std::string& subject) {
    auto* p = match_product(subject, inspection_products());
    return p ? p->name : "";
}

// An origin PKI that is "public" (in the injected public bundle), and the
// certificates an inspecting proxy would make.
struct World {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Public Root", .org = "Public CA Inc."});
    pft::Issued leaf = f.issue(root, {.cn = "awcm.example", .dns_sans = {"awcm.example"}});
    TlsSettings tls;
    World() {
        auto pem = pft::CertFactory::write_pem(dir.file("public.pem"), {&root});
        tls.trust.system_file = pem;
        tls.public_roots = pem;
    }
    std::vector<X509Ptr> chain(std::initializer_list<const pft::Issued*> certs) {
        std::vector<X509Ptr> out;
        for (const auto* c : certs)
            out.push_back(share_x509(c->cert()));
        return out;
    }
};

Interception detect(World& w, const std::vector<X509Ptr>& sent, const TlsVerdict& v,
                    InterceptionInput in = {}) {
    in.host = "awcm.example";
    in.port = 443;
    in.sent = sent;
    in.verdict = &v;
    in.tls = &w.tls;
    return detect_interception(in);
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls_interception)

BOOST_AUTO_TEST_CASE(the_product_list_parses_and_names_the_usual_suspects) {
    const auto& all = inspection_products();
    BOOST_TEST(all.size() >= 28u);
    BOOST_TEST(product_of("CN=Zscaler Root CA, OU=Zscaler Inc., O=Zscaler Inc.") == "Zscaler");
    BOOST_TEST(product_of("CN=FortiGate CA, O=Fortinet") == "Fortinet FortiGate");
    BOOST_TEST(product_of("CN=Cisco Umbrella Secondary SubCA ams-SG, O=Cisco") == "Cisco Umbrella");
    BOOST_TEST(product_of("CN=ESET SSL Filter CA, O=ESET spol. s r. o.") == "ESET");
    BOOST_TEST(product_of("CN=Gateway CA - Cloudflare Managed G1 abc") ==
               "Cloudflare Gateway (Zero Trust)");
}

BOOST_AUTO_TEST_CASE(public_cas_never_match) {
    // Issuers of ordinary public sites, including companies that also sell
    // inspection products or run public CAs under their own name.
    for (std::string issuer :
         {"CN=Cloudflare Inc ECC CA-3, O=Cloudflare, Inc., C=US",
          "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US",
          "CN=Symantec Class 3 Secure Server CA - G4, OU=Symantec Trust Network, O=Symantec "
          "Corporation, C=US",
          "CN=R11, O=Let's Encrypt, C=US", "CN=GTS CA 1C3, O=Google Trust Services LLC, C=US",
          "CN=Microsoft Azure RSA TLS Issuing CA 03, O=Microsoft Corporation, C=US",
          "CN=Amazon RSA 2048 M02, O=Amazon, C=US",
          "CN=Sectigo RSA Domain Validation Secure "
          "Server CA, O=Sectigo Limited, C=GB",
          "CN=GlobalSign RSA OV SSL CA 2018, O=GlobalSign nv-sa, C=BE",
          "CN=Entrust Certification Authority - L1K, O=Entrust, Inc., C=US"})
        BOOST_TEST(product_of(issuer).empty(), issuer << " matched " << product_of(issuer));
}

BOOST_AUTO_TEST_CASE(a_bad_product_line_names_its_line) {
    auto p = parse_inspection_products("# comment\n\nGood|good pattern\n");
    BOOST_TEST(p.size() == 1u);
    BOOST_TEST(p[0].patterns.front() == "good pattern");
    try {
        parse_inspection_products("A|a\nNo patterns here\n");
        BOOST_FAIL("expected an error");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(contains(e.what(), "tls_inspection_products.txt:2"), e.what());
    }
}

BOOST_AUTO_TEST_CASE(an_issuer_naming_a_product_is_interception) {
    World w;
    auto bump = w.f.root({.cn = "Zscaler Root CA", .org = "Zscaler Inc."});
    auto fake = w.f.issue(bump, {.cn = "awcm.example", .dns_sans = {"awcm.example"}});
    auto sent = w.chain({&fake});
    auto v = verify_chain(sent, "awcm.example", w.tls);
    auto x = detect(w, sent, v);
    BOOST_TEST(x.detected);
    BOOST_TEST(x.headline == "TLS interception by Zscaler");
    BOOST_TEST(x.alert.find("TLS interception by Zscaler. Ask the network team to exempt "
                            "awcm.example:443 from TLS inspection") == 0u,
               x.alert);
    BOOST_TEST(any_contains(x.evidence, "matches 'zscaler'"));
}

BOOST_AUTO_TEST_CASE(the_public_chain_is_not_interception) {
    World w;
    auto sent = w.chain({&w.leaf});
    auto v = verify_chain(sent, "awcm.example", w.tls);
    auto x = detect(w, sent, v);
    BOOST_TEST(!x.detected, x.alert);
    BOOST_TEST(x.alert.empty());
    BOOST_TEST(any_contains(x.evidence, "is in the public bundle"));
}

BOOST_AUTO_TEST_CASE(a_trusted_root_missing_from_the_public_bundle_was_added_locally) {
    World w;
    auto corp = w.f.root({.cn = "Corp Security Root", .org = "Example Corp"});
    auto fake = w.f.issue(corp, {.cn = "awcm.example", .dns_sans = {"awcm.example"}});
    w.tls.trust.system_file =
        pft::CertFactory::write_pem(w.dir.file("system.pem"), {&w.root, &corp});
    auto sent = w.chain({&fake});
    auto v = verify_chain(sent, "awcm.example", w.tls);
    BOOST_REQUIRE(v.trusted);
    auto x = detect(w, sent, v);
    BOOST_TEST(x.headline == "intercepted: the chain ends at a locally added root 'CN=Corp "
                             "Security Root, O=Example Corp'");
    // An internal server of the organisation's own PKI is not intercepted.
    InterceptionInput internal;
    internal.private_ca = true;
    BOOST_TEST(!detect(w, sent, v, internal).detected);
}

BOOST_AUTO_TEST_CASE(a_missing_public_bundle_is_said_not_guessed) {
    World w;
    w.tls.public_roots = w.dir.file("nowhere.pem");
    auto sent = w.chain({&w.leaf});
    auto v = verify_chain(sent, "awcm.example", w.tls);
    auto x = detect(w, sent, v);
    BOOST_TEST(!x.detected);
    BOOST_TEST(any_contains(x.evidence, "public-root check: not made (there is no public root "
                                        "bundle at"));
}

BOOST_AUTO_TEST_CASE(pins_that_do_not_match_are_intercepted_or_replaced) {
    World w;
    auto sent = w.chain({&w.leaf});
    auto v = verify_chain(sent, "awcm.example", w.tls);
    InterceptionInput in;
    in.pin_issuer = "DigiCert";
    auto x = detect(w, sent, v, in);
    BOOST_TEST(x.headline == "intercepted or replaced: expected issuer 'DigiCert', got 'CN=Public "
                             "Root, O=Public CA Inc.'");
    BOOST_TEST(contains(x.alert, "update the check's pin"), x.alert);

    in.pin_issuer = "public ca";
    BOOST_TEST(!detect(w, sent, v, in).detected);

    in.pin_issuer.clear();
    in.pin_spki =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=, " + inspect(w.root.cert()).spki_sha256;
    BOOST_TEST(!detect(w, sent, v, in).detected); // the root's key is pinned
    in.pin_spki = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    auto y = detect(w, sent, v, in);
    BOOST_TEST(contains(y.headline, "intercepted or replaced: expected key pin AAAA"), y.headline);
}

BOOST_AUTO_TEST_CASE(a_leaf_re_signed_by_the_proxy_differs_from_the_direct_one) {
    World w;
    auto bump = w.f.root({.cn = "Neutral Proxy CA"});
    auto fake = w.f.issue(bump, {.cn = "awcm.example", .dns_sans = {"awcm.example"}});
    auto sent = w.chain({&fake});
    auto v = verify_chain(sent, "awcm.example", w.tls);
    InterceptionInput in;
    in.proxy_leaf = inspect(fake.cert());
    in.direct_leaf = inspect(w.leaf.cert());
    auto x = detect(w, sent, v, in);
    BOOST_TEST(x.headline.find("the proxy re-signs: leaf via proxy " +
                               in.proxy_leaf->sha256.substr(0, 23)) == 0u,
               x.headline);
    BOOST_TEST(contains(x.headline, "issued by 'CN=Neutral Proxy CA', direct " +
                                        in.direct_leaf->sha256.substr(0, 23)),
               x.headline);

    // Another certificate of the same CA: several servers, not re-signing.
    auto sibling = w.f.issue(w.root, {.cn = "awcm.example", .dns_sans = {"awcm.example"}});
    auto sent2 = w.chain({&sibling});
    auto v2 = verify_chain(sent2, "awcm.example", w.tls);
    in.proxy_leaf = inspect(sibling.cert());
    auto y = detect(w, sent2, v2, in);
    BOOST_TEST(!y.detected, y.alert);
    BOOST_TEST(any_contains(y.evidence, "not re-signing"));

    in.direct_leaf.reset();
    in.direct_problem = "no direct TLS connection came up in time";
    auto z = detect(w, sent2, v2, in);
    BOOST_TEST(any_contains(z.evidence, "direct comparison: not made: no direct TLS connection"));
}

// The public bundle is compared as DER first; a root re-issued with new
// dates (same subject, same key) is still the public root, and one with the
// same subject but another key is not.
BOOST_AUTO_TEST_CASE(a_public_root_is_found_by_its_bytes_or_by_subject_and_key) {
    World w;
    auto pub = load_public_roots(w.tls.public_roots);
    BOOST_TEST_REQUIRE(pub.problem.empty());
    BOOST_TEST(pub.der.size() == 1u);
    BOOST_TEST(contains_root(pub, w.root.cert()));

    std::unique_ptr<X509, decltype(&X509_free)> reissued(X509_dup(w.root.cert()), X509_free);
    BOOST_TEST_REQUIRE(X509_gmtime_adj(X509_getm_notAfter(reissued.get()), 86400L * 900) !=
                       nullptr);
    BOOST_TEST_REQUIRE(X509_sign(reissued.get(), w.root.key(), EVP_sha256()) > 0);
    BOOST_TEST(contains_root(pub, reissued.get()));

    auto impostor = w.f.root({.cn = "Public Root", .org = "Public CA Inc."});
    BOOST_TEST(!contains_root(pub, impostor.cert()));
    BOOST_TEST(!contains_root(pub, w.leaf.cert()));
}

// Every case in a suite: CTest runs each suite as its own test.
BOOST_AUTO_TEST_SUITE_END()
