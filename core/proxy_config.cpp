#include "core/proxy_config.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/param_types.hpp"
#include "base/text.hpp"
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <sstream>

namespace pf {

// Proxy URLs in the wild percent-encode '@' and ':' in credentials.
static std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() &&
            std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

ProxyConfig parse_proxy_url(const std::string& url, const std::string& origin,
                            bool allow_password) {
    ProxyConfig p;
    p.origin = origin;
    std::string rest = url;
    auto scheme = rest.find("://");
    if (scheme != std::string::npos) {
        auto s = lower(rest.substr(0, scheme));
        if (s != "http")
            throw InputError(origin + ": " + render(msg("input.proxy_scheme", {{"scheme", s}})));
        rest = rest.substr(scheme + 3);
    }
    if (!rest.empty() && rest.back() == '/') rest.pop_back();
    if (rest.find('/') != std::string::npos)
        throw InputError(origin + ": " + render(msg("input.proxy_path")));
    auto at = rest.rfind('@');
    if (at != std::string::npos) {
        auto cred = rest.substr(0, at);
        rest = rest.substr(at + 1);
        auto colon = cred.find(':');
        p.user = percent_decode(cred.substr(0, colon));
        if (colon != std::string::npos) {
            if (!allow_password)
                throw InputError(origin + ": " + render(msg("input.proxy_password_in_url")));
            // The variable is the source: reports name it, as they name
            // env:NAME, and never show the URL's password.
            p.password = std::make_shared<const Secret>(percent_decode(cred.substr(colon + 1)),
                                                        "env:" + origin);
        }
    }
    std::string port = "8080";
    if (!rest.empty() && rest.front() == '[') {
        auto close = rest.find(']');
        if (close == std::string::npos)
            throw InputError(origin + ": " + render(msg("input.proxy_ipv6")));
        p.host = rest.substr(1, close - 1);
        if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
    } else {
        auto colon = rest.rfind(':');
        p.host = rest.substr(0, colon);
        if (colon != std::string::npos) port = rest.substr(colon + 1);
    }
    if (auto problem = validate_value(ParamType::host, p.host))
        throw InputError(
            origin + ": " +
            render(msg("input.proxy_host", {{"host", p.host}, {"expected", *problem}})));
    if (auto problem = validate_value(ParamType::port, port))
        throw InputError(origin + ": " +
                         render(msg("input.proxy_port", {{"port", port}, {"expected", *problem}})));
    p.port = static_cast<std::uint16_t>(std::stoi(port));
    return p;
}

std::vector<std::string> split_no_proxy(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream ss(list);
    for (std::string item; std::getline(ss, item, ',');) {
        item.erase(std::remove_if(item.begin(), item.end(),
                                  [](unsigned char c) { return std::isspace(c); }),
                   item.end());
        if (!item.empty()) out.push_back(lower(item));
    }
    return out;
}

ProxyConfig proxy_from_environment() {
    for (const char* name : {"HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"}) {
        const char* v = std::getenv(name);
        if (!v || !*v) continue;
        ProxyConfig p = parse_proxy_url(v, name, true);
        for (const char* np : {"NO_PROXY", "no_proxy"})
            if (const char* n = std::getenv(np)) {
                p.no_proxy = split_no_proxy(n);
                break;
            }
        return p;
    }
    return {};
}

bool ProxyConfig::bypassed_for(const std::string& target_host) const {
    auto host = lower(target_host);
    for (const auto& rule : no_proxy) {
        if (rule == "*") return true;
        auto bare = rule.front() == '.' ? rule.substr(1) : rule;
        if (host == bare) return true;
        if (host.size() > bare.size() &&
            host.compare(host.size() - bare.size(), bare.size(), bare) == 0 &&
            host[host.size() - bare.size() - 1] == '.')
            return true;
    }
    return false;
}

std::string ProxyConfig::display() const {
    if (!configured()) return "";
    return "http://" + (user.empty() ? "" : user + "@") + host_port(host, port);
}

} // namespace pf
