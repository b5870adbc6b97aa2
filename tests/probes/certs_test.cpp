// Self-test of the certificate factory the TLS probe tests build on.
#include "support/certs.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sstream>

namespace {

// X509_verify_cert of leaf against a store holding only root; the
// intermediates are untrusted. Returns the X509_V_* result.
int verify(const pft::Issued& root, const pft::Issued& leaf,
           const std::vector<const pft::Issued*>& intermediates = {}, int purpose = 0) {
    X509_STORE* store = X509_STORE_new();
    X509_STORE_add_cert(store, root.cert());
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    for (auto* c : intermediates)
        sk_X509_push(untrusted, c->cert());
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf.cert(), untrusted);
    if (purpose) X509_STORE_CTX_set_purpose(ctx, purpose);
    X509_verify_cert(ctx);
    int err = X509_STORE_CTX_get_error(ctx);
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    X509_STORE_free(store);
    return err;
}

// As OpenSSL prints them: 127.0.0.1, 0:0:0:0:0:0:0:1.
std::string ip_text(const ASN1_OCTET_STRING* a) {
    const unsigned char* b = ASN1_STRING_get0_data(a);
    std::ostringstream o;
    if (ASN1_STRING_length(a) == 4)
        o << int(b[0]) << '.' << int(b[1]) << '.' << int(b[2]) << '.' << int(b[3]);
    else
        for (int i = 0; i < 16; i += 2)
            o << (i ? ":" : "") << std::hex << ((b[i] << 8) | b[i + 1]);
    return o.str();
}

// The subjectAltName entries as "DNS:…", "IP:…", "email:…", "UPN:…".
std::vector<std::string> sans(const pft::Issued& c) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(c.cert(), NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        auto str = [](const ASN1_STRING* s) {
            return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                               static_cast<std::size_t>(ASN1_STRING_length(s)));
        };
        if (g->type == GEN_DNS) out.push_back("DNS:" + str(g->d.dNSName));
        if (g->type == GEN_EMAIL) out.push_back("email:" + str(g->d.rfc822Name));
        if (g->type == GEN_IPADD) {
            out.push_back("IP:" + ip_text(g->d.iPAddress));
        }
        if (g->type == GEN_OTHERNAME) {
            char oid[64];
            OBJ_obj2txt(oid, sizeof oid, g->d.otherName->type_id, 1);
            const ASN1_TYPE* v = g->d.otherName->value;
            BOOST_TEST(std::string(oid) == "1.3.6.1.4.1.311.20.2.3");
            BOOST_TEST(v->type == V_ASN1_UTF8STRING);
            out.push_back("UPN:" + str(v->value.utf8string));
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

std::string subject_entry(const pft::Issued& c, int nid) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(c.cert()), nid, buf, sizeof buf);
    return buf;
}

struct Chain {
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Test Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight Test Intermediate", .ca = true});
};

} // namespace

BOOST_AUTO_TEST_SUITE(certs)

BOOST_AUTO_TEST_CASE(a_chain_verifies_with_only_the_root_trusted) {
    Chain c;
    auto leaf = c.f.issue(
        c.inter,
        {.cn = "srv.example.test", .dns_sans = {"srv.example.test"}, .ekus = {"serverAuth"}});
    BOOST_TEST(verify(c.root, leaf, {&c.inter}, X509_PURPOSE_SSL_SERVER) == X509_V_OK);
    // Without the intermediate the chain is incomplete: the factory really
    // signed the leaf with the intermediate, not with the root.
    BOOST_TEST(verify(c.root, leaf) == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    // A root of the same name but another key does not verify it.
    pft::CertFactory other;
    auto impostor = other.root({.cn = "Preflight Test Root", .org = "Preflight Tests"});
    BOOST_TEST(verify(impostor, leaf, {&c.inter}) != X509_V_OK);
    BOOST_TEST(X509_check_issued(c.inter.cert(), leaf.cert()) == X509_V_OK);
    BOOST_TEST(X509_check_ca(c.root.cert()) >= 1);
    BOOST_TEST(X509_check_ca(c.inter.cert()) >= 1);
    BOOST_TEST(X509_check_ca(leaf.cert()) == 0);
    BOOST_TEST(X509_get0_authority_key_id(leaf.cert()) != nullptr);
    BOOST_TEST(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf.cert()),
                                     X509_get0_subject_key_id(c.inter.cert())) == 0);
}

