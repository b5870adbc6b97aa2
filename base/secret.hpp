#pragma once
#include <memory>
#include <string>

namespace pf {

// A password read from its source (env:NAME, file:PATH, prompt), owned in
// one place for the run. It has no conversion to std::string: the only way
// to its text is reveal(), called where a protocol has to send it (libldap's
// bind, curl's CURLOPT_PASSWORD, a Proxy-Authorization header, PKCS12_parse).
// Copies are not possible; holders share it through SecretRef, and the text
// is wiped when the last one lets go.
class Secret {
  public:
    Secret(std::string value, std::string source);
    ~Secret();
    Secret(const Secret&) = delete;
    Secret& operator=(const Secret&) = delete;

    const std::string& reveal() const { return value_; }
    // Where it came from ("env:LDAP_PW", "file:/etc/pw", "prompt"): what
    // reports show in its place.
    const std::string& source() const { return source_; }
    bool empty() const { return value_.empty(); }

    // True when the text is distinctive enough that removing it from a
    // sentence can never remove one of preflight's own words (see secret.cpp).
    bool distinctive() const;

  private:
    std::string value_;
    std::string source_;
};

using SecretRef = std::shared_ptr<const Secret>;

// The text with every occurrence of the secret, and of the base64 form a
// protocol may have sent it in, replaced by "****" — only when the secret is
// distinctive(); otherwise the text is returned as it is.
void redact(std::string& text, const Secret& s);

} // namespace pf
