#pragma once
// Certificates made at test time with the OpenSSL C API: no private key is
// ever committed, and every validity window, key size and digest a probe must
// judge can be produced. Portable (the Windows build compiles it too).
#include <memory>
#include <openssl/types.h>
#include <string>
#include <vector>

namespace pft {

// A private key (and its public half).
struct KeyPair {
    std::shared_ptr<EVP_PKEY> pkey;
    // "ec256", "ec384", "rsa1024", "rsa2048", "rsa3072", "rsa4096"; throws on anything else.
    static KeyPair generate(const std::string& type);
};

struct CertSpec {
    std::string cn = {};  // subject CN (omitted when empty)
    std::string org = {}; // subject O, e.g. "Zscaler Inc." for interception tests
    std::vector<std::string> dns_sans = {}, ip_sans = {}, email_sans = {};
    // Microsoft UPN, as otherName 1.3.6.1.4.1.311.20.2.3 holding a UTF8String.
    std::vector<std::string> upn_sans = {};
    // Validity relative to now, in days; negative is in the past, so
    // {-30, -1} is an expired certificate and {1, 30} a not-yet-valid one.
    long not_before_days = -1, not_after_days = 365;
    bool ca = false; // basicConstraints CA:TRUE, keyUsage keyCertSign + cRLSign
    // "serverAuth", "clientAuth", or any EKU name or OID OpenSSL knows.
    std::vector<std::string> ekus = {};
    // See KeyPair::generate. rsa1024 keys and sha1/md5 signatures fail
    // OpenSSL 3 at Debian's default security level 2: a server presenting them needs
    // e.g. nginx "ssl_ciphers DEFAULT@SECLEVEL=0;", a client verifying them
    // a security level 0 context.
    std::string key = "ec256";
    std::string digest = "sha256"; // "sha256", "sha384", "sha512", "sha1", "md5"
    std::string uid = {}; // subject UID (0.9.2342.19200300.100.1.1), as in APNs certificates
};

// A certificate and its private key. Copies share them.
class Issued {
  public:
    Issued(std::shared_ptr<X509> cert, std::shared_ptr<EVP_PKEY> key)
        : cert_(std::move(cert)), key_(std::move(key)) {}
    X509* cert() const { return cert_.get(); }
    EVP_PKEY* key() const { return key_.get(); }
    std::string cert_pem() const;
    std::string key_pem() const;            // unencrypted PKCS#8
    std::string sha256_fingerprint() const; // hex uppercase, no colons
    // The subject as OpenSSL 3's tools print it ("O = Zscaler Inc., CN = Bump CA").
    std::string subject() const;

  private:
    std::shared_ptr<X509> cert_;
    std::shared_ptr<EVP_PKEY> key_;
};

// All functions throw std::runtime_error with OpenSSL's error queue when
// something fails.
class CertFactory {
  public:
    // Self-signed; spec.ca is forced to true.
    Issued root(const CertSpec& spec);
    // Signed by issuer, with subjectKeyIdentifier and authorityKeyIdentifier.
    // A spec with ca = true makes an intermediate CA.
    Issued issue(const Issued& issuer, const CertSpec& spec);

    // The certificates as concatenated PEM, in the order given (a served
    // chain is the leaf followed by its intermediates). Returns path.
    static std::string write_pem(const std::string& path, const std::vector<const Issued*>& certs);
    // The key as unencrypted PKCS#8 PEM. Returns path.
    static std::string write_key(const std::string& path, const Issued& cert);
    // PKCS#12 with leaf's key and certificate, and the chain certificates
    // (none when empty), encrypted with AES-256-CBC and a SHA-256 MAC.
    // Returns path.
    static std::string write_pkcs12(const std::string& path, const Issued& leaf,
                                    const std::vector<const Issued*>& chain,
                                    const std::string& password);

  private:
    Issued make(const Issued* issuer, const CertSpec& spec);
};

} // namespace pft
