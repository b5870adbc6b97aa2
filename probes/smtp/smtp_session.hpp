#pragma once
#include "core/probe.hpp"
#include "core/run_environment.hpp"
#include "pki/peer_check.hpp"
#include "probes/smtp/smtp_transcript.hpp"
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <curl/curl.h>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// One SMTP session run by libcurl on the Asio loop (CurlLoop): greeting,
// EHLO, STARTTLS, EHLO again, AUTH, then NOOP or a message. libcurl's debug
// data gives every line of it, the EHLO before STARTTLS included, so one
// connection shows what the server offers in plain text and inside TLS; no
// second, hand-written SMTP client is needed for that.
//
// The server's certificate is judged during the handshake by PeerJudge
// (verify_chain against the run's trust, as every protocol is judged), and a
// certificate it fails stops the handshake: credentials and mail never go to
// a server that is not proven to be the one named.
struct SmtpRequest {
    std::string host;
    std::uint16_t port = 25;
    bool implicit_tls = false;            // smtps (port 465): TLS before the greeting
    curl_usessl use_ssl = CURLUSESSL_ALL; // STARTTLS required, tried, or not used
    std::string helo;                     // the EHLO name
    std::string user;                     // empty: no AUTH
    SecretRef password;                   // revealed only to curl
    std::string from;                     // with to: MAIL FROM
    std::vector<std::string> to;          // RCPT TO; empty: only NOOP
    std::string message;                  // RFC 5322 text sent with DATA
    std::vector<asio::ip::address> pinned;
    TlsSettings tls;       // the run's trust (run_trust) and the expiry thresholds
    CheckCancelPtr cancel; // the check's: ends the session at its deadline
};

struct SmtpSession {
    CURLcode code = CURLE_OK;
    bool deadline_passed = false;
    bool connected = false;
    // More than 100 KiB arrived without ending a reply line: no SMTP server
    // sends such a line.
    bool endless_line = false;
    std::string error;   // curl's error buffer
    long os_errno = 0;   // of a failed connect
    std::string address; // the address connected to (or tried)
    SmtpTranscript transcript;
    bool handshake_started = false; // the server's certificate arrived
    std::vector<X509Ptr> chain;     // as sent, leaf first
    std::optional<TlsVerdict> certificate;
    std::string certificate_error; // the trust store could not be read
    TrustHandle trust;             // the run's, when it could be read
    std::string protocol, cipher;  // "TLSv1.3", "TLS_AES_256_GCM_SHA384"
    double ms = 0;
};

// on_done runs on the loop, also when req.cancel ends the session first. The
// returned function cancels; on_done is then not called.
std::function<void()> start_smtp_session(asio::io_context& io, SmtpRequest req,
                                         std::function<void(SmtpSession)> on_done);

} // namespace pf
