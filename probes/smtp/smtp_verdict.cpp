#include "probes/smtp/smtp_verdict.hpp"
#include "base/text.hpp"
#include "net/probe_util.hpp"
#include "net/tcp_connect.hpp"
#include "pki/interception.hpp"
#include "probes/tls/tls_report.hpp"
#include <asio/error.hpp>
#include <cctype>

namespace pf {

std::string SmtpPlan::where() const {
    return host_port(host, port);
}

namespace {

bool mentions(const SmtpReply& r, const std::string& word) {
    std::string text = r.text();
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text.find(word) != std::string::npos;
}

// The final reply of the SASL exchange that began with the last AUTH.
const SmtpStep* auth_outcome(const SmtpTranscript& t) {
    const SmtpStep* last = nullptr;
    for (const auto& s : t.steps()) {
        if (s.command.rfind("AUTH ", 0) == 0)
            last = &s;
        else if (last && s.command.rfind("(SASL", 0) == 0)
            last = &s;
        else if (last)
            break;
    }
    return last;
}

// A failed connect as the tcp probe classifies it.
ConnectOutcome connect_outcome(const SmtpPlan& p, const SmtpSession& s) {
    ConnectOutcome o;
    std::error_code ec;
    auto address = asio::ip::make_address(s.address, ec);
    if (ec && !p.addresses.empty()) address = p.addresses.front();
    o.endpoint = asio::ip::tcp::endpoint(address, p.port);
    o.ms = s.ms;
    o.detail = s.error;
    // asio's error values are the platform's (errno here, WSA codes on
    // Windows), as curl reports them.
    if (s.deadline_passed || s.os_errno == asio::error::timed_out)
        o.kind = ConnectOutcome::Kind::timed_out;
    else if (s.os_errno == asio::error::connection_refused)
        o.kind = ConnectOutcome::Kind::refused;
    else if (s.os_errno == asio::error::host_unreachable ||
             s.os_errno == asio::error::network_unreachable)
        o.kind = ConnectOutcome::Kind::unreachable;
    else
        o.kind = ConnectOutcome::Kind::error;
    return o;
}

std::string must_use_tls(const std::string& where) {
    return where +
           " accepts mail only over TLS: enable TLS (STARTTLS) in the Cloud Connector's SMTP "
           "settings (here: starttls=require)";
}

std::string needs_auth(const std::string& where) {
    return where + " accepts mail only from authenticated senders: set the service account's "
                   "user name and password in the Cloud Connector's SMTP settings (here: user "
                   "and password)";
}

// A 530 to MAIL or RCPT: TLS first, or authentication first.
std::pair<Reason, std::string> diagnose_530(const SmtpPlan& p, const SmtpStep& step) {
    if (!step.in_tls || mentions(step.reply, "starttls") || mentions(step.reply, "tls"))
        return {Reason::tls_required, "530 must issue STARTTLS first: " + must_use_tls(p.where()) +
                                          " (" + step.reply.text() + ")"};
    return {Reason::smtp_auth_required, "530 authentication required: " + needs_auth(p.where()) +
                                            " (" + step.reply.text() + ")"};
}

struct Judge {
    const SmtpPlan& p;
    const SmtpSession& s;
    ProbeResult r;
    std::vector<std::string> caps_before, caps_after;
    bool tls = false; // the session went on inside TLS

    ProbeResult fail(Reason why, std::string summary, Status st = Status::fail) {
        r.status = st;
        r.reason = why;
        r.summary = std::move(summary);
        return std::move(r);
    }

