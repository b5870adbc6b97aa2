#pragma once
#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pf {

// NTLM authentication to a proxy (MS-NLMP, NTLMv2 responses): the three
// messages a CONNECT carries in Proxy-Authorization. Enterprise proxies that
// authenticate against Active Directory often offer only NTLM and
// Negotiate; the tunnel speaks it itself so that every CONNECT is ours.

// The NEGOTIATE message, base64: "NTLM " + this opens the exchange.
std::string ntlm_negotiate();

// What the proxy's CHALLENGE message holds for the answer.
struct NtlmChallenge {
    std::array<unsigned char, 8> server_challenge{};
    std::uint32_t flags = 0;
    std::string target_info; // AV pairs, as sent
};
// From the base64 token of "Proxy-Authenticate: NTLM <token>"; nullopt when
// it is no CHALLENGE message (or its fields point outside it).
std::optional<NtlmChallenge> ntlm_parse_challenge(std::string_view base64_token);

// The AUTHENTICATE message, base64. user may be "DOMAIN\user". The client
// challenge and time are the caller's (random and now), so that the
// computation can be checked against the specification's example.
struct NtlmClient {
    std::array<unsigned char, 8> client_challenge{};
    std::uint64_t filetime = 0; // 100 ns since 1601-01-01 (Windows FILETIME)
};
std::string ntlm_authenticate(const NtlmChallenge& c, const std::string& user,
                              const std::string& password, const NtlmClient& client);
// A time as Windows FILETIME.
std::uint64_t ntlm_filetime(std::chrono::system_clock::time_point t);
// With a random client challenge and the current time.
std::string ntlm_authenticate(const NtlmChallenge& c, const std::string& user,
                              const std::string& password);

// The parts, exposed for the specification's test vectors (MS-NLMP 4.2.4).
std::array<unsigned char, 16> md4(std::string_view bytes);
std::string utf16le(std::string_view utf8);
// NTOWFv2: HMAC-MD5 of MD4(password) over upper-case user and domain.
std::array<unsigned char, 16> ntlm_v2_key(const std::string& user, const std::string& domain,
                                          const std::string& password);
// NTProofStr followed by the blob (time, client challenge, target info).
std::string ntlm_v2_response(const std::array<unsigned char, 16>& key, const NtlmChallenge& c,
                             const NtlmClient& client);

} // namespace pf
