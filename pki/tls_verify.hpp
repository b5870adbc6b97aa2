#pragma once
#include "base/reason.hpp"
#include "base/status.hpp"
#include "core/run_environment.hpp"
#include "pki/cert_info.hpp"
#include "pki/trust_material.hpp"
#include <memory>
#include <openssl/x509.h>
#include <string>
#include <vector>

namespace pf {

// Shares cert (X509_up_ref): the pointer stays valid after its SSL is gone.
X509Ptr share_x509(X509* cert);

enum class TlsDiagnosis {
    trusted,
    untrusted_root,   // the chain ends at a root the trust store does not hold
    self_signed,      // the leaf is self-signed and not trusted
    expired,          // a certificate of the chain has expired
    not_yet_valid,    // a certificate of the chain is not valid yet (or this clock is wrong)
    name_mismatch,    // the leaf does not name the host
    incomplete_chain, // the server did not send the intermediate linking its leaf to a root
    expiring_soon,    // trusted, but a certificate expires within the warning/failure days
    other,            // any other verification error: see summary
};

std::string_view to_string(TlsDiagnosis d);
Reason tls_reason(TlsDiagnosis d); // trusted: ok
// An OpenSSL verification error (X509_V_ERR_*) as a reason, for clients
// (curl) that report only the first error rather than the chain.
Reason verify_error_reason(long error);

struct TlsVerdict {
    TlsDiagnosis diagnosis = TlsDiagnosis::other;
    Status status = Status::fail;      // pass, warn (expiring within warn days) or fail
    Message message;                   // the summary as data
    std::string summary;               // one line naming the certificate and the fix direction
    std::vector<std::string> evidence; // every problem found, not only the first
    bool trusted = false; // the chain verifies to a root of the trust store (names and dates aside)
    bool name_ok = false;
    // The chain as the verifier built it, leaf first, ending at the trust
    // anchor when trusted (or where building stopped).
    std::vector<X509Ptr> path;
    std::vector<CertInfo> path_info;
    std::string store_name;   // "the trust store /tmp/x.pem", "this machine's trusted roots"
    double min_days_left = 0; // over the verified path
    // The X509_V_ERR_* standing for the diagnosis (X509_V_ERR_HOSTNAME_MISMATCH
    // for a name), for a handshake refused on this verdict; X509_V_OK when
    // nothing is wrong but the expiry.
    int x509_error = 0;
};

// "the trust store /etc/ssl/certs/ca-certificates.crt + corp.pem": where a
// verdict looked for roots.
std::string store_name(const TrustLocations& t);

// Verifies the chain as the server sent it (leaf first) against the run's
// trust material, for host (a DNS name or an IP literal), with tls's expiry
// thresholds. Every protocol's certificate verdict comes from here.
TlsVerdict verify_chain(const std::vector<X509Ptr>& sent, const std::string& host,
                        const TlsSettings& tls, const TrustMaterial& trust);

// The same against tls.trust read for this one call, for a caller outside
// any run (tests, fuzzing). Throws std::runtime_error when the trust store
// cannot be read.
TlsVerdict verify_chain(const std::vector<X509Ptr>& sent, const std::string& host,
                        const TlsSettings& tls);

} // namespace pf
