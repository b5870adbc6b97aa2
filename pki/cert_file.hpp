#pragma once
#include "base/secret.hpp"
#include "pki/tls_verify.hpp"
#include <memory>
#include <openssl/evp.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pf {

// A certificate file as an admin is about to install it: the certificate,
// whatever chain came with it, and its private key when the file holds one.
struct CertFile {
    std::string path;
    std::string format;        // "PEM", "DER", "PKCS#12"
    X509Ptr leaf;              // the certificate the file is for
    std::vector<X509Ptr> rest; // the other certificates in the file, issuer order where known
    std::shared_ptr<EVP_PKEY> key;
    // Certificates in the file that are neither the leaf nor in its chain
    // (a stray bundle), named so the admin knows they were ignored.
    std::vector<std::string> unrelated;
};

// Why a file could not be read, worded for the admin ("FILE: wrong PKCS#12
// password"). Never holds the password.
struct CertFileError : std::runtime_error {
    enum class Kind { unreadable, not_a_certificate, password_needed, wrong_password, unsupported };
    CertFileError(Kind k, const std::string& what) : std::runtime_error(what), kind(k) {}
    Kind kind;
};

// Reads PEM (certificates and an optional, possibly encrypted, private key),
// DER, or PKCS#12 (.pfx/.p12). The password opens PKCS#12 files and
// encrypted PEM keys; an empty one is tried when none is given. Throws
// CertFileError.
CertFile load_cert_file(const std::string& path, const Secret* password);

} // namespace pf
