#pragma once
#include "base/probe_result.hpp"
#include "core/probe.hpp"
#include "core/proxy_config.hpp"
#include "net/tls_handshake.hpp"
#include "net/tunnel.hpp"
#include "pki/tls_verify.hpp"
#include <asio/ip/tcp.hpp>
#include <asio/ssl.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pf {

using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;

// A TLS client connection, made once the handshake completed, and what
// OpenSSL told us while making and using it (TlsNotes): the alerts are kept
// here rather than in the probe's state because OpenSSL may report one (a
// close_notify, a fatal alert) at any time while the stream exists.
struct TlsLink : TlsNotes {
    // Takes the socket's descriptor over, and ssl with its completed
    // handshake; the emptied socket is kept for the budget token it carries
    // (net/tcp_connect), given back with this link.
    TlsLink(SocketPtr socket, SslPtr ssl, TlsNotes notes);
    ~TlsLink();
    TlsLink(const TlsLink&) = delete;
    TlsLink& operator=(const TlsLink&) = delete;
    SocketPtr descriptor;
    TlsStream stream;
};

struct TlsConnection {
    enum class Outcome { open, no_tunnel, handshake_failed, timed_out };
    Outcome outcome = Outcome::timed_out;
    Tunnel tunnel;           // how the TCP connection was made (its socket moved into link)
    std::string failure;     // one line in the admin's words, when not open
    Message failure_message; // failure as data, when this client wrote it (not the tunnel's)
    std::string alert;       // the alert the server sent, if any ("handshake failure")
    std::string alert_sent;  // the alert this client sent during the handshake, if any
    std::string protocol, cipher, alpn; // "TLSv1.3", "TLS_AES_256_GCM_SHA384", "http/1.1"
    int version = 0;                    // TLS1_2_VERSION, …
    std::vector<X509Ptr> chain;         // as the server sent it, leaf first
    double handshake_ms = 0;
    // The server asked for a client certificate (none is sent), and the
    // issuers it named, if any.
    bool certificate_requested = false;
    std::vector<std::string> acceptable_issuers;
    std::shared_ptr<TlsLink> link; // set when open
};

// How many TLS connections exist (TlsLinks, and handshakes in progress): a
// test's proof that a finished check's connections are freed while the run
// goes on.
std::size_t live_tls_links();

// The reason code of a connection that did not open (ok when open).
Reason tls_connection_reason(const TlsConnection& c);

// via = "auto" (the proxy unless NO_PROXY bypasses the host), "direct" or
// "proxy" (even when NO_PROXY would bypass it); the declaration of via
// (via_param) admits no other value.
ProxyConfig proxy_for_via(const std::string& via, const ProxyConfig& configured);

// The via parameter of every probe that can go through the outbound proxy.
ParamSpec via_param(Message help);

bool is_ip_literal(const std::string& host);

// "1.0", "1.1", "1.2", "1.3" → TLS1_VERSION…; 0 for anything else.
int tls_version_from_text(const std::string& text);

// Connects (open_tunnel) and makes a TLS handshake that accepts any
// certificate and protocols down to TLS 1.0, so that what the server offers
// can be judged rather than refused. sni empty: none sent. At the check's
// cancellation the outcome is timed_out, told by the phase reached. on_done
// runs once, on the loop; the returned function abandons the connection
// (on_done is then not called).
std::function<void()> open_tls(asio::io_context& io, const ProxyConfig& proxy,
                               const std::string& host, std::uint16_t port, const std::string& sni,
                               const CheckCancelPtr& cancel,
                               std::function<void(TlsConnection)> on_done);

// The same handshake over a connection a protocol opened and upgrades in
// band (LDAP's StartTLS) or that speaks TLS at once (LDAPS) on a socket the
// caller connected itself. No ALPN is offered: these protocols are not HTTP.
// host:port only names the target in failure texts.
std::function<void()> tls_over(asio::io_context& io, std::shared_ptr<asio::ip::tcp::socket> socket,
                               const std::string& host, std::uint16_t port, const std::string& sni,
                               const CheckCancelPtr& cancel,
                               std::function<void(TlsConnection)> on_done);
std::function<void()> tls_over(asio::io_context& io, std::shared_ptr<asio::ip::tcp::socket> socket,
                               const std::string& host, std::uint16_t port, const std::string& sni,
                               Clock::time_point deadline,
                               std::function<void(TlsConnection)> on_done);

} // namespace pf
