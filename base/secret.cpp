#include "base/secret.hpp"
#include "base/text.hpp"
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace pf {

Secret::Secret(std::string value, std::string source)
    : value_(std::move(value)), source_(std::move(source)) {}

Secret::~Secret() {
    // The capacity, not only the size: a string that shrank keeps the old
    // characters past its end.
    if (value_.capacity()) OPENSSL_cleanse(value_.data(), value_.capacity());
}

// Replacing a password's text wherever it occurs tells the reader what it
// was when it is an ordinary word: with the password "the", "**** DN does
// not exist or **** password is wrong" gives it away and garbles the verdict.
// preflight's own sentences never hold a secret (probes see only sources and
// reveal() feeds protocols, never messages), so the scrub is a last resort
// for a server that echoes what it was sent, and it only removes what cannot
// be a word of ours: eight characters or more mixing at least three of
// lower case, upper case, digits and other characters (the complexity Active
// Directory demands of account passwords by default), or 24 characters or
// more (a passphrase or a generated secret; preflight's words and
// identifiers are shorter). A weaker password echoed by a server stays in
// that server's quoted text, where it is indistinguishable from the words
// around it, rather than being pointed at by a mask.
bool Secret::distinctive() const {
    if (value_.size() >= 24) return true;
    if (value_.size() < 8) return false;
    bool lower = false, upper = false, digit = false, other = false;
    for (unsigned char c : value_) {
        if (c >= 'a' && c <= 'z')
            lower = true;
        else if (c >= 'A' && c <= 'Z')
            upper = true;
        else if (c >= '0' && c <= '9')
            digit = true;
        else
            other = true;
    }
    return lower + upper + digit + other >= 3;
}

namespace {

void replace_all(std::string& text, const std::string& what) {
    if (what.empty()) return;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 4))
        text.replace(at, what.size(), "****");
}

// The unpadded base64 of the password alone, as AUTH LOGIN sends it.
std::string base64_body(const std::string& bytes) {
    std::string out = base64(bytes);
    while (!out.empty() && out.back() == '=')
        out.pop_back();
    return out;
}

} // namespace

void redact(std::string& text, const Secret& s) {
    if (s.empty() || !s.distinctive()) return;
    replace_all(text, s.reveal());
    std::string encoded = base64_body(s.reveal());
    // Short encodings would match inside certificate pins and other base64.
    if (encoded.size() >= 12) replace_all(text, encoded);
    OPENSSL_cleanse(encoded.data(), encoded.size());
}

} // namespace pf