    void gather() {
        const auto& t = s.transcript;
        tls = t.saw_tls();
        if (s.connected && !s.address.empty())
            r.evidence.push_back("connected to " + s.address + " port " + std::to_string(p.port));
        if (const SmtpStep* e = t.ehlo(true)) {
            caps_before = ehlo_capabilities(*e);
            r.evidence.push_back("EHLO before TLS: " + join_words(caps_before, ", "));
            auto mechs = auth_mechanisms(caps_before);
            r.evidence.push_back(
                mechs.empty() ? "AUTH before TLS: not offered (good: no password can be sent "
                                "unencrypted)"
                              : "AUTH before TLS: " + join_words(mechs, " ") +
                                    " (a password could be sent unencrypted)");
        }
        if (const SmtpStep* e = t.ehlo(false)) {
            caps_after = ehlo_capabilities(*e);
            r.evidence.push_back(
                std::string(p.implicit_tls ? "EHLO inside TLS: " : "EHLO after STARTTLS: ") +
                join_words(caps_after, ", "));
            auto mechs = auth_mechanisms(caps_after);
            r.evidence.push_back("AUTH after TLS: " + (mechs.empty() ? std::string("not offered")
                                                                     : join_words(mechs, " ")));
        }
        if (!s.protocol.empty())
            r.evidence.push_back("TLS: " + s.protocol + (s.cipher.empty() ? "" : ", " + s.cipher));
        if (!s.chain.empty() && s.certificate) {
            TlsConnection c;
            c.chain = s.chain;
            add_chain_blocks(r, c, *s.certificate, p.where(), ProxyConfig{});
            r.evidence.insert(r.evidence.end(), s.certificate->evidence.begin(),
                              s.certificate->evidence.end());
            r.measurements.push_back(
                {"certificate days left", s.certificate->min_days_left, "days"});
        }
        auto lines = t.lines();
        if (!lines.empty())
            r.blocks.push_back({"SMTP transcript with " + p.where() + " (credentials redacted)",
                                std::move(lines)});
        r.measurements.push_back({"session", s.ms, "ms"});
    }

    // The tls probe's interception findings for the same chain.
    bool intercepted() {
        if (s.chain.empty() || !s.certificate || !p.tls) return false;
        InterceptionInput in;
        in.host = p.host;
        in.port = p.port;
        in.sent = s.chain;
        in.verdict = &*s.certificate;
        in.tls = p.tls;
        in.trust = s.trust.get();
        // An internal relay is normally certified by the organisation's own
        // CA, so a locally added root is expected, not a sign of inspection;
        // known inspection products and pins are still recognised.
        in.private_ca = true;
        Interception x = detect_interception(in);
        r.evidence.insert(r.evidence.end(), x.evidence.begin(), x.evidence.end());
        r.alert = x.alert;
        if (x.detected) r.summary = x.headline;
        return x.detected;
    }

