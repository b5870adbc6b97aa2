#pragma once
#include "core/probe.hpp"
#include "core/proxy_config.hpp"
#include "net/http_head.hpp"
#include "net/tcp_connect.hpp"
#include <asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pf {

// The schemes credentials may go to the proxy with, as a set of bits.
enum ProxyAuthScheme : unsigned {
    proxy_auth_basic = 1,
    proxy_auth_digest = 2,
    proxy_auth_ntlm = 4,
    proxy_auth_negotiate = 8,
};
// The schemes the tunnel answers.
constexpr unsigned proxy_auth_spoken =
    proxy_auth_basic | proxy_auth_digest | proxy_auth_ntlm | proxy_auth_negotiate;
// The schemes a Proxy-Authenticate value list offers (unknown ones ignored).
unsigned proxy_auth_offered(const std::vector<std::string>& proxy_authenticate);

struct TunnelOptions {
    // Basic alone: the credentials go with the first CONNECT. Several: the
    // first CONNECT goes without, and the 407's offer picks the scheme, as
    // browsers and curl do, so a proxy wanting NTLM is not sent a password
    // in Basic it would reject anyway. Negotiate needs no user: it goes
    // with the logged-in user's Kerberos ticket (net/negotiate). Every
    // scheme by default, so every probe that tunnels (tls, proxy, syslog,
    // LDAP, SMTP) answers what the http probe answers; only the http
    // probe's proxy_auth parameter narrows it.
    unsigned auth = proxy_auth_spoken;
    // The addresses of the name connected to (the proxy's through it, else
    // the target's), when the caller has looked it up to tell its own
    // verdicts: no second lookup.
    std::vector<asio::ip::address> addresses;
};

// A TCP connection to a target, made directly or through the HTTP proxy by
// CONNECT (RFC 9110 section 9.3.6), with the proxy's answer diagnosed: when
// the proxy is the problem, the verdict must say so rather than blame the
// target.
struct Tunnel {
    enum class Outcome {
        open, // socket is connected to the target (through the proxy when one is used)
        target_unreachable, // direct: see connect (refused, timed out, unreachable) or lookup
        name_not_resolved,  // the target's (direct) or the proxy's name did not resolve: see detail
        proxy_unreachable,  // the proxy itself refused, timed out or is unreachable: see connect
        proxy_auth_required,    // 407 to a CONNECT without credentials: see auth_schemes
        proxy_auth_failed,      // 407 to a CONNECT with credentials (see negotiate_sent)
        proxy_negotiate_failed, // no Negotiate token could be made here: see negotiate_failure
        proxy_forbidden,        // 403: blocked by the proxy's policy
        proxy_target_failed,    // 502/503/504: the proxy could not reach the target
        proxy_other_status,     // any other status: see status
        proxy_protocol_error,   // not HTTP, or the connection closed before an answer
        timed_out,              // the deadline passed during CONNECT
    };
    Outcome outcome = Outcome::timed_out;
    std::shared_ptr<asio::ip::tcp::socket> socket; // set when open
    bool via_proxy = false;
    ConnectOutcome connect;  // the TCP connect (to the target, or to the proxy)
    int status = 0;          // the proxy's status code
    std::string status_line; // "HTTP/1.1 407 Proxy Authentication Required"
    std::vector<std::string>
        auth_schemes;          // from Proxy-Authenticate: "Basic realm=…", "NTLM", "Negotiate"
    std::string proxy_agent;   // Via / Server header of the proxy, if any
    HttpHead answer;           // the proxy's last answer to CONNECT, every header
    unsigned auth_offered = 0; // proxy_auth_offered(auth_schemes)
    // The last answer was to a CONNECT carrying credentials: a 407 then
    // rejects them; otherwise they never reached the proxy (it closed the
    // connection after its 407, or offers no scheme allowed).
    bool credentials_answered = false;
    bool negotiate_sent = false; // those credentials were a Negotiate token
    // The scheme of the last credentials sent ("Basic", "Digest", "NTLM",
    // "Negotiate"), empty when none were.
    std::string credentials_scheme;
    // Negotiate failed on this host (the outcome, or before a fallback to a
    // password scheme): a kerberos_* reason or clock_skew, and the GSS-API
    // or SSPI text.
    Reason negotiate_failure = Reason::unset;
    std::string negotiate_detail;
    std::string detail;            // lookup failure text, or the system's error
    Reason lookup = Reason::unset; // name_not_resolved: why the lookup failed
    double connect_ms = 0, tunnel_ms = 0;
    // At the deadline: the bytes of an answer to CONNECT that never ended
    // (a slow or non-HTTP proxy is not a silent one), and how it began.
    std::size_t partial_answer_bytes = 0;
    std::string partial_answer; // printable start, at most 40 characters
};

// The system's error number of a failed connect (0 for none), as socket
// APIs and curl report it: for verdicts that read curl's.
long connect_errno(ConnectOutcome::Kind k);

// The reason code of the outcome (ok when open).
Reason tunnel_reason(const Tunnel& t);

// One line naming the failure (empty when open), in the admin's words.
std::string describe(const Tunnel& t, const std::string& target, const ProxyConfig& proxy);

// The deadline passed during CONNECT: silence, or an answer that never ended.
std::string proxy_connect_timed_out(const Tunnel& t, const std::string& target,
                                    const ProxyConfig& proxy);

// Connects to host:port, through proxy when proxy.configured() and it is not
// bypassed for host (NO_PROXY). Authenticates with a scheme of options.auth
// as the proxy asks: Negotiate with the user's Kerberos ticket when offered,
// else with proxy.user set Basic, or Digest or NTLM when offered.
// At the check's cancellation the outcome is timed_out, with what the proxy
// had sent. on_done runs once, on the loop; the returned function abandons
// the tunnel (on_done is then not called).
std::function<void()> open_tunnel(asio::io_context& io, const ProxyConfig& proxy,
                                  const std::string& host, std::uint16_t port,
                                  const CheckCancelPtr& cancel, std::function<void(Tunnel)> on_done,
                                  TunnelOptions options = {});

// The Basic credentials header value (RFC 7617): base64 of "user:password".
std::string basic_credentials(const std::string& user, const std::string& password);

} // namespace pf
