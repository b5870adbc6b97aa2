#pragma once
// Exim (exim4-daemon-light) on loopback as the tests' mail server: STARTTLS
// with the test's certificate, AUTH PLAIN/LOGIN offered only inside TLS, an
// ACL answering MAIL before TLS with 530, relaying only for authenticated
// senders, and local mail appended to a file the test reads.
#include "support/processes.hpp"
#include <memory>
#include <string>

namespace pft {

struct EximOptions {
    // PEM text of the chain served and its key (copied into exim's own
    // directory, which exim's user can read); empty: no STARTTLS.
    std::string cert_pem, key_pem;
    std::string user = "svc", password = "Sm7p-Test-Pw!"; // the one account that may log in
    bool tls_before_mail = true;   // MAIL outside TLS answered "530 ... STARTTLS first"
    bool refuse_sessions = false;  // every session refused with a 554 banner
    bool implicit_tls = false;     // TLS from the first byte, as on port 465
    bool auth_before_mail = false; // MAIL without login answered "530 Authentication required"
    bool auth_in_clear = false;    // AUTH offered outside TLS too, as a careless server does
};

// The domain whose mail exim delivers to mailbox(); anything else is relay.
inline const std::string exim_local_domain = "preflight.test";

class Exim {
  public:
    // Throws std::runtime_error with exim's log when it does not start.
    explicit Exim(const EximOptions& options);
    ~Exim();
    unsigned short port() const { return port_; }
    std::string mailbox() const;
    // Waits up to seconds for text to appear in the mailbox file.
    bool delivered(const std::string& text, double seconds = 10) const;
    std::string logs() const;

  private:
    TempDir dir_;
    unsigned short port_;
    std::unique_ptr<Background> server_;
};

} // namespace pft
