// NTLM's computations against the test vectors of their specifications:
// RFC 1320 for MD4, MS-NLMP section 4.2 for the NTLMv2 keys and responses.
#include "base/text.hpp"
#include "net/ntlm.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace {

std::string hex(const std::string& s) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : s) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}
template <std::size_t N> std::string hex(const std::array<unsigned char, N>& a) {
    return hex(std::string(reinterpret_cast<const char*>(a.data()), N));
}

// MS-NLMP 4.2.1: user "User", domain "Domain", password "Password", server
// challenge 0123456789abcdef, client challenge aa…, time 0, and the AV pairs
// NetBIOS domain "Domain" and NetBIOS computer "Server".
NtlmChallenge spec_challenge() {
    NtlmChallenge c;
    c.server_challenge = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
    c.target_info = std::string("\x02\x00\x0c\x00", 4) + utf16le("Domain") +
                    std::string("\x01\x00\x0c\x00", 4) + utf16le("Server") + std::string(4, '\0');
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ntlm)

BOOST_AUTO_TEST_CASE(md4_matches_rfc_1320) {
    BOOST_TEST(hex(md4("")) == "31d6cfe0d16ae931b73c59d7e0c089c0");
    BOOST_TEST(hex(md4("a")) == "bde52cb31de33e46245e05fbdbd6fb24");
    BOOST_TEST(hex(md4("abc")) == "a448017aaf21d8525fc10ae87aa6729d");
    BOOST_TEST(hex(md4("message digest")) == "d9130a8164549fe818874806e1c7014b");
    BOOST_TEST(hex(md4("12345678901234567890123456789012345678901234567890123456789012345678901"
                       "234567890")) == "e33b4ddc9c38f2199c3e7b164fcc0536");
}

BOOST_AUTO_TEST_CASE(the_keys_and_the_proof_match_ms_nlmp) {
    BOOST_TEST(hex(md4(utf16le("Password"))) == "a4f49c406510bdcab6824ee7c30fd852");
    auto key = ntlm_v2_key("User", "Domain", "Password");
    BOOST_TEST(hex(key) == "0c868a403bfd7a93a3001ef22ef02e3f");
    NtlmClient client;
    client.client_challenge.fill(0xaa);
    auto response = ntlm_v2_response(key, spec_challenge(), client);
    BOOST_TEST(hex(response.substr(0, 16)) == "68cd0ab851e51c96aabc927bebef6a1c");
}

BOOST_AUTO_TEST_CASE(a_challenge_is_read_and_nonsense_refused) {
    // A CHALLENGE message: signature, type 2, no target name, flags with
    // target info, the server challenge, and the AV pairs after the header.
    auto c = spec_challenge();
    std::string m = std::string("NTLMSSP\0", 8) + std::string("\x02\0\0\0", 4) +
                    std::string("\0\0\0\0\x30\0\0\0", 8) + std::string("\x05\x02\x89\x00", 4) +
                    std::string(reinterpret_cast<const char*>(c.server_challenge.data()), 8) +
                    std::string(8, '\0');
    m += static_cast<char>(c.target_info.size());
    m += '\0';
    m += static_cast<char>(c.target_info.size());
    m += '\0';
    m += std::string("\x30\0\0\0", 4);
    m += c.target_info;
    auto got = ntlm_parse_challenge(base64(m));
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(got->target_info == c.target_info);
    BOOST_TEST(hex(got->server_challenge) == "0123456789abcdef");
    // Target info pointing past the end, a NEGOTIATE instead, and not base64.
    std::string past = m;
    past[44] = '\x7f';
    BOOST_TEST(!ntlm_parse_challenge(base64(past)).has_value());
    std::string type1 = m;
    type1[8] = '\x01';
    BOOST_TEST(!ntlm_parse_challenge(base64(type1)).has_value());
    BOOST_TEST(!ntlm_parse_challenge("not*base64").has_value());
}

// The span since 1601 overflows 64-bit nanoseconds: the time sent must be
// computed without them (UBSan caught the overflow; the value was garbage).
BOOST_AUTO_TEST_CASE(filetime_counts_100_ns_since_1601) {
    using std::chrono::system_clock;
    BOOST_TEST(ntlm_filetime(system_clock::time_point{}) == 116444736000000000ULL);
    // 2026-01-01T00:00:00Z
    auto t = system_clock::time_point{std::chrono::seconds(1767225600)};
    BOOST_TEST(ntlm_filetime(t) == 116444736000000000ULL + 17672256000000000ULL);
}

BOOST_AUTO_TEST_SUITE_END()
