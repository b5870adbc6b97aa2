#pragma once
#include "base/reason.hpp"
#include <memory>
#include <string>

namespace pf {

// One step of the Negotiate scheme (RFC 4559, SPNEGO with Kerberos) as the
// client: the token to send, the end of the exchange, or why it failed.
struct NegotiateStep {
    enum class State { token, complete, failed };
    State state = State::failed;
    std::string token; // base64, for "Proxy-Authorization: Negotiate <token>"
    // failed: kerberos_no_ticket, kerberos_unknown_service, clock_skew,
    // kerberos_failed (anything else)
    Reason reason = Reason::unset;
    std::string detail; // failed: the GSS-API or SSPI status text
};

// A Negotiate security context for one connection, with the logged-in
// user's Kerberos credentials (the credential cache, or the Windows logon
// session): no password goes anywhere. Its calls may ask the KDC for a
// service ticket and so block: run them off the loop, one at a time.
class NegotiateClient {
  public:
    NegotiateClient();
    ~NegotiateClient();
    NegotiateClient(const NegotiateClient&) = delete;
    NegotiateClient& operator=(const NegotiateClient&) = delete;

    // The first token, for the service HTTP at host (the proxy's name as
    // configured: its service principal is HTTP/<host>).
    NegotiateStep start(const std::string& host);
    // The next token from the server's "Negotiate <token>" (base64).
    NegotiateStep step(const std::string& server_token);
    bool complete() const;

  private:
    NegotiateStep continue_with(const std::string& server_bytes); // per platform
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The service principal the ticket is for, as the admin must register it.
std::string negotiate_service_principal(const std::string& host);

} // namespace pf
