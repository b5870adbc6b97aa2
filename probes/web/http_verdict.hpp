#pragma once
#include "base/probe_result.hpp"
#include "core/proxy_config.hpp"
#include "net/http_transfer.hpp"
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pf {

// The expected status codes of an http check: "200", "200-299", "401,403".
struct StatusSet {
    std::vector<std::pair<int, int>> ranges;
    std::string text; // as given, for "expected 200-299, got 503 …"
    bool contains(int status) const;
};
// nullopt unless every item is a code or a range of codes within 100-599.
std::optional<StatusSet> parse_status_set(const std::string& text);

// "503 Service Unavailable": the reason the server gave, else the standard one.
std::string status_text(long status, const HttpHead* head);

// The start of a body as one evidence line, when it is text: a binary or
// empty body shows nothing.
std::optional<std::string> body_excerpt(const std::string& body, std::size_t body_bytes,
                                        std::size_t max = 200);

// What a failure diagnosis needs to name the request and its route.
struct HttpRoute {
    std::string url;       // "https://host:port/path"
    std::string authority; // "host:port"
    bool https = true;
    bool via_proxy = false;
    ProxyConfig proxy;
    std::string proxy_auth = "any"; // the parameter, for a scheme mismatch
    unsigned long proxy_auth_mask = 0;
    std::string budget; // the time the check had, "2 s"
};

// The verdict of an exchange in which the origin gave no answer: the
// connection, the proxy, TLS or the deadline failed. nullopt when the origin
// (or, for http through a forwarding proxy, the proxy) answered.
std::optional<ProbeResult> diagnose_transport(const HttpRoute& route, const HttpExchange& x);

// 407 from a proxy: not allowed, needed, rejected credentials, or
// credentials never sent (credentials_answered: the 407 answered a request carrying them).
ProbeResult proxy_auth_verdict(const HttpRoute& route, const std::vector<std::string>& offered,
                               long offered_mask, bool credentials_answered);

} // namespace pf
