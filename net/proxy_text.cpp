#include "net/proxy_text.hpp"

namespace pf {

namespace {

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

std::string offers(const std::vector<std::string>& offered) {
    return offered.empty() ? "no Proxy-Authenticate scheme" : joined(offered, "; ");
}

// The proxy URL with USER where the user name goes: what to give --proxy.
std::string proxy_with_user(const ProxyConfig& p) {
    ProxyConfig q = p;
    q.user = "USER";
    return q.display();
}

} // namespace

std::string proxy_auth_needed(const std::vector<std::string>& offered, const ProxyConfig& proxy) {
    return "proxy wants authentication: " + offers(offered) + "; give --proxy " +
           proxy_with_user(proxy) + " and --proxy-password env:NAME";
}

std::string proxy_auth_rejected(const std::vector<std::string>& offered, const ProxyConfig& proxy) {
    // A user without a password is a missing setting, not a wrong password.
    if (!proxy.password || proxy.password->empty())
        return "the proxy wants a password for user " + proxy.user + " (407; it offers " +
               offers(offered) + "): give --proxy-password env:NAME, file:PATH or prompt";
    return "the proxy rejected the credentials for user " + proxy.user + " (407 again; it offers " +
           offers(offered) + "): check the user name and the --proxy-password source";
}

std::string proxy_blocked(const std::string& target, const ProxyConfig& proxy,
                          const std::string& status_line) {
    return "blocked by the proxy's policy: " + proxy.display() + " refused CONNECT to " + target +
           " (" + status_line + "); ask its administrators to allow " + target;
}

std::string proxy_cannot_reach(const std::string& target, const ProxyConfig& proxy,
                               const std::string& status_line) {
    return "the proxy could not reach " + target + " (" + status_line + " from " + proxy.display() +
           "): from the proxy, the target refuses, is filtered or does not resolve";
}

std::string proxy_itself(ProxyFault fault, const ProxyConfig& proxy, const std::string& detail,
                         const std::string& target) {
    std::string blame = " (the proxy's fault, not " + target + "'s; check --proxy)";
    switch (fault) {
    case ProxyFault::refused:
        return "the proxy " + proxy.display() +
               " itself refused the connection: nothing accepts connections on its port" + blame;
    case ProxyFault::timed_out:
        return "the proxy " + proxy.display() + " itself did not answer: " + detail +
               " (filtered by a firewall, or the proxy is down)" + blame;
    case ProxyFault::unreachable:
        return "the proxy " + proxy.display() + " itself is unreachable: " + detail + blame;
    case ProxyFault::name:
        return "the proxy's own name does not resolve: " + detail + blame;
    case ProxyFault::other:
        break;
    }
    return "the proxy " + proxy.display() + " itself cannot be reached: " + detail + blame;
}

std::string no_proxy_reason(const ProxyConfig& proxy, const std::string& host) {
    if (!proxy.configured())
        return "no outbound proxy configured (--proxy URL, the site file's <proxy>, or "
               "HTTPS_PROXY)";
    if (proxy.bypassed_for(host))
        return "NO_PROXY (" + joined(proxy.no_proxy, ",") + ") bypasses the proxy " +
               proxy.display() + " for " + host + ": the connection goes direct";
    return "";
}

} // namespace pf
