#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace pf {

// One SMTP reply (RFC 5321 section 4.2): a code and its lines of text, the
// "250-" continuation prefixes removed.
struct SmtpReply {
    int code = 0; // 0: nothing arrived, or the line was not an SMTP reply
    std::vector<std::string> lines;
    // "554 5.7.1 no access", continuation lines joined with " / ".
    std::string text() const;
};

// A command and the reply to it; the greeting is a step with no command.
struct SmtpStep {
    std::string command; // as sent, credentials redacted
    SmtpReply reply;
    bool complete = false; // the reply's last line arrived
    bool in_tls = false;   // sent (or the greeting received) inside TLS
};

// The exchange as both sides' lines went by (libcurl's HEADER_IN/HEADER_OUT
// debug data), kept as evidence. Credentials never enter it: from "AUTH" to
// the end of the SASL exchange every line the client sends is replaced, so
// neither the base64 user/password nor an initial response is stored.
class SmtpTranscript {
  public:
    explicit SmtpTranscript(bool implicit_tls = false) : tls_(implicit_tls) {}
    ~SmtpTranscript() { forget_sasl(); }
    SmtpTranscript(const SmtpTranscript&) = default;
    SmtpTranscript& operator=(const SmtpTranscript&) = default;

    void from_server(const char* data, std::size_t size);
    void from_client(const char* data, std::size_t size);

    const std::vector<SmtpStep>& steps() const { return steps_; }
    // "S: 220 ..." / "C: EHLO ..." lines, with "(TLS)" marking where
    // encryption began.
    std::vector<std::string> lines() const;

    // The greeting (a step with no command), or null.
    const SmtpStep* greeting() const;
    // The last step whose command starts with verb (case-insensitive).
    const SmtpStep* last(const std::string& verb) const;
    // The EHLO answered with 250 outside TLS (before == true) or inside it.
    const SmtpStep* ehlo(bool before_tls) const;
    bool saw_tls() const { return tls_; }

  private:
    void client_line(std::string line);
    void server_line(std::string line);
    void forget_sasl();
    std::vector<SmtpStep> steps_;
    std::string in_partial_, out_partial_;
    bool tls_ = false;
    bool in_sasl_ = false;
    // What the client sent during the SASL exchange (base64 credentials),
    // held only until its final reply: a server quoting it back ("535 bad
    // login AHN2Yw...") has the quote masked, whatever the password is.
    std::vector<std::string> sasl_sent_;
};

// The EHLO keywords after the greeting line ("STARTTLS", "AUTH PLAIN LOGIN").
std::vector<std::string> ehlo_capabilities(const SmtpStep& ehlo);
bool offers(const std::vector<std::string>& caps, const std::string& keyword);
// The SASL mechanisms of "AUTH ..." (and the old "AUTH=..." form).
std::vector<std::string> auth_mechanisms(const std::vector<std::string>& caps);

std::string join_words(const std::vector<std::string>& words, const std::string& sep);

} // namespace pf
