#include "probes/smtp/smtp_verdict.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
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

// A 530 to MAIL or RCPT: TLS first, or authentication first.
std::pair<Reason, Message> diagnose_530(const SmtpPlan& p, const SmtpStep& step) {
    if (!step.in_tls || mentions(step.reply, "starttls") || mentions(step.reply, "tls"))
        return {Reason::tls_required,
                msg("smtp.tls_first", {{"where", p.where()}, {"reply", step.reply.text()}})};
    return {Reason::smtp_auth_required,
            msg("smtp.auth_first", {{"where", p.where()}, {"reply", step.reply.text()}})};
}

struct Judge {
    const SmtpPlan& p;
    const SmtpSession& s;
    ProbeResult r;
    std::vector<std::string> caps_before, caps_after;
    bool tls = false;          // the session went on inside TLS
    Interception interception; // what intercepted() found

    ProbeResult fail(Reason why, Message m, Status st = Status::fail) {
        r.status = st;
        r.reason = why;
        set_message(r, std::move(m));
        return std::move(r);
    }

    void gather() {
        const auto& t = s.transcript;
        tls = t.saw_tls();
        if (s.connected && !s.address.empty())
            add_evidence(r, msg("smtp.connected", {{"address", s.address}, {"port", p.port}}));
        if (const SmtpStep* e = t.ehlo(true)) {
            caps_before = ehlo_capabilities(*e);
            add_evidence(r, msg("smtp.ehlo_before_tls", {{"caps", join_list(caps_before)}}));
            auto mechs = auth_mechanisms(caps_before);
            add_evidence(r, mechs.empty() ? msg("smtp.no_auth_before_tls")
                                          : msg("smtp.auth_before_tls",
                                                {{"mechanisms", join_words(mechs, " ")}}));
        }
        if (const SmtpStep* e = t.ehlo(false)) {
            caps_after = ehlo_capabilities(*e);
            add_evidence(r,
                         p.implicit_tls
                             ? msg("smtp.ehlo_inside_tls", {{"caps", join_list(caps_after)}})
                             : msg("smtp.ehlo_after_starttls", {{"caps", join_list(caps_after)}}));
            auto mechs = auth_mechanisms(caps_after);
            add_evidence(r, mechs.empty() ? msg("smtp.no_auth_after_tls")
                                          : msg("smtp.auth_after_tls",
                                                {{"mechanisms", join_words(mechs, " ")}}));
        }
        if (!s.protocol.empty())
            add_evidence(r, s.cipher.empty() ? msg("smtp.tls", {{"protocol", s.protocol}})
                                             : msg("smtp.tls_cipher", {{"protocol", s.protocol},
                                                                       {"cipher", s.cipher}}));
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
            r.blocks.push_back({evidence_line(msg("smtp.transcript_title", {{"where", p.where()}})),
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
        interception = detect_interception(in);
        const Interception& x = interception;
        r.evidence.insert(r.evidence.end(), x.evidence.begin(), x.evidence.end());
        r.alert = x.alert;
        if (x.detected) set_message(r, x.message);
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
            return fail(Reason::protocol_error, msg("smtp.endless_line", {{"where", where}}));
        if (p.implicit_tls && !s.deadline_passed && !s.handshake_started)
            return fail(
                Reason::tls_handshake_failed,
                msg("smtp.no_tls_session",
                    {{"where", where}, {"error", s.error}, {"use_starttls", p.use_tls_starttls}}));
        if (p.implicit_tls && !s.handshake_started)
            return fail(Reason::timed_out,
                        msg("smtp.no_tls_handshake",
                            {{"where", where}, {"use_starttls", p.use_tls_starttls}}));
        if (s.deadline_passed)
            return fail(Reason::timed_out, msg("smtp.no_greeting_in_time", {{"where", where}}));
        return fail(Reason::connection_closed,
                    msg("smtp.closed_without_greeting", {{"where", where}}));
    }
    if (g->reply.code == 0)
        return fail(Reason::protocol_error,
                    msg("smtp.not_smtp", {{"where", where}, {"answer", g->reply.lines.front()}}));
    if (g->reply.code == 220) return std::nullopt;
    if (g->reply.code == 421)
        return fail(Reason::smtp_rejected,
                    msg("smtp.busy", {{"where", where}, {"reply", g->reply.text()}}));
    return fail(Reason::smtp_rejected,
                msg("smtp.session_refused",
                    {{"where", where}, {"code", g->reply.code}, {"reply", g->reply.text()}}));
}

// First: with implicit TLS a failing certificate stops the session before
// the greeting.
std::optional<ProbeResult> Judge::certificate() {
    std::string where = p.where();
    if (!s.certificate_error.empty())
        return fail(
            Reason::bad_input,
            msg("smtp.certificate_unjudged", {{"where", where}, {"error", s.certificate_error}}),
            Status::error);
    if (s.certificate && s.certificate->status == Status::fail) {
        Message failure = p.implicit_tls
                              ? msg("smtp.tls_certificate",
                                    {{"where", where}, {"verdict", s.certificate->summary}})
                              : msg("smtp.starttls_certificate",
                                    {{"where", where}, {"verdict", s.certificate->summary}});
        // As the tls probe puts it: the interception first, then the certificate.
        if (intercepted()) {
            auto out = fail(Reason::tls_interception,
                            msg("smtp.interception_and_certificate",
                                {{"interception", r.summary}, {"certificate", part(failure)}}));
            add_interceptor(out, interception);
            return out;
        }
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
                    msg("smtp.ehlo_rejected", {{"where", where}, {"reply", e->reply.text()}}));
    bool offered = offers(caps_before, "STARTTLS");
    if (p.starttls == "try" && !p.user.empty() && !p.allow_plaintext_auth && !offered &&
        s.transcript.ehlo(true))
        return fail(Reason::plaintext_auth_refused,
                    msg("smtp.login_not_attempted", {{"where", where}, {"user", p.user}}));
    if (p.starttls == "require" && !offered && s.transcript.ehlo(true))
        return fail(Reason::no_starttls,
                    msg("smtp.no_starttls", {{"where", where}, {"use_tls", p.use_tls_implicit}}));
    const SmtpStep* st = s.transcript.last("STARTTLS");
    if (st && st->complete && st->reply.code != 220)
        return fail(Reason::no_starttls,
                    msg("smtp.starttls_refused", {{"where", where}, {"reply", st->reply.text()}}));
    if (st && st->reply.code == 220 && !s.transcript.ehlo(false) && s.code != CURLE_OK &&
        !s.deadline_passed)
        return fail(Reason::tls_handshake_failed,
                    msg("smtp.starttls_handshake_failed", {{"where", where}, {"error", s.error}}));
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
                        msg("smtp.no_common_mechanism", {{"where", where},
                                                         {"mechanisms", join_words(mechs, " ")},
                                                         {"error", s.error}}));
        if (!tls)
            return fail(Reason::tls_required,
                        msg("smtp.no_auth_without_tls", {{"where", where}, {"user", p.user}}));
        return fail(Reason::smtp_auth_not_offered,
                    msg("smtp.no_auth", {{"where", where}, {"user", p.user}}));
    }
    if (!a->complete) return std::nullopt; // the deadline: judged as a stalled session
    int code = a->reply.code;
    if (code == 235) {
        add_evidence(r, msg("smtp.authenticated",
                            {{"user", p.user}, {"command", s.transcript.last("AUTH")->command}}));
        return std::nullopt;
    }
    if (code == 535)
        return fail(Reason::smtp_auth_failed,
                    msg("smtp.auth_failed",
                        {{"user", p.user}, {"where", where}, {"reply", a->reply.text()}}));
    if (code == 538 || code == 534)
        return fail(Reason::smtp_auth_failed,
                    msg("smtp.auth_refused",
                        {{"user", p.user}, {"where", where}, {"reply", a->reply.text()}}));
    if (code == 454)
        return fail(Reason::smtp_auth_failed,
                    msg("smtp.auth_temporary",
                        {{"user", p.user}, {"where", where}, {"reply", a->reply.text()}}));
    return fail(Reason::smtp_auth_failed,
                msg("smtp.auth_rejected",
                    {{"user", p.user}, {"where", where}, {"reply", a->reply.text()}}));
}

