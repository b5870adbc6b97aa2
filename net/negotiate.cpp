#include "net/negotiate.hpp"
#include "base/catalog.hpp"
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
        s.detail = part(msg("proxy.negotiate_token_not_base64")).text;
        return s;
    }
    return continue_with(*bytes);
}

} // namespace pf
