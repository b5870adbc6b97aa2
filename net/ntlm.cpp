#include "net/ntlm.hpp"
#include "base/text.hpp"
#include <chrono>
#include <cstring>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace pf {

namespace {

constexpr char signature[] = "NTLMSSP"; // with its NUL: 8 bytes
constexpr std::uint32_t negotiate_unicode = 0x00000001, negotiate_oem = 0x00000002,
                        request_target = 0x00000004, negotiate_ntlm = 0x00000200,
                        always_sign = 0x00008000, extended_session_security = 0x00080000,
                        negotiate_target_info = 0x00800000;

void put16(std::string& out, std::uint16_t v) {
    out += static_cast<char>(v & 0xff);
    out += static_cast<char>(v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        out += static_cast<char>((v >> (8 * i)) & 0xff);
}
std::uint32_t get32(std::string_view in, std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i)
        v = v << 8 | static_cast<unsigned char>(in[at + i]);
    return v;
}
std::uint16_t get16(std::string_view in, std::size_t at) {
    return static_cast<std::uint16_t>(static_cast<unsigned char>(in[at]) |
                                      static_cast<unsigned char>(in[at + 1]) << 8);
}

std::array<unsigned char, 16> hmac_md5(const unsigned char* key, std::size_t key_len,
                                       std::string_view data) {
    std::array<unsigned char, 16> out{};
    unsigned int len = 0;
    if (!HMAC(EVP_md5(), key, static_cast<int>(key_len),
              reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len))
        throw std::runtime_error("HMAC-MD5 failed");
    return out;
}

std::string bytes(const unsigned char* p, std::size_t n) {
    return std::string(reinterpret_cast<const char*>(p), n);
}

std::uint32_t rotl(std::uint32_t x, int s) {
    return x << s | x >> (32 - s);
}

} // namespace

// RFC 1320, written from the specification: OpenSSL 3 keeps MD4 in its
// legacy provider, which installations need not ship.
std::array<unsigned char, 16> md4(std::string_view in) {
    std::uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::string m(in);
    std::uint64_t bit_len = static_cast<std::uint64_t>(in.size()) * 8;
    m += static_cast<char>(0x80);
    while (m.size() % 64 != 56)
        m += '\0';
    for (int i = 0; i < 8; ++i)
        m += static_cast<char>((bit_len >> (8 * i)) & 0xff);
    static const int order2[16] = {0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15};
    static const int order3[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
    static const int shifts[3][4] = {{3, 7, 11, 19}, {3, 5, 9, 13}, {3, 9, 11, 15}};
    for (std::size_t block = 0; block < m.size(); block += 64) {
        std::uint32_t x[16];
        for (int i = 0; i < 16; ++i)
            x[i] = get32(m, block + 4 * i);
        std::uint32_t v[4] = {h[0], h[1], h[2], h[3]};
        for (int round = 0; round < 3; ++round) {
            for (int j = 0; j < 16; ++j) {
                // The word updated cycles a, d, c, b; the others follow it.
                int t = (4 - j % 4) % 4;
                std::uint32_t b = v[(t + 1) % 4], c = v[(t + 2) % 4], d = v[(t + 3) % 4];
                std::uint32_t f = 0, k = 0;
                if (round == 0) {
                    f = (b & c) | (~b & d);
                    k = x[j];
                } else if (round == 1) {
                    f = (b & c) | (b & d) | (c & d);
                    k = x[order2[j]] + 0x5a827999;
                } else {
                    f = b ^ c ^ d;
                    k = x[order3[j]] + 0x6ed9eba1;
                }
                v[t] = rotl(v[t] + f + k, shifts[round][j % 4]);
            }
        }
        for (int i = 0; i < 4; ++i)
            h[i] += v[i];
    }
    std::array<unsigned char, 16> out{};
    for (int i = 0; i < 16; ++i)
        out[i] = static_cast<unsigned char>((h[i / 4] >> (8 * (i % 4))) & 0xff);
    return out;
}

std::string utf16le(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = c;
        int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
        if (extra) cp = c & (0x3f >> extra);
        ++i;
        for (int k = 0; k < extra && i < s.size(); ++k, ++i)
            cp = cp << 6 | (static_cast<unsigned char>(s[i]) & 0x3f);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            put16(out, static_cast<std::uint16_t>(0xd800 | (cp >> 10)));
            put16(out, static_cast<std::uint16_t>(0xdc00 | (cp & 0x3ff)));
        } else {
            put16(out, static_cast<std::uint16_t>(cp));
        }
    }
    return out;
}