std::optional<ProbeResult> Judge::transaction() {
    const auto& t = s.transcript;
    if (const SmtpStep* m = t.last("MAIL"); m && m->complete && m->reply.code != 250) {
        if (m->reply.code == 530) {
            auto [why, text] = diagnose_530(p, *m);
            return fail(why, std::move(text));
        }
        return fail(Reason::smtp_rejected,
                    msg("smtp.sender_refused",
                        {{"where", p.where()}, {"from", p.from}, {"reply", m->reply.text()}}));
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
                        p.user.empty()
                            ? msg("smtp.relay_denied_host",
                                  {{"where", p.where()}, {"rcpt", rcpt}, {"reply", rep.text()}})
                            : msg("smtp.relay_denied_account", {{"where", p.where()},
                                                                {"rcpt", rcpt},
                                                                {"reply", rep.text()},
                                                                {"user", p.user}}));
        return fail(Reason::smtp_rejected,
                    msg("smtp.recipient_rejected",
                        {{"rcpt", rcpt}, {"where", p.where()}, {"reply", rep.text()}}));
    }
    if (const SmtpStep* d = t.last("DATA"); d && d->complete && d->reply.code != 354)
        return fail(Reason::smtp_rejected,
                    msg("smtp.data_refused", {{"where", p.where()}, {"reply", d->reply.text()}}));
    if (const SmtpStep* m = t.last("(message)"); m && m->complete && m->reply.code != 250)
        return fail(Reason::smtp_rejected, msg("smtp.message_rejected",
                                               {{"where", p.where()}, {"reply", m->reply.text()}}));
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
    std::string parts;
    if (tls) {
        bool trusted = s.certificate && s.certificate->status == Status::pass;
        parts += evidence_line(
            p.implicit_tls
                ? (trusted ? msg("smtp.part_tls_trusted", {{"protocol", s.protocol}})
                           : msg("smtp.part_tls", {{"protocol", s.protocol}}))
                : (trusted ? msg("smtp.part_starttls_trusted", {{"protocol", s.protocol}})
                           : msg("smtp.part_starttls", {{"protocol", s.protocol}})));
        if (s.certificate && s.certificate->status == Status::warn)
            warn(tls_reason(s.certificate->diagnosis), s.certificate->summary);
    } else if (p.starttls != "no") {
        warn(Reason::no_starttls, evidence_line(msg("smtp.warn_no_starttls")));
    }
    if (!p.user.empty()) {
        parts += evidence_line(msg("smtp.part_authenticated", {{"user", p.user}}));
        if (!tls)
            warn(Reason::plaintext_auth_used, evidence_line(msg("smtp.warn_plaintext_password")));
    }
    if (!p.to.empty()) {
        const SmtpStep* m = s.transcript.last("(message)");
        parts += evidence_line(m ? msg("smtp.part_message_accepted_reply",
                                       {{"to", join_list(p.to)}, {"reply", m->reply.text()}})
                                 : msg("smtp.part_message_accepted", {{"to", join_list(p.to)}}));
        add_evidence(r, msg("smtp.test_message", {{"id", p.message_id}, {"subject", p.subject}}));
    } else if (const SmtpStep* n = s.transcript.last("NOOP"); n && n->reply.code != 250) {
        warn(Reason::smtp_rejected,
             evidence_line(msg("smtp.warn_noop", {{"reply", n->reply.text()}})));
    }
    parts = evidence_line(msg("smtp.passed", {{"where", where}, {"parts", parts}}));
    if (intercepted()) {
        r.status = Status::fail;
        r.reason = Reason::tls_interception;
        add_interceptor(r, interception);
        return std::move(r);
    }
    r.status = warnings.empty() ? Status::pass : Status::warn;
    r.reason = first_warning;
    set_message(r, warnings.empty()
                       ? msg("smtp.summary", {{"parts", parts}})
                       : msg("smtp.summary_with_warnings",
                             {{"warnings", join_clauses(warnings)}, {"parts", parts}}));
    return std::move(r);
}

ProbeResult Judge::judge() {
    gather();
    if (!s.connected) {
        auto o = connect_outcome(p, s);
        return fail(connect_reason(o.kind), connect_failure(o, p.host));
    }
    for (auto step : {&Judge::certificate, &Judge::greeting, &Judge::encryption,
                      &Judge::authentication, &Judge::transaction})
        if (auto v = (this->*step)()) return std::move(*v);
    if (s.deadline_passed || s.code != CURLE_OK) {
        const auto& steps = s.transcript.steps();
        std::string at = steps.empty() || steps.back().command.empty()
                             ? evidence_line(msg("smtp.the_greeting"))
                             : steps.back().command;
        return fail(s.deadline_passed ? Reason::timed_out : Reason::connection_closed,
                    s.deadline_passed
                        ? msg("smtp.session_timed_out", {{"where", p.where()}, {"after", at}})
                        : msg("smtp.session_failed",
                              {{"where", p.where()}, {"after", at}, {"error", s.error}}));
    }
    return success();
}

} // namespace

ProbeResult smtp_verdict(const SmtpPlan& plan, const SmtpSession& s) {
    Judge j{plan, s, {}, {}, {}, false};
    return j.judge();
}

} // namespace pf
