#include "pki/trust_store.hpp"
#include "support/processes.hpp"
#include "support/scoped_env.hpp"
#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <memory>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

using namespace pf;

namespace {

std::size_t objects(X509_STORE* s) {
    return static_cast<std::size_t>(sk_X509_OBJECT_num(X509_STORE_get0_objects(s)));
}

using Store = std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

// A root of the Mozilla bundle Debian installs: a certificate the system
// store must trust.
Cert a_public_root() {
    for (const auto& e :
         std::filesystem::directory_iterator("/usr/share/ca-certificates/mozilla")) {
        FILE* f = std::fopen(e.path().c_str(), "r");
        if (!f) continue;
        Cert x(PEM_read_X509(f, nullptr, nullptr, nullptr), X509_free);
        std::fclose(f);
        if (x) return x;
    }
    return Cert(nullptr, X509_free);
}

bool verifies(X509_STORE* store, X509* cert) {
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                        X509_STORE_CTX_free);
    X509_STORE_CTX_init(ctx.get(), store, cert, nullptr);
    return X509_verify_cert(ctx.get()) == 1;
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_store_posix)

// Parsing the whole bundle cost more than a TLS check: the system roots are
// counted, and read from the hashed directory when a chain needs one.
BOOST_AUTO_TEST_CASE(the_system_roots_are_read_when_a_chain_needs_one) {
    // Naming the defaults themselves changes nothing (some systems export them).
    pft::ScopedEnv file("SSL_CERT_FILE", X509_get_default_cert_file());
    pft::ScopedEnv dir("SSL_CERT_DIR", X509_get_default_cert_dir());
    auto root = a_public_root();
    BOOST_TEST_REQUIRE(root.get() != nullptr);
    Store store(X509_STORE_new(), X509_STORE_free);
    auto counted = load_trusted_roots(store.get(), {});
    BOOST_TEST(counted > 100u);
    BOOST_TEST(objects(store.get()) == 0u);
    BOOST_TEST(verifies(store.get(), root.get()));
    BOOST_TEST(objects(store.get()) >= 1u);
}

BOOST_AUTO_TEST_CASE(another_ssl_cert_file_is_read_as_openssl_reads_it) {
    pft::TempDir t;
    auto copy = t.file("roots.pem");
    std::filesystem::copy_file(X509_get_default_cert_file(), copy);
    pft::ScopedEnv env("SSL_CERT_FILE", copy);
    Store store(X509_STORE_new(), X509_STORE_free);
    auto counted = load_trusted_roots(store.get(), {});
    BOOST_TEST(counted > 100u);
    BOOST_TEST(objects(store.get()) == counted);
    auto root = a_public_root();
    BOOST_TEST_REQUIRE(root.get() != nullptr);
    BOOST_TEST(verifies(store.get(), root.get()));
}

BOOST_AUTO_TEST_SUITE_END()
