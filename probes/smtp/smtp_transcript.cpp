#include "probes/smtp/smtp_transcript.hpp"
#include "base/catalog.hpp"
#include <algorithm>
#include <cctype>
#include <functional>
#include <openssl/crypto.h>
#include <sstream>

namespace pf {

namespace {

// A hostile server must not make the transcript grow without bound.
constexpr std::size_t max_steps = 200, max_reply_lines = 100, max_line = 512;

std::string upper(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

bool starts_with_verb(const std::string& command, const std::string& verb) {
    if (command.size() < verb.size()) return false;
    if (upper(command.substr(0, verb.size())) != upper(verb)) return false;
    return command.size() == verb.size() || command[verb.size()] == ' ';
}

void feed(std::string& partial, const char* data, std::size_t size,
          const std::function<void(std::string)>& line) {
    partial.append(data, size);
    std::size_t nl;
    while ((nl = partial.find('\n')) != std::string::npos) {
        std::string l = partial.substr(0, nl);
        partial.erase(0, nl + 1);
        if (!l.empty() && l.back() == '\r') l.pop_back();
        if (l.size() > max_line) l = l.substr(0, max_line) + "...";
        line(std::move(l));
    }
    if (partial.size() > 4 * max_line) partial.clear(); // a line that never ends
}

} // namespace

std::string SmtpReply::text() const {
    std::string out = code ? std::to_string(code) : render(msg("smtp.no_reply"));
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += (i ? " / " : " ") + lines[i];
    return out;
}

void SmtpTranscript::from_server(const char* data, std::size_t size) {
    feed(in_partial_, data, size, [this](std::string l) { server_line(std::move(l)); });
}

void SmtpTranscript::from_client(const char* data, std::size_t size) {
    feed(out_partial_, data, size, [this](std::string l) { client_line(std::move(l)); });
}

void SmtpTranscript::client_line(std::string line) {
    if (steps_.size() >= max_steps) return;
    SmtpStep s;
    s.in_tls = tls_;
    if (in_sasl_) {
        s.command = "(SASL response, redacted)";
        sasl_sent_.push_back(line);
    } else if (starts_with_verb(line, "AUTH")) {
        // "AUTH PLAIN <initial response>": keep the mechanism only.
        std::istringstream words(line);
        std::string verb, mechanism, initial;
        words >> verb >> mechanism >> initial;
        s.command =
            initial.empty()
                ? "AUTH " + mechanism
                : evidence_line(msg("smtp.auth_initial_redacted", {{"mechanism", mechanism}}));
        if (!initial.empty()) sasl_sent_.push_back(initial);
        in_sasl_ = true;
    } else {
        s.command = std::move(line);
    }
    steps_.push_back(std::move(s));
}

void SmtpTranscript::forget_sasl() {
    for (auto& s : sasl_sent_)
        OPENSSL_cleanse(s.data(), s.size());
    sasl_sent_.clear();
}

void SmtpTranscript::server_line(std::string line) {
    // "=" alone (an empty response) or a one-letter one would mask ordinary text.
    for (const auto& sent : sasl_sent_)
        if (sent.size() >= 4)
            for (auto at = line.find(sent); at != std::string::npos; at = line.find(sent, at + 4))
                line.replace(at, sent.size(), "****");
    auto open =
        std::find_if(steps_.begin(), steps_.end(), [](const SmtpStep& s) { return !s.complete; });
    if (open == steps_.end()) {
        // The greeting, or a reply nobody asked for (421 before closing).
        if (steps_.size() >= max_steps) return;
        SmtpStep s;
        s.in_tls = tls_;
        // After "354" the client sent the message (DATA_OUT, not kept): this
        // reply is the verdict on it.
        if (!steps_.empty() && starts_with_verb(steps_.back().command, "DATA") &&
            steps_.back().reply.code == 354)
            s.command = "(message)";
        steps_.push_back(std::move(s));
        open = steps_.end() - 1;
    }
    SmtpReply& r = open->reply;
    bool coded = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                 std::isdigit(static_cast<unsigned char>(line[1])) &&
                 std::isdigit(static_cast<unsigned char>(line[2])) &&
                 (line.size() == 3 || line[3] == ' ' || line[3] == '-');
    if (!coded) {
        // Not SMTP (an HTTP or SSH server on the port, say): keep the words.
        r.lines.push_back(line);
        open->complete = true;
        return;
    }
    r.code = std::stoi(line.substr(0, 3));
    if (r.lines.size() < max_reply_lines) r.lines.push_back(line.size() > 4 ? line.substr(4) : "");
    open->complete = line.size() <= 3 || line[3] == ' ';
    if (!open->complete) return;
    if (starts_with_verb(open->command, "STARTTLS") && r.code == 220) tls_ = true;
    if (in_sasl_ && r.code != 334) {
        in_sasl_ = false;
        forget_sasl();
    }
}

std::vector<std::string> SmtpTranscript::lines() const {
    std::vector<std::string> out;
    bool tls = false;
    for (const auto& s : steps_) {
        if (s.in_tls && !tls) out.push_back(evidence_line(msg("smtp.transcript_tls")));
        tls = s.in_tls;
        if (!s.command.empty())
            out.push_back(evidence_line(msg("smtp.transcript_client", {{"line", s.command}})));
        for (std::size_t i = 0; i < s.reply.lines.size(); ++i) {
            bool last = i + 1 == s.reply.lines.size() && s.complete;
            out.push_back(evidence_line(
                msg("smtp.transcript_server",
                    {{"line", (s.reply.code ? std::to_string(s.reply.code) + (last ? " " : "-")
                                            : std::string()) +
                                  s.reply.lines[i]}})));
        }
    }
    return out;
}

const SmtpStep* SmtpTranscript::greeting() const {
    if (steps_.empty() || !steps_.front().command.empty()) return nullptr;
    return &steps_.front();
}

const SmtpStep* SmtpTranscript::last(const std::string& verb) const {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it)
        if (starts_with_verb(it->command, verb)) return &*it;
    return nullptr;
}

const SmtpStep* SmtpTranscript::ehlo(bool before_tls) const {
    for (const auto& s : steps_)
        if (starts_with_verb(s.command, "EHLO") && s.reply.code == 250 && s.in_tls != before_tls)
            return &s;
    return nullptr;
}

std::vector<std::string> ehlo_capabilities(const SmtpStep& ehlo) {
    if (ehlo.reply.lines.size() < 2) return {};
    return {ehlo.reply.lines.begin() + 1, ehlo.reply.lines.end()};
}

bool offers(const std::vector<std::string>& caps, const std::string& keyword) {
    for (const auto& c : caps)
        if (starts_with_verb(c, keyword)) return true;
    return false;
}

std::vector<std::string> auth_mechanisms(const std::vector<std::string>& caps) {
    std::vector<std::string> out;
    for (const auto& c : caps) {
        auto u = upper(c);
        if (u.rfind("AUTH", 0) != 0 || u.size() < 5 || (u[4] != ' ' && u[4] != '=')) continue;
        std::istringstream words(u.substr(5));
        for (std::string m; words >> m;)
            if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
    }
    return out;
}

std::string join_words(const std::vector<std::string>& words, const std::string& sep) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : sep) + w;
    return out;
}

} // namespace pf
