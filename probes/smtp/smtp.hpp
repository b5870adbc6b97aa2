#pragma once
#include "core/probe.hpp"
#include <chrono>
#include <string>

namespace pf {

// "smtp": one SMTP session with the mail server the Cloud Connector relays
// through (libcurl): greeting, EHLO capabilities, STARTTLS with the
// certificate judged as the tls probe judges it, EHLO again, AUTH
// mechanisms before and after TLS, an optional login with a service
// account, and an optional test message. The transcript is the evidence,
// credentials redacted.
ProbeKind smtp_probe();

// The test message: headers naming preflight, a unique Message-ID and
// subject, and a short plain-text body, CRLF line ends.
std::string smtp_test_message(const std::string& from, const std::string& to,
                              const std::string& message_id, const std::string& subject,
                              const std::string& host_name,
                              std::chrono::system_clock::time_point now);

} // namespace pf
