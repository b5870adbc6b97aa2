#pragma once
#include "base/probe_result.hpp"
#include "core/run_environment.hpp"
#include "pki/cert_file.hpp"
#include "pki/trust_material.hpp"
#include <string>
#include <vector>

namespace pf {

// What a certificate is for, and so which extra checks it gets:
//   server      serverAuth EKU and the host name in its subjectAltName (the certificate renewal
//   guide) eas-client  clientAuth EKU and a SAN with Email and UPN (the EAS certificate
//   authentication guide) apns        the push topic in the subject UID (the certificate renewal
//   guide's APNs certificate)
enum class CertProfile { none, server, eas_client, apns };

// "none", "server", "eas-client", "apns"; false for anything else.
bool parse_cert_profile(const std::string& text, CertProfile& out);
std::string_view to_string(CertProfile p);

struct CertCheckOptions {
    CertProfile profile = CertProfile::none;
    std::string host; // server profile: the name clients connect to
    // The whole chain must be in the file, as the AWCM installer wants it
    // (the certificate renewal guide: a .pfx or .p12 holding the new certificate's entire chain).
    bool full_chain = false;
    TlsSettings tls; // trust store and expiry thresholds
    // The run's trust material (run_trust); null: tls's store read for this file.
    TrustHandle trust;
};

// One named verdict about one certificate file.
struct CertCheck {
    std::string
        id; // "key", "chain", "expiry", "key_size", "signature", "eku", "name", "san", "topic"
    std::string title; // "Private key present and matching the certificate"
    Status status = Status::error;
    Reason reason = Reason::unset;
    std::string summary;
    Message message; // the summary's key and arguments (base/messages/en.txt)
    std::vector<std::string> evidence;
};

// Every check the profile calls for, in a fixed order. Throws
// std::runtime_error when the trust store cannot be read.
std::vector<CertCheck> check_cert_file(const CertFile& f, const CertCheckOptions& o);

// The file's certificates as report rows and folded evidence, the leaf first.
std::vector<CertificateRow> certificate_rows(const CertFile& f);
std::vector<EvidenceBlock> certificate_blocks(const CertFile& f);

// "certId (ARM): 3F2A…": the leaf's SHA-1 thumbprint ready to paste.
std::string arm_cert_id_line(const CertFile& f);

} // namespace pf
