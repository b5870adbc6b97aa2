#include "net/proxy_text.hpp"
#include "base/catalog.hpp"
#include "net/negotiate.hpp"

namespace pf {

namespace {

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

std::string offers(const std::vector<std::string>& offered) {
    return offered.empty() ? render(msg("proxy.no_scheme")) : joined(offered, "; ");
}

// The proxy URL with USER where the user name goes: what to give --proxy.
std::string proxy_with_user(const ProxyConfig& p) {
    ProxyConfig q = p;
    q.user = "USER";
    return q.display();
}

} // namespace

std::string proxy_auth_needed(const std::vector<std::string>& offered, const ProxyConfig& proxy) {
    return render(msg("proxy.auth_needed",
                      {{"offers", offers(offered)}, {"proxy_with_user", proxy_with_user(proxy)}}));
}

std::string proxy_auth_rejected(const std::vector<std::string>& offered, const ProxyConfig& proxy) {
    // A user without a password is a missing setting, not a wrong password.
    if (!proxy.password || proxy.password->empty())
        return render(
            msg("proxy.password_needed", {{"user", proxy.user}, {"offers", offers(offered)}}));
    return render(msg("proxy.auth_rejected", {{"user", proxy.user}, {"offers", offers(offered)}}));
}

std::string proxy_scheme_unsupported(const std::vector<std::string>& offered,
                                     const ProxyConfig& proxy) {
    return render(
        msg("proxy.scheme_unsupported", {{"proxy", proxy.display()}, {"offers", offers(offered)}}));
}

std::string proxy_negotiate_failed(Reason reason, const std::string& detail,
                                   const ProxyConfig& proxy) {
    std::string spn = negotiate_service_principal(proxy.host);
    switch (reason) {
    case Reason::kerberos_no_ticket:
        return render(
            msg("proxy.negotiate_no_ticket", {{"proxy", proxy.display()}, {"detail", detail}}));
    case Reason::kerberos_unknown_service:
        return render(msg("proxy.negotiate_unknown_service",
                          {{"proxy", proxy.display()}, {"spn", spn}, {"detail", detail}}));
    case Reason::clock_skew:
        return render(
            msg("proxy.negotiate_clock_skew", {{"proxy", proxy.display()}, {"detail", detail}}));
    default:
        break;
    }
    return render(msg("proxy.negotiate_failed", {{"proxy", proxy.display()}, {"detail", detail}}));
}

std::string proxy_negotiate_rejected(const std::vector<std::string>& offered,
                                     const ProxyConfig& proxy) {
    return render(msg("proxy.negotiate_rejected", {{"proxy", proxy.display()},
                                                   {"spn", negotiate_service_principal(proxy.host)},
                                                   {"offers", offers(offered)}}));
}

std::string proxy_blocked(const std::string& target, const ProxyConfig& proxy,
                          const std::string& status_line) {
    return render(
        msg("proxy.blocked",
            {{"proxy", proxy.display()}, {"target", target}, {"status_line", status_line}}));
}

std::string proxy_cannot_reach(const std::string& target, const ProxyConfig& proxy,
                               const std::string& status_line) {
    return render(
        msg("proxy.cannot_reach",
            {{"target", target}, {"status_line", status_line}, {"proxy", proxy.display()}}));
}

std::string proxy_itself(ProxyFault fault, const ProxyConfig& proxy, const std::string& detail,
                         const std::string& target) {
    switch (fault) {
    case ProxyFault::refused:
        return render(msg("proxy.refused", {{"proxy", proxy.display()}, {"target", target}}));
    case ProxyFault::timed_out:
        return render(msg("proxy.timed_out",
                          {{"proxy", proxy.display()}, {"detail", detail}, {"target", target}}));
    case ProxyFault::unreachable:
        return render(msg("proxy.unreachable",
                          {{"proxy", proxy.display()}, {"detail", detail}, {"target", target}}));
    case ProxyFault::name:
        return render(msg("proxy.name_not_resolved", {{"detail", detail}, {"target", target}}));
    case ProxyFault::other:
        break;
    }
    return render(msg("proxy.cannot_be_reached",
                      {{"proxy", proxy.display()}, {"detail", detail}, {"target", target}}));
}

std::string no_proxy_reason(const ProxyConfig& proxy, const std::string& host) {
    if (!proxy.configured()) return render(msg("proxy.none_configured"));
    if (proxy.bypassed_for(host))
        return render(msg("proxy.bypassed", {{"no_proxy", joined(proxy.no_proxy, ",")},
                                             {"proxy", proxy.display()},
                                             {"host", host}}));
    return "";
}

} // namespace pf