BOOST_AUTO_TEST_CASE(an_expired_leaf_fails_as_expired_and_a_future_one_as_not_yet_valid) {
    Chain c;
    auto expired = c.f.issue(c.inter, {.cn = "old.example.test",
                                       .dns_sans = {"old.example.test"},
                                       .not_before_days = -30,
                                       .not_after_days = -1});
    BOOST_TEST(verify(c.root, expired, {&c.inter}) == X509_V_ERR_CERT_HAS_EXPIRED);
    auto future =
        c.f.issue(c.inter, {.cn = "new.example.test", .not_before_days = 2, .not_after_days = 30});
    BOOST_TEST(verify(c.root, future, {&c.inter}) == X509_V_ERR_CERT_NOT_YET_VALID);
}

BOOST_AUTO_TEST_CASE(sans_ekus_and_subject_are_as_specified) {
    Chain c;
    auto leaf = c.f.issue(c.inter, {.cn = "APSP:5b6f",
                                    .org = "Zscaler Inc.",
                                    .dns_sans = {"a.example.test", "*.b.example.test"},
                                    .ip_sans = {"127.0.0.1", "::1"},
                                    .email_sans = {"admin@example.test"},
                                    .upn_sans = {"svc-acc@corp.example.test"},
                                    .ekus = {"serverAuth", "clientAuth"},
                                    .uid = "com.apple.mgmt.External.5b6f"});
    std::vector<std::string> want = {
        "DNS:a.example.test", "DNS:*.b.example.test",     "IP:127.0.0.1",
        "IP:0:0:0:0:0:0:0:1", "email:admin@example.test", "UPN:svc-acc@corp.example.test"};
    BOOST_TEST(sans(leaf) == want, boost::test_tools::per_element());
    BOOST_TEST((X509_get_extension_flags(leaf.cert()) & EXFLAG_XKUSAGE) != 0u);
    BOOST_TEST((X509_get_extended_key_usage(leaf.cert()) & XKU_SSL_SERVER) != 0u);
    BOOST_TEST((X509_get_extended_key_usage(leaf.cert()) & XKU_SSL_CLIENT) != 0u);
    BOOST_TEST(X509_check_host(leaf.cert(), "x.b.example.test", 0, 0, nullptr) == 1);
    BOOST_TEST(X509_check_ip_asc(leaf.cert(), "127.0.0.1", 0) == 1);
    BOOST_TEST(subject_entry(leaf, NID_commonName) == "APSP:5b6f");
    BOOST_TEST(subject_entry(leaf, NID_organizationName) == "Zscaler Inc.");
    BOOST_TEST(subject_entry(leaf, NID_userId) == "com.apple.mgmt.External.5b6f");

    auto client_only = c.f.issue(c.inter, {.cn = "device", .ekus = {"clientAuth"}});
    BOOST_TEST((X509_get_extended_key_usage(client_only.cert()) & XKU_SSL_SERVER) == 0u);
    BOOST_TEST(verify(c.root, client_only, {&c.inter}, X509_PURPOSE_SSL_SERVER) ==
               X509_V_ERR_INVALID_PURPOSE);
}