std::string ntlm_negotiate() {
    std::string m(signature, sizeof signature);
    put32(m, 1);
    put32(m, negotiate_unicode | negotiate_oem | request_target | negotiate_ntlm | always_sign |
                 extended_session_security);
    m.append(16, '\0'); // no domain, no workstation
    return base64(m);
}

std::optional<NtlmChallenge> ntlm_parse_challenge(std::string_view token) {
    auto m = unbase64(token);
    if (!m || m->size() < 32 || std::memcmp(m->data(), signature, sizeof signature) != 0 ||
        get32(*m, 8) != 2)
        return std::nullopt;
    NtlmChallenge c;
    c.flags = get32(*m, 20);
    std::memcpy(c.server_challenge.data(), m->data() + 24, 8);
    if ((c.flags & negotiate_target_info) && m->size() >= 48) {
        std::size_t len = get16(*m, 40), at = get32(*m, 44);
        if (at > m->size() || len > m->size() - at) return std::nullopt;
        c.target_info = m->substr(at, len);
    }
    return c;
}

std::array<unsigned char, 16> ntlm_v2_key(const std::string& user, const std::string& domain,
                                          const std::string& password) {
    auto nt_hash = md4(utf16le(password));
    std::string upper = user;
    for (char& ch : upper)
        if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
    return hmac_md5(nt_hash.data(), nt_hash.size(), utf16le(upper + domain));
}

std::string ntlm_v2_response(const std::array<unsigned char, 16>& key, const NtlmChallenge& c,
                             const NtlmClient& client) {
    std::string blob = std::string("\x01\x01", 2) + std::string(6, '\0');
    for (int i = 0; i < 8; ++i)
        blob += static_cast<char>((client.filetime >> (8 * i)) & 0xff);
    blob += bytes(client.client_challenge.data(), 8);
    blob += std::string(4, '\0') + c.target_info + std::string(4, '\0');
    auto proof = hmac_md5(key.data(), key.size(), bytes(c.server_challenge.data(), 8) + blob);
    return bytes(proof.data(), proof.size()) + blob;
}

std::string ntlm_authenticate(const NtlmChallenge& c, const std::string& user_spec,
                              const std::string& password, const NtlmClient& client) {
    std::string domain, user = user_spec;
    if (auto slash = user_spec.find('\\'); slash != std::string::npos) {
        domain = user_spec.substr(0, slash);
        user = user_spec.substr(slash + 1);
    }
    auto key = ntlm_v2_key(user, domain, password);
    std::string nt = ntlm_v2_response(key, c, client);
    std::string challenges =
        bytes(c.server_challenge.data(), 8) + bytes(client.client_challenge.data(), 8);
    auto lm_proof = hmac_md5(key.data(), key.size(), challenges);
    std::string lm =
        bytes(lm_proof.data(), lm_proof.size()) + bytes(client.client_challenge.data(), 8);
    std::string fields[] = {lm, nt, utf16le(domain), utf16le(user), std::string()};
    std::string m(signature, sizeof signature);
    put32(m, 3);
    std::uint32_t offset = 64;
    for (const auto& f : fields) {
        put16(m, static_cast<std::uint16_t>(f.size()));
        put16(m, static_cast<std::uint16_t>(f.size()));
        put32(m, offset);
        offset += static_cast<std::uint32_t>(f.size());
    }
    put16(m, 0); // no session key
    put16(m, 0);
    put32(m, offset);
    put32(m, negotiate_unicode | request_target | negotiate_ntlm | always_sign |
                 extended_session_security | (c.flags & negotiate_target_info));
    for (const auto& f : fields)
        m += f;
    return base64(m);
}

std::uint64_t ntlm_filetime(std::chrono::system_clock::time_point t) {
    // 100 ns units since 1601. In nanoseconds the span since 1601 does not
    // fit 64 bits, so it is counted in FILETIME's own unit.
    using Ticks = std::chrono::duration<std::int64_t, std::ratio<1, 10'000'000>>;
    auto since_1601 = std::chrono::duration_cast<Ticks>(t.time_since_epoch()) +
                      Ticks(std::chrono::seconds(11644473600LL));
    return static_cast<std::uint64_t>(since_1601.count());
}

std::string ntlm_authenticate(const NtlmChallenge& c, const std::string& user,
                              const std::string& password) {
    NtlmClient client;
    if (RAND_bytes(client.client_challenge.data(), 8) != 1)
        throw std::runtime_error("no random bytes for the NTLM client challenge");
    client.filetime = ntlm_filetime(std::chrono::system_clock::now());
    return ntlm_authenticate(c, user, password, client);
}

} // namespace pf
