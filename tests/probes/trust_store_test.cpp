#include "pki/trust_store.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <memory>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace pf;

namespace {

// A self-signed CA made in the test, written as PEM.
std::string write_ca(const pft::TempDir& t, const std::string& name) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
    X509_set_version(x.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 3600);
    X509_NAME* n = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(x.get(), n);
    X509_set_pubkey(x.get(), key.get());
    X509_sign(x.get(), key.get(), EVP_sha256());
    auto path = t.file(name + ".pem");
    FILE* f = std::fopen(path.c_str(), "wb");
    PEM_write_X509(f, x.get());
    std::fclose(f);
    return path;
}

std::size_t objects(X509_STORE* s) {
    return static_cast<std::size_t>(sk_X509_OBJECT_num(X509_STORE_get0_objects(s)));
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_store)

BOOST_AUTO_TEST_CASE(an_injected_store_replaces_the_system_one) {
    pft::TempDir t;
    auto sys = write_ca(t, "Injected System Root");
    auto extra = write_ca(t, "Added CA");
    X509_STORE* store = X509_STORE_new();
    auto added = load_trusted_roots(store, {sys, "", {extra}});
    BOOST_TEST(added == 1u);
    BOOST_TEST(objects(store) == 2u); // the injected root and --ca-file, nothing of the machine's
    X509_STORE_free(store);
}

BOOST_AUTO_TEST_CASE(the_system_store_has_roots) {
    // Linux: the ca-certificates bundle; Windows (and Wine): the ROOT store.
    X509_STORE* store = X509_STORE_new();
    auto added = load_trusted_roots(store, {});
    BOOST_TEST(added > 10u);
    X509_STORE_free(store);
}

BOOST_AUTO_TEST_CASE(an_unreadable_ca_file_is_an_error) {
    pft::TempDir t;
    auto bad = t.write("bad.pem", "not a certificate");
    X509_STORE* store = X509_STORE_new();
    BOOST_CHECK_THROW(load_trusted_roots(store, {"", "", {bad}}), std::runtime_error);
    X509_STORE_free(store);
}

BOOST_AUTO_TEST_SUITE_END()
