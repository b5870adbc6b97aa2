#pragma once
#include "base/probe_result.hpp"
#include <openssl/x509.h>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

// What an admin (or a support engineer comparing with the Windows
// certificate dialog) needs to know about one certificate.
struct CertInfo {
    std::string subject, issuer; // "CN=awcm274.awmdm.com, O=VMware, C=US" (RFC 2253 order)
    std::vector<std::string> dns_sans, ip_sans, email_sans;
    std::vector<std::string> upn_sans; // otherName 1.3.6.1.4.1.311.20.2.3 (Microsoft UPN)
    std::string not_before, not_after; // UTC, "2025-01-31T12:00:00Z"
    double days_left = 0;              // until not_after; negative once expired
    std::string sha256;                // "AB:CD:…", as certificate viewers show it
    std::string sha1_thumbprint;       // "ABCD…": what IIS, certutil and ARM templates expect
    std::string spki_sha256; // base64 of SHA-256 of the DER SubjectPublicKeyInfo (HPKP pin)
    std::string key_type;    // "RSA", "EC", "Ed25519", …
    int key_bits = 0;
    std::string signature_algorithm; // "sha256WithRSAEncryption", "ecdsa-with-SHA256"
    bool is_ca = false;
    bool self_signed = false;      // subject == issuer and the self-signature verifies
    std::vector<std::string> ekus; // "serverAuth", "clientAuth", or dotted OIDs
};

CertInfo inspect(X509* cert);

// The certificate's common name, or its whole subject when it has none: how
// verdicts name a certificate in one line.
std::string display_name(X509* cert);
std::string display_name(const CertInfo& info);

// The names a certificate is valid for, as "DNS:a, IP:b" (or "CN=x" when it
// has no subjectAltName): what a name-mismatch verdict lists.
std::string names_text(const CertInfo& info);

// One RFC 2253-ish line for a distinguished name, UTF-8 kept as is.
std::string name_text(const X509_NAME* name);

// "in 12 days (2025-02-11)" / "3 days ago (2025-01-28)".
std::string expiry_text(const CertInfo& info);

// The lines of an EvidenceBlock describing the certificate.
std::vector<std::string> describe_lines(const CertInfo& info);

// The certificate as a row of the reports' certificate table; role is
// "leaf", "intermediate" or "root".
CertificateRow certificate_row(const CertInfo& info, std::string source, std::string role);

// The role of the certificate at position i of a chain of n (leaf first).
std::string chain_role(const CertInfo& info, std::size_t i);

} // namespace pf
