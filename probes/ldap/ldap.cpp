#include "probes/ldap/ldap.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "net/resolve.hpp"
#include "net/tcp_connect.hpp"
#include "pki/cert_info.hpp"
#include "pki/trust_material.hpp"
#include "probes/ldap/ldap_client.hpp"
#include <algorithm>
#include <cctype>

namespace pf {

std::string ad_bind_reason(const std::string& diagnostic, std::string* code, Reason* why) {
    // Windows' own logon failure codes, as AD puts them in a refused bind.
    struct Known {
        const char* code;
        Reason reason;
        Message text;
    };
    static const Known reasons[] = {
        {"525", Reason::ad_user_not_found, msg("ldap.ad_525_no_such_user")},
        {"52e", Reason::ldap_invalid_credentials, msg("ldap.ad_52e_invalid_credentials")},
        {"530", Reason::ad_logon_restricted, msg("ldap.ad_530_logon_hours")},
        {"531", Reason::ad_logon_restricted, msg("ldap.ad_531_workstation")},
        {"532", Reason::ad_password_expired, msg("ldap.ad_532_password_expired")},
        {"533", Reason::ad_account_disabled, msg("ldap.ad_533_account_disabled")},
        {"701", Reason::ad_account_expired, msg("ldap.ad_701_account_expired")},
        {"773", Reason::ad_password_must_change, msg("ldap.ad_773_must_change_password")},
        {"775", Reason::ad_account_locked, msg("ldap.ad_775_account_locked")},
    };
    // "data " and the hex digits after it, scanned by hand: the diagnostic
    // comes from the server, and std::regex recurses once per character
    // (30,000 hex digits overflowed the stack).
    // AD puts it in the first line (a few hundred bytes) and its codes have
    // at most 8 digits: a longer run, or text further on, decodes nothing.
    const std::string_view head(diagnostic.data(), std::min<std::size_t>(diagnostic.size(), 4096));
    std::string sub;
    for (auto at = head.find("data "); at != std::string_view::npos && sub.empty();
         at = head.find("data ", at + 1)) {
        auto end = at + 5;
        while (end < head.size() && end - at - 5 <= 8 &&
               std::isxdigit(static_cast<unsigned char>(head[end])))
            ++end;
        if (end - at - 5 <= 8) sub = std::string(head.substr(at + 5, end - at - 5));
    }
    if (sub.empty()) return {};
    std::transform(sub.begin(), sub.end(), sub.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (code) *code = sub;
    for (const auto& k : reasons)
        if (sub == k.code) {
            if (why) *why = k.reason;
            return render(k.text);
        }
    return {};
}

namespace {

std::string security_name(LdapSecurity s) {
    return s == LdapSecurity::ldaps      ? "LDAPS"
           : s == LdapSecurity::starttls ? "StartTLS"
                                         : part(msg("ldap.security_plain")).text;
}

bool contains_text(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string quoted_server_text(const LdapOutcome& o) {
    return o.diagnostic.empty()
               ? ""
               : part(msg("ldap.server_says", {{"diagnostic", o.diagnostic}})).text;
}

std::string result_text(const LdapOutcome& o) {
    std::string client = ldap_client_name();
    return (o.api_error ? (client.empty() ? "" : client + ": ")
                        : "LDAP " + std::to_string(o.code) + " ") +
           o.error + quoted_server_text(o);
}

// The trust store that could not be read is the run's input, not the server's.
Reason verdict_reason(const TlsVerdict& v) {
    return v.status == Status::error ? Reason::file_problem : tls_reason(v.diagnosis);
}

struct LdapRun : std::enable_shared_from_this<LdapRun> {
    LdapRun(asio::io_context& io, ProbeDone d) : io(io), done(std::move(d)) {}
    asio::io_context& io;
    // Held: ProbeContext may be gone, and nothing else keeps the check's
    // cancellation until an operation is bound to it. The cycle through its
    // callback ends at emit(), release() or stop_listening.
    CheckCancelPtr cancel;
    // Unregisters the deadline's callback: a check over before its deadline
    // must not keep the check's cancellation listening.
    std::function<void()> stop_listening;
    OnceDone done;
    LdapRequest req;
    TlsSettings tls;
    std::string where; // host:port
    std::shared_ptr<std::atomic<int>> step = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<TlsVerdict> tls_verdict = std::make_shared<TlsVerdict>();
    std::function<void()> abandon;
    bool resolving = false;
    double connect_ms = 0;
    // The bind this account would have made over plain LDAP, not attempted
    // because the checklist did not allow a clear-text password.
    std::string refused_plain_bind;

    void finish(ProbeResult r) {
        if (stop_listening) stop_listening();
        stop_listening = nullptr;
        if (abandon) abandon();
        abandon = nullptr;
        if (connect_ms > 0)
            r.measurements.insert(r.measurements.begin(), Measurement{"connect", connect_ms, "ms"});
        done(std::move(r));
    }

    // Where the conversation stood when time ran out, and what that suggests.
    // What the user types to change security, for the fix texts.
    std::string use_ldaps, use_starttls;

    Message timeout_summary(LdapStep s) const {
        switch (s) {
        case LdapStep::connect:
            return msg("ldap.timeout_connect", {{"where", where}});
        case LdapStep::tls:
            if (req.security == LdapSecurity::ldaps)
                return msg("ldap.timeout_tls_ldaps",
                           {{"where", where}, {"use_starttls", use_starttls}});
            return msg("ldap.timeout_tls_starttls", {{"where", where}});
        case LdapStep::rootdse:
            if (req.security == LdapSecurity::none)
                return msg("ldap.timeout_rootdse_plain",
                           {{"where", where}, {"use_ldaps", use_ldaps}});
            return msg("ldap.timeout_rootdse", {{"where", where}});
        case LdapStep::bind:
            return msg("ldap.timeout_bind", {{"where", where}, {"bind_dn", req.bind_dn}});
        case LdapStep::search:
            return msg("ldap.timeout_search", {{"where", where}, {"base", req.base}});
        case LdapStep::done:
            break;
        }
        return msg("ldap.timeout", {{"where", where}});
    }

    // The connect is judged as the tcp probe judges it; the conversation
    // then goes on over that connection.
    void connect(const asio::ip::address& address) {
        auto self = shared_from_this();
        // Its own cancellation, a little before the check's, so that a
        // filtered port reads as the tcp probe says it.
        auto connect_cancel = CheckCancel::armed(io, req.deadline);
        abandon = connect_socket(io, {address, req.port}, connect_cancel,
                                 [self, connect_cancel](ConnectOutcome o, SocketPtr socket) {
                                     if (self->done.finished()) return;
                                     self->abandon = nullptr;
                                     if (o.kind != ConnectOutcome::Kind::open)
                                         return self->finish(
                                             make_result(Status::fail, connect_reason(o.kind),
                                                         connect_failure(o, self->req.host)));
                                     self->connect_ms = o.ms;
                                     self->start_conversation(std::move(socket));
                                 });
    }

    void start_conversation(SocketPtr socket) {
        auto self = shared_from_this();
        auto tls_settings = tls;
        auto verdict = tls_verdict;
        auto host = req.host;
        auto& run = io;
        LdapTlsCheck check = [tls_settings, verdict, host,
                              &run](const std::vector<X509Ptr>& chain) {
            try {
                *verdict = verify_chain(chain, host, tls_settings, *run_trust(run, tls_settings));
            } catch (const std::exception& e) {
                verdict->status = Status::error;
                // the trust store's own message, from the catalog (as the tls check)
                verdict->summary = e.what();
            }
            return verdict->status == Status::pass || verdict->status == Status::warn;
        };
        abandon =
            start_ldap_conversation(io, std::move(socket), req, check, step, [self](LdapOutcome o) {
                self->abandon = nullptr;
                // The server's own texts are the one place it
                // could echo the password: redacted where they
                // enter the verdict.
                if (self->req.password) {
                    redact(o.diagnostic, *self->req.password);
                    redact(o.error, *self->req.password);
                    redact(o.matched_dn, *self->req.password);
                }
                self->finish(self->verdict(o));
            });
    }

    ProbeResult verdict(const LdapOutcome& o);
    void add_facts(ProbeResult& r, const LdapOutcome& o);
    ProbeResult failure(const LdapOutcome& o);
};

void LdapRun::add_facts(ProbeResult& r, const LdapOutcome& o) {
    auto security = security_name(req.security);
    add_evidence(r,
                 o.tls_version.empty()
                     ? msg("ldap.connection", {{"security", security}, {"where", where}})
                     : msg("ldap.connection_tls",
                           {{"security", security}, {"where", where}, {"version", o.tls_version}}));
    if (!o.chain.empty()) {
        if (!tls_verdict->summary.empty())
            add_evidence(r, msg("ldap.certificate", {{"verdict", tls_verdict->summary}}));
        EvidenceBlock b{evidence_line(msg("tls.block_chain", {{"target", where}})), {}};
        for (std::size_t i = 0; i < o.chain.size(); ++i) {
            b.lines.push_back(
                evidence_line(i == 0 ? msg("tls.block_server_certificate", {{"index", i}})
                                     : msg("tls.block_certificate", {{"index", i}})));
            for (const auto& l : describe_lines(inspect(o.chain[i].get())))
                b.lines.push_back(evidence_line(msg("tls.block_detail", {{"line", l}})));
        }
        r.blocks.push_back(std::move(b));
    }
    static const char* const order[] = {"defaultnamingcontext", "dnshostname",
                                        "isglobalcatalogready", "supportedldapversion",
                                        "namingcontexts",       "vendorname"};
    static const char* const shown[] = {"defaultNamingContext", "dnsHostName",
                                        "isGlobalCatalogReady", "supportedLDAPVersion",
                                        "namingContexts",       "vendorName"};
    for (std::size_t i = 0; i < std::size(order); ++i) {
        auto it = o.rootdse.find(order[i]);
        if (it == o.rootdse.end()) continue;
        add_evidence(r, msg("ldap.rootdse_attribute",
                            {{"attribute", shown[i]}, {"values", join_list(it->second)}}));
    }
    if (!o.rootdse_error.empty())
        add_evidence(r, msg("ldap.rootdse_unreadable", {{"error", o.rootdse_error}}));
    for (const auto& [name, ms] : o.timings_ms)
        r.measurements.push_back({name, ms, "ms"});
}

ProbeResult LdapRun::failure(const LdapOutcome& o) {
    auto s = static_cast<LdapStep>(o.step);
    auto fail = [](Reason why, Message m) { return make_result(Status::fail, why, std::move(m)); };
    // The connection broke or the peer sent something else than LDAP.
    Reason lost = o.not_ldap ? Reason::protocol_error : Reason::connection_closed;
    const std::string result = result_text(o);
    if (o.tls_refused)
        return make_result(tls_verdict->status == Status::error ? Status::error : Status::fail,
                           verdict_reason(*tls_verdict),
                           msg("ldap.tls_refused", {{"certificate", tls_verdict->summary},
                                                    {"security", security_name(req.security)},
                                                    {"where", where}}));
    if (o.tls_unchecked)
        return make_result(Status::error, Reason::tls_handshake_failed,
                           msg("ldap.tls_unchecked", {{"where", where}, {"error", o.error}}));
    if (o.timed_out) return fail(Reason::timed_out, timeout_summary(s));
    switch (s) {
    case LdapStep::connect:
        return fail(Reason::connect_failed,
                    msg("ldap.cannot_open", {{"where", where}, {"result", result}}));
    case LdapStep::tls: {
        if (!o.api_error)
            return fail(Reason::no_starttls,
                        msg("ldap.starttls_refused",
                            {{"where", where}, {"result", result}, {"use_ldaps", use_ldaps}}));
        // Linux: the connection's end has code -1 and no TLS failure text;
        // Wldap32's TLS errors have codes of their own.
        Reason why = o.tls_failure.empty() && o.code == -1 ? lost : Reason::tls_handshake_failed;
        if (req.security == LdapSecurity::ldaps)
            return fail(
                why, msg("ldap.tls_failed_ldaps",
                         {{"where", where}, {"result", result}, {"use_starttls", use_starttls}}));
        return fail(why, msg("ldap.tls_failed", {{"where", where}, {"result", result}}));
    }
    case LdapStep::rootdse:
        if (req.security == LdapSecurity::none)
            return fail(lost,
                        msg("ldap.no_answer_plain",
                            {{"where", where}, {"result", result}, {"use_ldaps", use_ldaps}}));
        return fail(lost, msg("ldap.no_answer", {{"where", where}, {"result", result}}));
    case LdapStep::bind: {
        if (o.api_error)
            return fail(lost,
                        msg("ldap.bind_rejected", {{"bind_dn", req.bind_dn}, {"result", result}}));
        if (o.code == 8 || o.code == 13)
            return fail(Reason::ldap_strong_auth_required,
                        msg("ldap.bind_needs_encryption", {{"bind_dn", req.bind_dn},
                                                           {"result", result},
                                                           {"use_ldaps", use_ldaps},
                                                           {"use_starttls", use_starttls}}));
        if (o.code == 49) {
            std::string sub;
            Reason why = Reason::ldap_invalid_credentials;
            std::string reason = ad_bind_reason(o.diagnostic, &sub, &why);
            if (!reason.empty())
                return fail(
                    why, msg("ldap.bind_ad_reason",
                             {{"bind_dn", req.bind_dn}, {"ad_reason", reason}, {"ad_data", sub}}));
            return fail(Reason::ldap_invalid_credentials,
                        msg("ldap.bind_invalid_credentials",
                            {{"bind_dn", req.bind_dn}, {"result", result}}));
        }
        return fail(Reason::ldap_error,
                    msg("ldap.bind_rejected", {{"bind_dn", req.bind_dn}, {"result", result}}));
    }
    case LdapStep::search:
        if (o.code == 32 && !o.api_error) {
            if (o.matched_dn.empty())
                return fail(Reason::ldap_search_failed,
                            msg("ldap.base_missing", {{"base", req.base}, {"where", where}}));
            return fail(Reason::ldap_search_failed,
                        msg("ldap.base_missing_nearest",
                            {{"base", req.base}, {"where", where}, {"matched_dn", o.matched_dn}}));
        }
        if (o.bad_filter)
            return make_result(Status::error, Reason::bad_input,
                               msg("ldap.bad_filter", {{"filter", req.filter}}));
        if (req.bind_dn.empty())
            return fail(
                o.api_error ? lost : Reason::ldap_search_failed,
                msg("ldap.search_failed_anonymous", {{"base", req.base}, {"result", result}}));
        return fail(o.api_error ? lost : Reason::ldap_search_failed,
                    msg("ldap.search_failed", {{"base", req.base}, {"result", result}}));
    case LdapStep::done:
        break;
    }
    return fail(o.api_error ? lost : Reason::ldap_error, msg("ldap.error", {{"result", result}}));
}

ProbeResult LdapRun::verdict(const LdapOutcome& o) {
    ProbeResult r =
        o.step == LdapStep::done ? ProbeResult::make(Status::pass, Reason::ok, "") : failure(o);
    add_facts(r, o);
    if (!refused_plain_bind.empty() && o.step == LdapStep::done) {
        r.status = Status::fail;
        r.reason = Reason::plaintext_auth_refused;
        set_message(r, msg("ldap.plaintext_bind_refused",
                           {{"bind_dn", refused_plain_bind}, {"where", where}}));
        return r;
    }
    if (o.step != LdapStep::done) {
        if (!o.diagnostic.empty() && !contains_text(r.summary, o.diagnostic))
            add_evidence(r, msg("ldap.server_message", {{"diagnostic", o.diagnostic}}));
        return r;
    }
    // Each part a sentence of the catalog; the verdict lists them.
    std::vector<std::string> parts;
    auto first = [&](const char* name) {
        auto it = o.rootdse.find(name);
        return it == o.rootdse.end() || it->second.empty() ? std::string() : it->second.front();
    };
    std::string security = security_name(req.security);
    auto host_name = first("dnshostname"), context = first("defaultnamingcontext");
    if (host_name.empty() && context.empty())
        parts.push_back(render(msg("ldap.answers", {{"security", security}, {"where", where}})));
    else if (context.empty())
        parts.push_back(
            render(msg("ldap.answers_as",
                       {{"security", security}, {"where", where}, {"host_name", host_name}})));
    else if (host_name.empty())
        parts.push_back(
            render(msg("ldap.answers_context",
                       {{"security", security}, {"where", where}, {"context", context}})));
    else
        parts.push_back(render(msg("ldap.answers_as_context", {{"security", security},
                                                               {"where", where},
                                                               {"host_name", host_name},
                                                               {"context", context}})));
    bool gc_port = req.port == 3268 || req.port == 3269;
    if (gc_port && first("isglobalcatalogready") != "TRUE" && !o.rootdse.empty()) {
        r.status = Status::warn;
        r.reason = Reason::ldap_not_global_catalog;
        parts.push_back(render(msg("ldap.not_global_catalog")));
    }
    if (o.bound) {
        parts.push_back(render(msg("ldap.bound", {{"bind_dn", req.bind_dn}})));
        if (req.security == LdapSecurity::none) {
            r.status = Status::warn;
            r.reason = Reason::plaintext_auth_sent;
            parts.push_back(
                render(msg("ldap.bound_in_clear_text",
                           {{"use_ldaps", use_ldaps}, {"use_starttls", use_starttls}})));
        }
    }
    if (!req.base.empty()) {
        if (o.size_limited && o.entries == 1)
            parts.push_back(render(msg("ldap.base_exists_at_least_one",
                                       {{"base", req.base}, {"filter", req.filter}})));
        else if (o.size_limited)
            parts.push_back(
                render(msg("ldap.base_exists_at_least", {{"base", req.base},
                                                         {"count", std::to_string(o.entries)},
                                                         {"filter", req.filter}})));
        else if (o.entries == 1)
            parts.push_back(
                render(msg("ldap.base_exists_one", {{"base", req.base}, {"filter", req.filter}})));
        else
            parts.push_back(render(msg("ldap.base_exists", {{"base", req.base},
                                                            {"count", std::to_string(o.entries)},
                                                            {"filter", req.filter}})));
    }
    if (tls_verdict->status == Status::warn) {
        r.status = Status::warn;
        r.reason = verdict_reason(*tls_verdict);
        parts.push_back(tls_verdict->summary);
    }
    set_message(r, msg("ldap.answers_summary", {{"parts", join_clauses(parts)}}));
    return r;
}

} // namespace

ProbeKind ldap_probe() {
    ProbeKind k;
    k.name = "ldap";
    k.verifies_chains = true;
    k.description = msg("probe.ldap.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.ldap.host")},
        {"port", ParamType::port, false, "", msg("param.ldap.port")},
        {.name = "security",
         .type = ParamType::choice,
         .default_value = "none",
         .help = msg("param.ldap.security"),
         .choices = {"none", "starttls", "ldaps"}},
        {"bind_dn", ParamType::text, false, "", msg("param.ldap.bind_dn")},
        {"password", ParamType::text, false, "", msg("param.ldap.password"), true},
        {"allow_plaintext_auth", ParamType::boolean, false, "false",
         msg("param.ldap.allow_plaintext_auth")},
        {"base", ParamType::text, false, "", msg("param.ldap.base")},
        {"filter", ParamType::text, false, "(objectClass=*)", msg("param.ldap.filter")},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<LdapRun>(ctx.io, std::move(done));
        auto text = [&](const char* n) { return args.has(n) ? args.text(n) : std::string(); };
        auto deliver = [&](Status s, Message m) {
            return deliver_now(
                ctx, [r](ProbeResult x) { r->finish(std::move(x)); },
                make_result(s, Reason::bad_input, std::move(m)));
        };
        std::string security = args.text("security");
        r->req.security = security == "ldaps"      ? LdapSecurity::ldaps
                          : security == "starttls" ? LdapSecurity::starttls
                                                   : LdapSecurity::none;
        r->use_ldaps = args.how_to_set("security", "ldaps");
        r->use_starttls = args.how_to_set("security", "starttls");
        r->req.host = args.text("host");
        r->req.bind_dn = text("bind_dn");
        r->req.password = args.secret("password");
        bool has_password = r->req.password && !r->req.password->empty();
        r->req.base = text("base");
        if (!text("filter").empty()) r->req.filter = text("filter");
        // The connect gives up a little before the probe's deadline, so that
        // a filtered port is named in the tcp probe's words; after it, the
        // probe's deadline ends the conversation (Wldap32's own timeouts use
        // this one too).
        r->req.deadline =
            ctx.deadline - std::min<Clock::duration>(std::chrono::milliseconds(200),
                                                     (ctx.deadline - Clock::now()) / 10);
        r->req.port = !text("port").empty()                    ? args.port("port")
                      : r->req.security == LdapSecurity::ldaps ? 636
                                                               : 389;
        r->tls = ctx.env.tls;
        r->where = r->req.host + ":" + std::to_string(r->req.port);
        // An empty password makes a simple bind "unauthenticated" (RFC 4513
        // 5.1.2): servers accept it without checking anything.
        if (!r->req.bind_dn.empty() && !has_password)
            return deliver(Status::error, msg("ldap.empty_password"));
        if (r->req.bind_dn.empty() && has_password)
            return deliver(Status::error, msg("ldap.password_without_bind_dn"));
        // The rootDSE is still read (anonymously), so the verdict keeps the
        // server's facts; the bind and the search it would allow are left out.
        if (r->req.security == LdapSecurity::none && !r->req.bind_dn.empty() &&
            !(args.has("allow_plaintext_auth") && args.boolean("allow_plaintext_auth"))) {
            r->refused_plain_bind = r->req.bind_dn;
            r->req.bind_dn.clear();
            r->req.password = nullptr;
            r->req.base.clear();
        }
        r->cancel = ctx.cancel;
        // Weak: r holds the cancellation, which must not hold r back.
        r->stop_listening = r->cancel->on_cancel([weak = std::weak_ptr<LdapRun>(r)] {
            auto r = weak.lock();
            if (!r) return;
            if (r->cancel->cause() != CheckCancel::Cause::deadline)
                return r->finish(
                    make_result(Status::error, Reason::interrupted, msg("ldap.cancelled")));
            // A lookup still running has its own verdict at the deadline.
            if (!r->resolving)
                r->finish(make_result(Status::fail, Reason::timed_out,
                                      r->timeout_summary(static_cast<LdapStep>(r->step->load()))));
        });
        r->resolving = true;
        r->abandon = resolve_for_probe(
            ctx.io, r->req.host, ctx.cancel,
            [r](Resolution res) {
                r->resolving = false;
                r->abandon = nullptr;
                r->connect(res.addresses.front());
            },
            [r](ProbeResult failed) {
                r->resolving = false;
                r->finish(std::move(failed));
            });
        return [r] {
            r->finish(make_result(Status::error, Reason::interrupted, msg("ldap.cancelled")));
        };
    };
    return k;
}

} // namespace pf
