#pragma once
#include "base/secret.hpp"
#include <cstdint>
#include <string>
#include <vector>

namespace pf {

// The outbound proxy the ACC would use (the ACC guide: "If you plan on proxying
// ACC traffic through an outbound proxy…"), from --proxy, the site file, or
// the usual HTTPS_PROXY / NO_PROXY variables, in that order of preference.
struct ProxyConfig {
    std::string host;
    std::uint16_t port = 0;
    std::string user;
    SecretRef password; // null: none; never shown: reports use display()
    std::vector<std::string> no_proxy;
    std::string origin; // "--proxy", "HTTPS_PROXY", "site.xml:3:3"

    bool configured() const { return !host.empty(); }
    // NO_PROXY: "*", exact names, ".suffix"/"suffix" domains, IP literals.
    bool bypassed_for(const std::string& target_host) const;
    std::string display() const; // http://user@host:port, without the password
};

// http://[user[:password]@]host[:port][/]; the port defaults to 8080. The
// password part is accepted only when allow_password (environment variables);
// on the command line it must come from --proxy-password instead.
ProxyConfig parse_proxy_url(const std::string& url, const std::string& origin, bool allow_password);

// HTTPS_PROXY / https_proxy, then HTTP_PROXY / http_proxy; NO_PROXY / no_proxy.
ProxyConfig proxy_from_environment();

std::vector<std::string> split_no_proxy(const std::string& list);

} // namespace pf