    ProbeResult judge();
    std::optional<ProbeResult> certificate();
    std::optional<ProbeResult> greeting();
    std::optional<ProbeResult> encryption();
    std::optional<ProbeResult> authentication();
    std::optional<ProbeResult> transaction();
    ProbeResult success();
};

std::optional<ProbeResult> Judge::greeting() {
    const SmtpStep* g = s.transcript.greeting();
    std::string where = p.where();
    if (!g || g->reply.lines.empty()) {
        if (s.endless_line)
            return fail(Reason::protocol_error,
                        "not an SMTP server: " + where +
                            " sent more than 100 KiB without ending a line, where a 220 banner is "
                            "one short line (a service that is not SMTP, or a hostile one)");
        if (p.implicit_tls && !s.deadline_passed && !s.handshake_started)
            return fail(Reason::tls_handshake_failed, "no TLS session with " + where + ": " +
                                                          s.error + " (for port 25 or 587 use " +
                                                          p.use_tls_starttls +
                                                          "; implicit TLS is port 465)");
        if (p.implicit_tls && !s.handshake_started)
            return fail(Reason::timed_out,
                        "no TLS handshake: connected to " + where +
                            ", but the server did not answer the TLS handshake before the deadline "
                            "(for port 25 or 587 use " +
                            p.use_tls_starttls + "; implicit TLS is port 465)");
        if (s.deadline_passed)
            return fail(Reason::timed_out,
                        "no SMTP greeting: connected to " + where +
                            ", but the server sent no 220 banner before the deadline (not an SMTP "
                            "server, or an overloaded one, or a firewall holding the connection)");
        return fail(
            Reason::connection_closed,
            "no SMTP greeting: " + where +
                " closed the connection without a 220 banner (the server refuses this host, "
                "or the port is not SMTP)");
    }
    if (g->reply.code == 0)
        return fail(Reason::protocol_error, "not an SMTP server: " + where + " answered \"" +
                                                g->reply.lines.front() +
                                                "\" instead of a 220 banner");
    if (g->reply.code == 220) return std::nullopt;
    if (g->reply.code == 421)
        return fail(Reason::smtp_rejected,
                    "the server " + where + " is not accepting sessions now (" + g->reply.text() +
                        "): busy or shutting down; try again later or ask the mail admin");
    return fail(Reason::smtp_rejected,
                "the server " + where + " refused the session with a " +
                    std::to_string(g->reply.code) + " banner (" + g->reply.text() +
                    "): it does not accept mail from this host's address; ask the mail admin to "
                    "allow the Cloud Connector host");
}

// First: with implicit TLS a failing certificate stops the session before
// the greeting.
std::optional<ProbeResult> Judge::certificate() {
    std::string where = p.where();
    if (!s.certificate_error.empty())
        return fail(Reason::bad_input,
                    "cannot judge the certificate of " + where + ": " + s.certificate_error,
                    Status::error);
    if (s.certificate && s.certificate->status == Status::fail) {
        std::string failure =
            (p.implicit_tls ? "TLS certificate of " : "STARTTLS certificate of ") + where + ": " +
            s.certificate->summary;
        // As the tls probe puts it: the interception first, then the certificate.
        if (intercepted()) return fail(Reason::tls_interception, r.summary + "; " + failure);
        return fail(tls_reason(s.certificate->diagnosis), failure);
    }
    return std::nullopt;
}

std::optional<ProbeResult> Judge::encryption() {
    std::string where = p.where();
    if (p.implicit_tls) return std::nullopt;
    if (const SmtpStep* e = s.transcript.last("EHLO");
        e && e->complete && e->reply.code != 250 && !s.transcript.last("HELO"))
        return fail(Reason::smtp_rejected,
                    "the server " + where + " rejected EHLO (" + e->reply.text() + ")");
    bool offered = offers(caps_before, "STARTTLS");
    if (p.starttls == "try" && !p.user.empty() && !p.allow_plaintext_auth && !offered &&
        s.transcript.ehlo(true))
        return fail(
            Reason::plaintext_auth_refused,
            "STARTTLS not offered by " + where + ": the login as " + p.user +
                " was not attempted, because its password would cross the network in clear "
                "text (starttls=try sends a password only over TLS); enable STARTTLS on the "
                "server, or allow an unencrypted login explicitly with "
                "--set smtp_allow_plaintext_auth=true (probe: allow_plaintext_auth=true)");
    if (p.starttls == "require" && !offered && s.transcript.ehlo(true))
        return fail(Reason::no_starttls,
                    "STARTTLS not offered by " + where +
                        ": the server does not encrypt SMTP on this port, so mail and passwords "
                        "would cross the network in plain text; enable STARTTLS on the server (or "
                        "use port 465 with " +
                        p.use_tls_implicit + ")");
    const SmtpStep* st = s.transcript.last("STARTTLS");
    if (st && st->complete && st->reply.code != 220)
        return fail(Reason::no_starttls,
                    "STARTTLS refused by " + where + " (" + st->reply.text() + ")");
    if (st && st->reply.code == 220 && !s.transcript.ehlo(false) && s.code != CURLE_OK &&
        !s.deadline_passed)
        return fail(Reason::tls_handshake_failed,
                    "TLS handshake after STARTTLS with " + where + " failed: " + s.error);
    return std::nullopt;
}

std::optional<ProbeResult> Judge::authentication() {
    if (p.user.empty()) return std::nullopt;
    std::string where = p.where();
    const SmtpStep* a = auth_outcome(s.transcript);
    if (!a) {
        if (s.deadline_passed || !s.transcript.last("EHLO")) return std::nullopt;
        auto mechs = auth_mechanisms(tls ? caps_after : caps_before);
        if (!mechs.empty())
            return fail(Reason::smtp_auth_not_offered,
                        "no authentication mechanism in common with " + where + ": it offers " +
                            join_words(mechs, " ") + " (" + s.error + ")");
        if (!tls)
            return fail(Reason::tls_required,
                        "the server " + where + " offers no authentication before TLS, so " +
                            p.user +
                            " cannot log in without STARTTLS: enable TLS in the Cloud "
                            "Connector's SMTP settings (here: starttls=require)");
        return fail(Reason::smtp_auth_not_offered,
                    "the server " + where +
                        " offers no authentication (no AUTH in its EHLO "
                        "reply): the account " +
                        p.user +
                        " cannot log in; ask the mail admin to enable SMTP AUTH on this port, or "
                        "remove the account from the SMTP settings");
    }
    if (!a->complete) return std::nullopt; // the deadline: judged as a stalled session
    int code = a->reply.code;
    if (code == 235) {
        r.evidence.push_back("authenticated as " + p.user + " (" +
                             s.transcript.last("AUTH")->command + ")");
        return std::nullopt;
    }
    if (code == 535)
        return fail(Reason::smtp_auth_failed,
                    "authentication failed for " + p.user + " at " + where + " (" +
                        a->reply.text() +
                        "): the user name or password is wrong, or the account is locked or not "
                        "allowed to send; correct the service account in the Cloud Connector's "
                        "SMTP settings");
    if (code == 538 || code == 534)
        return fail(Reason::smtp_auth_failed,
                    "authentication for " + p.user + " refused at " + where + " (" +
                        a->reply.text() + "): the server wants a stronger mechanism or TLS first");
    if (code == 454)
        return fail(Reason::smtp_auth_failed,
                    "authentication for " + p.user + " failed temporarily at " + where + " (" +
                        a->reply.text() +
                        "): the server could not check the password; try again "
                        "or ask the mail admin");
    return fail(Reason::smtp_auth_failed, "authentication for " + p.user + " rejected at " + where +
                                              " (" + a->reply.text() + ")");
}

std::optional<ProbeResult> Judge::transaction() {
    const auto& t = s.transcript;
    if (const SmtpStep* m = t.last("MAIL"); m && m->complete && m->reply.code != 250) {
        if (m->reply.code == 530) {
            auto [why, text] = diagnose_530(p, *m);
            return fail(why, std::move(text));
        }
        return fail(Reason::smtp_rejected, "the server " + p.where() + " refused the sender " +
                                               p.from + " (" + m->reply.text() +
                                               "): use an address the account may send as");
    }
    for (const auto& step : t.steps()) {
        if (step.command.rfind("RCPT", 0) != 0 || !step.complete) continue;
        const SmtpReply& rep = step.reply;
        if (rep.code == 250 || rep.code == 251) continue;
        auto rcpt = step.command.substr(step.command.find(':') + 1);
        if (rep.code == 530) {
            auto [why, text] = diagnose_530(p, step);
            return fail(why, std::move(text));
        }
        if (mentions(rep, "relay") || (rep.code / 100 == 5 && mentions(rep, "5.7.1")))
            return fail(Reason::relay_denied,
                        "relay denied: " + p.where() + " will not pass mail on to " + rcpt + " (" +
                            rep.text() + "): " +
                            (p.user.empty() ? "the Cloud Connector host's address"
                                            : "the account " + p.user) +
                            " must be allowed to relay; ask the mail admin" +
                            (p.user.empty() ? " (or authenticate with a service account)" : ""));
        return fail(Reason::smtp_rejected,
                    "recipient " + rcpt + " rejected by " + p.where() + " (" + rep.text() + ")");
    }
    if (const SmtpStep* d = t.last("DATA"); d && d->complete && d->reply.code != 354)
        return fail(Reason::smtp_rejected,
                    "the server " + p.where() + " refused DATA (" + d->reply.text() + ")");
    if (const SmtpStep* m = t.last("(message)"); m && m->complete && m->reply.code != 250)
        return fail(Reason::smtp_rejected,
                    "the test message was rejected by " + p.where() + " (" + m->reply.text() + ")");
    return std::nullopt;
}

ProbeResult Judge::success() {
    std::string where = p.where();
    std::vector<std::string> warnings;
    Reason first_warning = Reason::ok;
    auto warn = [&](Reason why, std::string text) {
        if (warnings.empty()) first_warning = why;
        warnings.push_back(std::move(text));
    };
    std::string parts = "SMTP " + where + ": 220 greeting";
    if (tls) {
        parts += p.implicit_tls ? ", TLS " + s.protocol : ", STARTTLS " + s.protocol;
        if (s.certificate) {
            parts += s.certificate->status == Status::pass ? " with a trusted certificate" : "";
            if (s.certificate->status == Status::warn)
                warn(tls_reason(s.certificate->diagnosis), s.certificate->summary);
        }
    } else if (p.starttls != "no") {
        warn(Reason::no_starttls, "no STARTTLS offered: mail crosses the network unencrypted");
    }
    if (!p.user.empty()) {
        parts += ", authenticated as " + p.user;
        if (!tls)
            warn(Reason::plaintext_auth_used,
                 "the password was sent without TLS, as allow_plaintext_auth "
                 "permits: anyone on the path can read it");
    }
    if (!p.to.empty()) {
        const SmtpStep* m = s.transcript.last("(message)");
        parts += ", test message accepted for " + join_words(p.to, ", ") +
                 (m ? " (" + m->reply.text() + ")" : "");
        r.evidence.push_back("test message " + p.message_id + ", subject \"" + p.subject +
                             "\": look for it in the recipient's mailbox");
    } else if (const SmtpStep* n = s.transcript.last("NOOP"); n && n->reply.code != 250) {
        warn(Reason::smtp_rejected, "NOOP answered " + n->reply.text());
    }
    if (intercepted()) {
        r.status = Status::fail;
        r.reason = Reason::tls_interception;
        return std::move(r);
    }
    r.status = warnings.empty() ? Status::pass : Status::warn;
    r.reason = first_warning;
    r.summary = warnings.empty() ? parts : join_words(warnings, "; ") + " (" + parts + ")";
    return std::move(r);
}

ProbeResult Judge::judge() {
    gather();
    if (!s.connected) {
        auto o = connect_outcome(p, s);
        return fail(connect_reason(o.kind), diagnose(o, p.host));
    }
    for (auto step : {&Judge::certificate, &Judge::greeting, &Judge::encryption,
                      &Judge::authentication, &Judge::transaction})
        if (auto v = (this->*step)()) return std::move(*v);
    if (s.deadline_passed || s.code != CURLE_OK) {
        const auto& steps = s.transcript.steps();
        std::string at = steps.empty() || steps.back().command.empty() ? std::string("the greeting")
                                                                       : steps.back().command;
        return fail(s.deadline_passed ? Reason::timed_out : Reason::connection_closed,
                    s.deadline_passed
                        ? "the SMTP session with " + p.where() +
                              " did not finish before the deadline (waiting after " + at + ")"
                        : "the SMTP session with " + p.where() + " failed after " + at + ": " +
                              s.error);
    }
    return success();
}

} // namespace

ProbeResult smtp_verdict(const SmtpPlan& plan, const SmtpSession& s) {
    Judge j{plan, s, {}, {}, {}, false};
    return j.judge();
}

} // namespace pf
