#pragma once
#include "core/probe.hpp"
#include "net/http_transfer.hpp"
#include "net/tls_connect.hpp"
#include "probes/web/http_verdict.hpp"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// One HTTP(S) request, the one way every web probe makes it: the http probe
// (a call a hop, directly or through the outbound proxy) and the
// enterprise-server probes (scep, activesync, exchange_powershell: direct,
// as the Cloud Connector reaches internal servers). The name (or the
// proxy's) is looked up with resolve_host, the exchange runs through
// start_http_transfer, and a failure before any answer is diagnosed in one
// place; an untrusted certificate gets the tls probe's diagnosis, from the
// chain the handshake itself was judged on (PeerJudge).

struct WebTarget {
    std::string scheme = "https", host;
    std::uint16_t port = 443;
    std::string path = "/"; // with the query, if any
    std::string url() const { return http_url(scheme, host, port, path); }
};

// An absolute http(s) URL as a target, the default port filled in; nullopt
// for anything else.
std::optional<WebTarget> parse_http_url(const std::string& url);

struct WebAnswer {
    HttpRoute route;
    HttpExchange x;
    // "OPTIONS https://…", the route when the call names one, "address:
    // 127.0.0.1": what every verdict shows, first.
    std::vector<std::string> evidence;
    // Set when no answer came: the name, the connection, the proxy, TLS or
    // the deadline failed. The verdict as is, evidence included.
    std::optional<ProbeResult> failure;
    bool looked_up = false; // a name was looked up (not an IP literal)
    double dns_ms = 0;      // how long that took
    const HttpHead* head() const { return x.last_origin_head(); }
};

struct WebCall {
    WebTarget target;
    std::string method = "GET";
    std::string user;
    SecretRef password;
    unsigned long auth = CURLAUTH_BASIC;
    // Through the proxy (its name is looked up instead of the target's).
    bool via_proxy = false;
    ProxyConfig proxy;
    std::string proxy_auth = "any"; // the parameter, for the verdict
    unsigned long proxy_auth_mask = CURLAUTH_ANY;
    std::string route_note;                 // "route: direct (…)", an evidence line
    std::optional<Clock::time_point> since; // the check's start, for the budget text
};

// on_done runs on the loop, by the deadline; the returned function cancels.
std::function<void()> web_request(const ProbeContext& ctx, WebCall call,
                                  std::function<void(WebAnswer)> on_done);

// The authentication schemes of WWW-Authenticate values, in order and
// without repeats: "Negotiate", "NTLM", "Basic", "Bearer" (a value may hold
// several challenges: `Basic realm="a", NTLM`).
std::vector<std::string> auth_schemes(const std::vector<std::string>& www_authenticate);

std::string list_text(const std::vector<std::string>& items, const std::string& sep = ", ");

// IIS's sub-status in a 403 page ("403.16 - Forbidden: Client certificate is
// untrusted or invalid."), decoded with its fix; nullopt when the body
// names none this knows.
struct IisForbidden {
    std::string code;    // "403.16"
    std::string meaning; // "client certificate untrusted or invalid"
    std::string fix;
};
std::optional<IisForbidden> iis_substatus(const std::string& body);

// The answer says a client certificate is required and none was sent: IIS
// 403.7, or nginx's 400 "No required SSL certificate was sent".
bool client_certificate_demanded(const WebAnswer& a);

// "the server at URL answered 403.16 client certificate untrusted or
// invalid: <fix>" for a decoded IIS 403, else nullopt.
std::optional<std::string> iis_forbidden_text(const WebAnswer& a);

} // namespace pf

namespace pf {

// A TLS handshake of its own (open_tls, direct) and the chain's verdict
// against the run's trust: activesync asks it what a curl exchange cannot
// show, whether the server requests a client certificate (and refuses the
// handshake without one). Why a chain is not trusted every web_request
// already says.
struct TlsLook {
    TlsConnection connection;
    std::optional<TlsVerdict> verdict; // when the handshake completed with a chain
    // The handshake failed, or the chain fails verification: the verdict as
    // is, chain and evidence included.
    std::optional<ProbeResult> failure;
};
std::function<void()> look_at_tls(const ProbeContext& ctx, const std::string& host,
                                  std::uint16_t port, std::function<void(TlsLook)> on_done);

} // namespace pf
