#pragma once
#include "core/run_environment.hpp"
#include "pki/tls_verify.hpp"
#include "pki/trust_material.hpp"
#include <functional>
#include <openssl/ssl.h>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// What a handshake's certificate check saw.
struct PeerCheck {
    bool reached = false;              // the server's certificate arrived
    std::vector<X509Ptr> chain;        // as the server sent it, leaf first
    std::optional<TlsVerdict> verdict; // verify_chain's, when the chain was judged
    std::string protocol, cipher;      // "TLSv1.3", "TLS_AES_256_GCM_SHA384"
    std::string error;                 // why the chain could not be judged
    bool refused = false;              // the handshake was stopped on the verdict
};

// Makes a TLS client's own handshake (curl's for https and SMTP) hand the
// server's chain to verify_chain against the run's trust material, the one
// judgement every protocol shares, and keeps what it saw. A chain that fails
// stops the handshake with the verdict's X509 error, so nothing (credentials,
// mail, a request) goes to a server not proven to be the one named.
class PeerJudge {
  public:
    TrustHandle trust;
    std::string trust_problem; // why trust is null (the trust store could not be read)
    TlsSettings tls;           // the expiry thresholds
    std::string host;          // the name the certificate must carry
    // A chain that verifies but expires within the failure days still fails
    // its verdict; refuse the handshake for it too (else only for trust,
    // names and dates).
    bool refuse_expiring = false;
    std::function<void()> on_start; // a handshake is about to start (install)
    PeerCheck seen;

    // The store shared (X509_STORE_up_ref) and the verification replaced on
    // ctx; this judge must outlive every handshake made with ctx.
    void install(SSL_CTX* ctx);

  private:
    static int verify(X509_STORE_CTX* store, void* self);
    bool accepts(const TlsVerdict& v) const;
};

} // namespace pf
