#pragma once
#include "core/probe.hpp"
#include "core/proxy_config.hpp"
#include "net/tcp_connect.hpp"
#include <asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pf {

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
        proxy_auth_required,  // 407: see auth_schemes
        proxy_auth_failed,    // 407 although credentials were sent
        proxy_forbidden,      // 403: blocked by the proxy's policy
        proxy_target_failed,  // 502/503/504: the proxy could not reach the target
        proxy_other_status,   // any other status: see status
        proxy_protocol_error, // not HTTP, or the connection closed before an answer
        timed_out,            // the deadline passed during CONNECT
    };
    Outcome outcome = Outcome::timed_out;
    std::shared_ptr<asio::ip::tcp::socket> socket; // set when open
    bool via_proxy = false;
    ConnectOutcome connect;  // the TCP connect (to the target, or to the proxy)
    int status = 0;          // the proxy's status code
    std::string status_line; // "HTTP/1.1 407 Proxy Authentication Required"
    std::vector<std::string>
        auth_schemes;        // from Proxy-Authenticate: "Basic realm=…", "NTLM", "Negotiate"
    std::string proxy_agent; // Via / Server header of the proxy, if any
    std::string detail;      // lookup failure text, or the system's error
    Reason lookup = Reason::unset; // name_not_resolved: why the lookup failed
    double connect_ms = 0, tunnel_ms = 0;
    // At the deadline: the bytes of an answer to CONNECT that never ended
    // (a slow or non-HTTP proxy is not a silent one), and how it began.
    std::size_t partial_answer_bytes = 0;
    std::string partial_answer; // printable start, at most 40 characters
};

// The reason code of the outcome (ok when open).
Reason tunnel_reason(const Tunnel& t);

// One line naming the failure (empty when open), in the admin's words.
std::string describe(const Tunnel& t, const std::string& target, const ProxyConfig& proxy);

// The deadline passed during CONNECT: silence, or an answer that never ended.
std::string proxy_connect_timed_out(const Tunnel& t, const std::string& target,
                                    const ProxyConfig& proxy);

// Connects to host:port, through proxy when proxy.configured() and it is not
// bypassed for host (NO_PROXY). With proxy.user set, sends Basic credentials.
// At the check's cancellation the outcome is timed_out, with what the proxy
// had sent. on_done runs once, on the loop; the returned function abandons
// the tunnel (on_done is then not called).
std::function<void()> open_tunnel(asio::io_context& io, const ProxyConfig& proxy,
                                  const std::string& host, std::uint16_t port,
                                  const CheckCancelPtr& cancel,
                                  std::function<void(Tunnel)> on_done);

// The Basic credentials header value (RFC 7617): base64 of "user:password".
std::string basic_credentials(const std::string& user, const std::string& password);

} // namespace pf
