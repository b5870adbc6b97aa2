#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace pf {

// HTTP Digest authentication (RFC 7616) for CONNECT: the proxy's challenge
// read, and the Proxy-Authorization value that answers it.

struct DigestChallenge {
    std::map<std::string, std::string>
        params; // realm, nonce, qop, opaque, algorithm (lower-case names)
};

// From a Proxy-Authenticate value "Digest realm=…, nonce=…"; nullopt when it
// is not Digest, has no nonce, or names an algorithm other than MD5,
// MD5-sess, SHA-256 or SHA-256-sess.
std::optional<DigestChallenge> parse_digest_challenge(std::string_view value);

// The value after "Proxy-Authorization: " for method and uri ("CONNECT",
// "host:port"). cnonce: the client's nonce (random, the caller's).
std::string digest_authorization(const DigestChallenge& c, const std::string& user,
                                 const std::string& password, const std::string& method,
                                 const std::string& uri, const std::string& cnonce);

// A fresh client nonce: 16 random bytes in hex.
std::string digest_cnonce();

} // namespace pf
