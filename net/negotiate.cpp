#include "net/negotiate.hpp"
#include "base/text.hpp"

namespace pf {

std::string negotiate_service_principal(const std::string& host) {
    return "HTTP/" + host;
}

NegotiateStep NegotiateClient::step(const std::string& server_token) {
    auto bytes = unbase64(server_token);
    if (!bytes || bytes->empty()) {
        NegotiateStep s;
        s.reason = Reason::kerberos_failed;
        s.detail = "the proxy's Negotiate token is not base64";
        return s;
    }
    return continue_with(*bytes);
}

} // namespace pf
