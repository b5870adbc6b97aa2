#include "pki/trust_store.hpp"
#include <openssl/x509_vfy.h>

namespace pf {

std::size_t load_system_roots(X509_STORE* store) {
    auto* objs = X509_STORE_get0_objects(store);
    auto before = objs ? sk_X509_OBJECT_num(objs) : 0;
    // OpenSSL's compiled-in defaults (Debian: /usr/lib/ssl/certs, i.e. the
    // ca-certificates bundle), honouring SSL_CERT_FILE and SSL_CERT_DIR. A
    // hashed directory is read lazily, so count the bundle file instead.
    X509_STORE_set_default_paths(store);
    objs = X509_STORE_get0_objects(store);
    auto after = objs ? sk_X509_OBJECT_num(objs) : 0;
    if (after > before) return static_cast<std::size_t>(after - before);
    X509_STORE* probe = X509_STORE_new();
    X509_STORE_load_locations(probe, X509_get_default_cert_file(), nullptr);
    std::size_t n = static_cast<std::size_t>(sk_X509_OBJECT_num(X509_STORE_get0_objects(probe)));
    X509_STORE_free(probe);
    return n;
}

} // namespace pf
