#pragma once
#include "base/probe_result.hpp"
#include "core/run_environment.hpp"
#include "probes/smtp/smtp_session.hpp"
#include <string>
#include <vector>

namespace pf {

// What the smtp check asked for, as its verdict needs it.
struct SmtpPlan {
    std::string host;
    std::uint16_t port = 25;
    bool implicit_tls = false;
    std::string starttls = "require"; // require, try, no
    std::string user;                 // empty: no authentication asked for
    // The checklist's explicit consent to send the password without TLS;
    // without it, starttls=try asks curl for TLS whenever a user is set.
    bool allow_plaintext_auth = false;
    std::string from;
    std::vector<std::string> to; // empty: no test message
    std::string message_id, subject;
    const TlsSettings* tls = nullptr;
    std::vector<asio::ip::address> addresses; // the host's, as resolved
    // What the user types to choose the other TLS mode (ProbeArgs::how_to_set).
    std::string use_tls_starttls = "tls=starttls", use_tls_implicit = "tls=implicit";

    std::string where() const;
};

// The session as a verdict: which step failed and why, in the admin's
// words, with the transcript (credentials already redacted), the EHLO
// capabilities and AUTH mechanisms before and after TLS, and the
// certificate diagnosed as the tls probe diagnoses it.
ProbeResult smtp_verdict(const SmtpPlan& plan, const SmtpSession& s);

} // namespace pf
