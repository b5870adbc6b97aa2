#pragma once
#include "base/reason.hpp"
#include "core/proxy_config.hpp"
#include <string>
#include <vector>

namespace pf {

// The verdict lines the "proxy" and "http" probes share, so that the same
// proxy problem reads the same in both checks.

// 407 to a request without credentials; offered: Proxy-Authenticate values.
std::string proxy_auth_needed(const std::vector<std::string>& offered, const ProxyConfig& proxy);
// 407 although credentials were sent.
std::string proxy_auth_rejected(const std::vector<std::string>& offered, const ProxyConfig& proxy);
// 407 offering only schemes the tunnel does not speak (Negotiate, Digest).
std::string proxy_scheme_unsupported(const std::vector<std::string>& offered,
                                     const ProxyConfig& proxy);
// Negotiate could not make a token on this host: reason is one of the
// kerberos_* codes or clock_skew, detail the GSS-API or SSPI text.
std::string proxy_negotiate_failed(Reason reason, const std::string& detail,
                                   const ProxyConfig& proxy);
// 407 again to the Negotiate token.
std::string proxy_negotiate_rejected(const std::vector<std::string>& offered,
                                     const ProxyConfig& proxy);
// 403 to CONNECT target ("host:port").
std::string proxy_blocked(const std::string& target, const ProxyConfig& proxy,
                          const std::string& status_line);
// 502/503/504: the proxy tried and could not reach target.
std::string proxy_cannot_reach(const std::string& target, const ProxyConfig& proxy,
                               const std::string& status_line);

enum class ProxyFault { refused, timed_out, unreachable, name, other };
// The proxy itself could not be reached; detail: what the system or the
// resolver said, target: where the request was going.
std::string proxy_itself(ProxyFault fault, const ProxyConfig& proxy, const std::string& detail,
                         const std::string& target);

// Why no proxy is used for host: "" when one is.
std::string no_proxy_reason(const ProxyConfig& proxy, const std::string& host);

} // namespace pf
