#pragma once
#include "core/probe.hpp"
#include "core/proxy_config.hpp"
#include "core/run_environment.hpp"
#include "net/http_head.hpp"
#include "pki/peer_check.hpp"
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <curl/curl.h>
#include <functional>
#include <memory>
#include <openssl/x509.h>
#include <string>
#include <utility>
#include <vector>

namespace pf {

// One HTTP(S) request/response exchange run by libcurl on the Asio loop
// (CurlLoop), with everything the http probe needs to diagnose it. Name
// lookups are done by the caller (resolve_host) and pinned here, so that the
// verdict can tell a name that does not exist from a DNS server that failed.
// The server's chain is judged during the handshake (PeerJudge) and kept in
// HttpExchange::tls.

struct HttpRequest {
    std::string scheme = "https"; // "https" or "http"
    std::string host;             // as in the URL: the name TLS verifies
    std::uint16_t port = 443;
    std::string path = "/";
    std::string method = "GET";            // GET, HEAD, OPTIONS, POST
    std::vector<asio::ip::address> pinned; // host's addresses (direct)
    bool via_proxy = false;
    ProxyConfig proxy;                           // used when via_proxy
    std::vector<asio::ip::address> proxy_pinned; // the proxy's addresses
    // The schemes the proxy's credentials may go with: net/tunnel's for
    // https (CONNECT), curl's own for plain http (forwarded).
    unsigned long proxy_auth = CURLAUTH_ANY;
    // The origin's credentials, sent only when user is set. Never shown:
    // on_debug reads request lines, not the Authorization header.
    std::string user;
    SecretRef password;
    unsigned long auth = CURLAUTH_BASIC; // CURLOPT_HTTPAUTH
    // Required for https: the run's trust (run_trust) and the thresholds the
    // chain is judged with (PeerJudge).
    TrustHandle trust;
    TlsSettings tls;
    // The check's: ends the exchange at its deadline.
    CheckCancelPtr cancel;
    std::size_t body_limit = 256 * 1024; // bytes kept for the body pattern
};

struct HttpExchange {
    CURLcode code = CURLE_OK;
    bool deadline_passed = false; // stopped by the deadline, not by curl
    std::string error;            // curl's error buffer
    long os_errno = 0;            // of a failed connect
    long verify_result = 0;       // CURLINFO_SSL_VERIFYRESULT (X509_V_*)
    PeerCheck tls;                // the server's chain and its verdict (https)
    long response_code = 0;       // the origin's (or a forwarding proxy's) status
    long connect_code = 0;        // the proxy's last answer to CONNECT (net/tunnel), 0 if none
    long proxy_auth_offered = 0;  // CURLINFO_PROXYAUTH_AVAIL
    std::vector<HttpHead> heads;  // in arrival order
    std::string body;             // the first body_limit bytes
    std::size_t body_bytes = 0;   // all of it
    std::string redirect_url;     // absolute Location of a 3xx
    // The last head answered a request that carried Proxy-Authorization: a
    // 407 then judges the credentials, otherwise they never reached the proxy.
    bool proxy_credentials_answered = false;
    // Head bytes the proxy sent before a tunnel was up, and how they began
    // (printable, at most 40 characters).
    std::size_t proxy_answer_bytes = 0;
    std::string proxy_answer_start;
    // https through the proxy: the tunnel did not open, in its own words
    // (net/tunnel's describe); empty otherwise.
    std::string tunnel_failure;
    // The proxy wants credentials in a scheme the tunnel does not speak,
    // none it does being offered and allowed.
    bool proxy_scheme_unsupported = false;
    // Negotiate failed on this host or the proxy rejected its ticket: the
    // verdict's reason, with tunnel_failure its words (unset otherwise).
    Reason negotiate_verdict = Reason::unset;
    // Phase times from the start of the transfer: curl's, or, when the
    // deadline stopped it midway, when the callbacks saw the phase begin
    // (TLS starting, CONNECT or request sent, first head); 0: not reached.
    double connect_ms = 0, appconnect_ms = 0, first_byte_ms = 0, total_ms = 0;

    const HttpHead* last_origin_head() const;
    const HttpHead* last_proxy_head() const;
};

// Starts the exchange; on_done runs on the loop (also when req.cancel ends
// it first). The returned function cancels: on_done is then not called.
std::function<void()> start_http_transfer(asio::io_context& io, HttpRequest req,
                                          std::function<void(HttpExchange)> on_done);

// Adds "name:port:addr,addr" for CURLOPT_RESOLVE to list (curl then does no
// lookup of its own); IP literals need no entry.
curl_slist* curl_pin_addresses(curl_slist* list, const std::string& host, std::uint16_t port,
                               const std::vector<asio::ip::address>& addresses);

// "https://host:port/path", IPv6 literals bracketed.
std::string http_url(const std::string& scheme, const std::string& host, std::uint16_t port,
                     const std::string& path);

} // namespace pf
