#include "net/http_digest.hpp"
#include "base/text.hpp"
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdexcept>

namespace pf {

namespace {

std::string hex(const unsigned char* bytes, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string h;
    for (std::size_t i = 0; i < n; ++i) {
        h += digits[bytes[i] >> 4];
        h += digits[bytes[i] & 15];
    }
    return h;
}

std::string hex_digest(const EVP_MD* md, const std::string& text) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(text.data(), text.size(), out, &len, md, nullptr) != 1)
        throw std::runtime_error("digest failed");
    return hex(out, len);
}

std::string param(const DigestChallenge& c, const std::string& name) {
    auto it = c.params.find(name);
    return it == c.params.end() ? std::string() : it->second;
}

} // namespace

std::string digest_cnonce() {
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        throw std::runtime_error("no random bytes for the Digest client nonce");
    return hex(raw, sizeof raw);
}

std::optional<DigestChallenge> parse_digest_challenge(std::string_view v) {
    if (v.size() < 7 || lower(std::string(v.substr(0, 7))) != "digest ") return std::nullopt;
    DigestChallenge c;
    std::size_t at = 7;
    // name=token or name="quoted", separated by commas (RFC 9110 11.2).
    while (at < v.size()) {
        while (at < v.size() && (v[at] == ' ' || v[at] == ',' || v[at] == '\t'))
            ++at;
        auto eq = v.find('=', at);
        if (eq == std::string_view::npos) break;
        std::string name = lower(std::string(v.substr(at, eq - at)));
        std::string value;
        at = eq + 1;
        if (at < v.size() && v[at] == '"') {
            for (++at; at < v.size() && v[at] != '"'; ++at) {
                if (v[at] == '\\' && at + 1 < v.size()) ++at;
                value += v[at];
            }
            ++at;
        } else {
            auto end = v.find(',', at);
            value = std::string(v.substr(at, end == std::string_view::npos ? v.npos : end - at));
            while (!value.empty() && value.back() == ' ')
                value.pop_back();
            at = end == std::string_view::npos ? v.size() : end;
        }
        c.params[name] = value;
    }
    std::string algorithm = lower(param(c, "algorithm"));
    if (param(c, "nonce").empty() ||
        !(algorithm.empty() || algorithm == "md5" || algorithm == "md5-sess" ||
          algorithm == "sha-256" || algorithm == "sha-256-sess"))
        return std::nullopt;
    return c;
}

std::string digest_authorization(const DigestChallenge& c, const std::string& user,
                                 const std::string& password, const std::string& method,
                                 const std::string& uri, const std::string& cnonce) {
    std::string algorithm = param(c, "algorithm");
    std::string alg = lower(algorithm);
    const EVP_MD* md = alg.rfind("sha-256", 0) == 0 ? EVP_sha256() : EVP_md5();
    std::string realm = param(c, "realm"), nonce = param(c, "nonce");
    std::string ha1 = hex_digest(md, user + ":" + realm + ":" + password);
    if (alg.size() > 5 && alg.substr(alg.size() - 5) == "-sess")
        ha1 = hex_digest(md, ha1 + ":" + nonce + ":" + cnonce);
    std::string ha2 = hex_digest(md, method + ":" + uri);
    // qop "auth" when offered (a list such as "auth,auth-int"); none: RFC 2069.
    bool qop = false;
    for (std::string q = lower(param(c, "qop")); !q.empty();) {
        auto comma = q.find(',');
        std::string item = q.substr(0, comma);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        qop = qop || item == "auth";
        q = comma == std::string::npos ? "" : q.substr(comma + 1);
    }
    const std::string nc = "00000001";
    std::string response =
        qop ? hex_digest(md, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2)
            : hex_digest(md, ha1 + ":" + nonce + ":" + ha2);
    auto quoted = [](const std::string& s) {
        std::string out = "\"";
        for (char ch : s) {
            if (ch == '"' || ch == '\\') out += '\\';
            out += ch;
        }
        return out + "\"";
    };
    std::string h = "Digest username=" + quoted(user) + ", realm=" + quoted(realm) +
                    ", nonce=" + quoted(nonce) + ", uri=" + quoted(uri) +
                    ", response=" + quoted(response);
    if (!algorithm.empty()) h += ", algorithm=" + algorithm;
    if (qop) h += ", qop=auth, nc=" + nc + ", cnonce=" + quoted(cnonce);
    if (auto opaque = param(c, "opaque"); !opaque.empty()) h += ", opaque=" + quoted(opaque);
    return h;
}

} // namespace pf
