#pragma once
// The Authorization header value a client sends for Basic credentials, for
// servers in tests that accept exactly one user (nginx: `if
// ($http_authorization = "…")`).
#include <openssl/evp.h>
#include <string>

namespace pft {

inline std::string basic_authorization(const std::string& user, const std::string& password) {
    std::string in = user + ":" + password;
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(in.data()), int(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

} // namespace pft