BOOST_AUTO_TEST_CASE(weak_keys_and_digests_are_made_as_asked) {
    pft::CertFactory f;
    auto weak_root = f.root({.cn = "Weak Root", .key = "rsa1024", .digest = "sha1"});
    BOOST_TEST(EVP_PKEY_get_bits(weak_root.key()) == 1024);
    BOOST_TEST(EVP_PKEY_get_base_id(weak_root.key()) == EVP_PKEY_RSA);
    BOOST_TEST(X509_get_signature_nid(weak_root.cert()) == NID_sha1WithRSAEncryption);
    auto md5 = f.issue(weak_root, {.cn = "md5", .key = "rsa2048", .digest = "md5"});
    BOOST_TEST(X509_get_signature_nid(md5.cert()) == NID_md5WithRSAEncryption);
    BOOST_TEST(EVP_PKEY_get_bits(md5.key()) == 2048);
    auto ec = f.issue(weak_root, {.cn = "ec"});
    BOOST_TEST(EVP_PKEY_get_base_id(ec.key()) == EVP_PKEY_EC);
    // The issuer signs with the digest of the spec being issued.
    BOOST_TEST(X509_get_signature_nid(ec.cert()) == NID_sha256WithRSAEncryption);
    auto ec_root = f.root({.cn = "EC Root"});
    BOOST_TEST(X509_get_signature_nid(ec_root.cert()) == NID_ecdsa_with_SHA256);
    BOOST_CHECK_THROW(f.root({.cn = "x", .key = "dsa512"}), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(pem_files_and_fingerprint) {
    pft::TempDir t;
    Chain c;
    auto leaf = c.f.issue(c.inter, {.cn = "srv"});
    auto chain = pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf, &c.inter});
    auto key = pft::CertFactory::write_key(t.file("leaf.key"), leaf);
    BIO* b = BIO_new_file(chain.c_str(), "r");
    X509* first = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    X509* second = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    BOOST_REQUIRE(first && second);
    BOOST_TEST(X509_cmp(first, leaf.cert()) == 0);
    BOOST_TEST(X509_cmp(second, c.inter.cert()) == 0);
    X509_free(first);
    X509_free(second);
    b = BIO_new_file(key.c_str(), "r");
    EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
    BIO_free(b);
    BOOST_REQUIRE(k);
    BOOST_TEST(X509_check_private_key(leaf.cert(), k) == 1);
    EVP_PKEY_free(k);
    auto fp = leaf.sha256_fingerprint();
    BOOST_TEST(fp.size() == 64u);
    BOOST_TEST(fp.find_first_not_of("0123456789ABCDEF") == std::string::npos);
    BOOST_TEST(fp != c.inter.sha256_fingerprint());
    BOOST_TEST(c.root.subject() == "O = Preflight Tests, CN = Preflight Test Root");
}

BOOST_AUTO_TEST_CASE(pkcs12_round_trips_with_its_password) {
    pft::TempDir t;
    Chain c;
    auto leaf = c.f.issue(c.inter, {.cn = "client", .ekus = {"clientAuth"}});
    for (bool with_chain : {true, false}) {
        BOOST_TEST_CONTEXT("with chain: " << with_chain) {
            std::vector<const pft::Issued*> chain;
            if (with_chain) chain = {&c.inter, &c.root};
            auto path = pft::CertFactory::write_pkcs12(t.file("c.p12"), leaf, chain, "s3cret");
            auto parse = [&](const char* password, EVP_PKEY** k, X509** x, STACK_OF(X509) * *ca) {
                BIO* b = BIO_new_file(path.c_str(), "rb");
                PKCS12* p12 = d2i_PKCS12_bio(b, nullptr);
                BIO_free(b);
                BOOST_REQUIRE(p12);
                int ok = PKCS12_parse(p12, password, k, x, ca);
                PKCS12_free(p12);
                return ok;
            };
            EVP_PKEY* k = nullptr;
            X509* x = nullptr;
            STACK_OF(X509)* ca = nullptr;
            BOOST_TEST(parse("wrong", &k, &x, &ca) == 0);
            BOOST_REQUIRE(parse("s3cret", &k, &x, &ca) == 1);
            BOOST_TEST(X509_cmp(x, leaf.cert()) == 0);
            BOOST_TEST(EVP_PKEY_eq(k, leaf.key()) == 1);
            BOOST_TEST((ca ? sk_X509_num(ca) : 0) == (with_chain ? 2 : 0));
            EVP_PKEY_free(k);
            X509_free(x);
            sk_X509_pop_free(ca, X509_free);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
