#pragma once
// A trust store for the certificate fuzzers: one self-signed CA made at
// start, so that chain verification runs against roots without reading the
// system's on every input.
#include "core/run_environment.hpp"
#include "fuzz/temp_file.hpp"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace pf::fuzz {

inline const TlsSettings& fuzz_tls() {
    static const TlsSettings tls = [] {
        static const TempFile file("trust.pem");
        EVP_PKEY* key = EVP_EC_gen("P-256");
        X509* ca = X509_new();
        X509_set_version(ca, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(ca), 1);
        X509_gmtime_adj(X509_getm_notBefore(ca), 0);
        X509_gmtime_adj(X509_getm_notAfter(ca), 3600L * 24 * 365);
        X509_NAME_add_entry_by_txt(X509_get_subject_name(ca), "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("Fuzz Root"), -1, -1, 0);
        X509_set_issuer_name(ca, X509_get_subject_name(ca));
        X509_set_pubkey(ca, key);
        X509_sign(ca, key, EVP_sha256());
        std::FILE* f = std::fopen(file.path().c_str(), "w");
        if (!f || !PEM_write_X509(f, ca)) std::abort();
        std::fclose(f);
        X509_free(ca);
        EVP_PKEY_free(key);
        TlsSettings t;
        t.trust.system_file = file.path();
        t.public_roots = file.path();
        return t;
    }();
    return tls;
}

} // namespace pf::fuzz
