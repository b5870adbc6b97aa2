#include "probes/ldap/ldap.hpp"
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
        const char* text;
    };
    static const Known reasons[] = {
        {"525", Reason::ad_user_not_found,
         "no such user: no account has this name (check bind_dn)"},
        {"52e", Reason::ldap_invalid_credentials,
         "invalid credentials: the password is wrong (or, for some name forms, no account has "
         "this name)"},
        {"530", Reason::ad_logon_restricted,
         "not permitted to log on at this time (the account's logon hours exclude now)"},
        {"531", Reason::ad_logon_restricted,
         "not permitted to log on at this workstation (the account's 'Log On To' list excludes "
         "this computer)"},
        {"532", Reason::ad_password_expired,
         "password expired: set a new password for the account"},
        {"533", Reason::ad_account_disabled, "account disabled: enable it in Active Directory"},
        {"701", Reason::ad_account_expired,
         "account expired: extend the account's expiry date in Active Directory"},
        {"773", Reason::ad_password_must_change,
         "the user must change the password before logging on: set a new password and clear "
         "'User must change password at next logon'"},
        {"775", Reason::ad_account_locked,
         "account locked out after too many wrong passwords: unlock it, and find what still uses "
         "an old password"},
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
            return k.text;
        }
    return {};
}

namespace {

const char* security_name(LdapSecurity s) {
    return s == LdapSecurity::ldaps      ? "LDAPS"
           : s == LdapSecurity::starttls ? "StartTLS"
                                         : "plain LDAP";
}

bool contains_text(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

std::string quoted_server_text(const LdapOutcome& o) {
    return o.diagnostic.empty() ? "" : ", server says '" + o.diagnostic + "'";
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

    std::string timeout_summary(LdapStep s) const {
        std::string lead = "timed out: " + where + " accepted the TCP connection but ";
        switch (s) {
        case LdapStep::connect:
            return "timed out: no connection to " + where + " before the deadline";
        case LdapStep::tls:
            return lead + "did not complete the TLS handshake" +
                   (req.security == LdapSecurity::ldaps
                        ? " (is this a plain LDAP port? LDAPS is 636, the Global Catalog over "
                          "TLS 3269; for 389 use " +
                              use_starttls + ")"
                        : " after StartTLS");
        case LdapStep::rootdse:
            return lead + "did not answer an LDAP request" +
                   (req.security == LdapSecurity::none
                        ? " (an LDAPS port such as 636 or 3269 waits for a TLS handshake: use " +
                              use_ldaps + ")"
                        : "");
        case LdapStep::bind:
            return lead + "did not answer the bind as '" + req.bind_dn + "'";
        case LdapStep::search:
            return lead + "did not finish the search of '" + req.base + "'";
        case LdapStep::done:
            break;
        }
        return lead + "did not answer in time";
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
                                             ProbeResult::make(Status::fail, connect_reason(o.kind),
                                                               diagnose(o, self->req.host)));
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
                verdict->summary = std::string("cannot read the trust store: ") + e.what();
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
    r.evidence.push_back(std::string(security_name(req.security)) + " to " + where +
                         (o.tls_version.empty() ? "" : " (" + o.tls_version + ")"));
    if (!o.chain.empty()) {
        if (!tls_verdict->summary.empty())
            r.evidence.push_back("certificate: " + tls_verdict->summary);
        EvidenceBlock b{"Certificate chain sent by " + where, {}};
        for (std::size_t i = 0; i < o.chain.size(); ++i) {
            b.lines.push_back("#" + std::to_string(i) + (i == 0 ? " (server certificate)" : ""));
            for (const auto& l : describe_lines(inspect(o.chain[i].get())))
                b.lines.push_back("   " + l);
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
        std::string line = std::string("rootDSE ") + shown[i] + ": ";
        for (std::size_t k = 0; k < it->second.size(); ++k)
            line += (k ? ", " : "") + it->second[k];
        r.evidence.push_back(line);
    }
    if (!o.rootdse_error.empty())
        r.evidence.push_back("rootDSE not readable anonymously: " + o.rootdse_error);
    for (const auto& [name, ms] : o.timings_ms)
        r.measurements.push_back({name, ms, "ms"});
}

ProbeResult LdapRun::failure(const LdapOutcome& o) {
    auto s = static_cast<LdapStep>(o.step);
    auto fail = [](Reason why, std::string text) {
        return ProbeResult::make(Status::fail, why, std::move(text));
    };
    // The connection broke or the peer sent something else than LDAP.
    Reason lost = o.not_ldap ? Reason::protocol_error : Reason::connection_closed;
    if (o.tls_refused)
        return ProbeResult::make(tls_verdict->status == Status::error ? Status::error
                                                                      : Status::fail,
                                 verdict_reason(*tls_verdict),
                                 tls_verdict->summary + " (" + security_name(req.security) +
                                     " to " + where + "; nothing was sent over it)");
    if (o.tls_unchecked)
        return ProbeResult::make(
            Status::error, Reason::tls_handshake_failed,
            "cannot check the certificate of " + where + " (" + o.error +
                "): preflight sends nothing over a connection whose certificate it could not "
                "check");
    if (o.timed_out) return fail(Reason::timed_out, timeout_summary(s));
    switch (s) {
    case LdapStep::connect:
        return fail(Reason::connect_failed,
                    "cannot open an LDAP connection to " + where + " (" + result_text(o) + ")");
    case LdapStep::tls:
        if (!o.api_error)
            return fail(Reason::no_starttls,
                        "the server refused StartTLS on " + where + " (" + result_text(o) +
                            "): it has no certificate configured or does not offer StartTLS; use " +
                            use_ldaps + " (port 636) or configure the server's certificate");
        // Linux: the connection's end has code -1 and no TLS failure text;
        // Wldap32's TLS errors have codes of their own.
        return fail(o.tls_failure.empty() && o.code == -1 ? lost : Reason::tls_handshake_failed,
                    "TLS handshake with " + where + " failed (" + result_text(o) + ")" +
                        (req.security == LdapSecurity::ldaps
                             ? ": is this a plain LDAP port? LDAPS is 636, the Global Catalog "
                               "over TLS 3269; for 389 use " +
                                   use_starttls
                             : ": the server's TLS setup rejects this client"));
    case LdapStep::rootdse:
        return fail(lost, "no LDAP answer from " + where + " (" + result_text(o) + ")" +
                              (req.security == LdapSecurity::none
                                   ? ": an LDAPS port (636, 3269) closes a connection that does "
                                     "not start with TLS; use " +
                                         use_ldaps
                                   : ""));
    case LdapStep::bind: {
        std::string who = "bind as '" + req.bind_dn + "' rejected";
        if (o.api_error) return fail(lost, who + " (" + result_text(o) + ")");
        if (o.code == 8 || o.code == 13)
            return fail(Reason::ldap_strong_auth_required,
                        who + ": the server requires transport encryption for a simple bind (" +
                            result_text(o) + "); use " + use_ldaps +
                            " (port 636, Global Catalog 3269) or " + use_starttls + " on 389");
        if (o.code == 49) {
            std::string sub;
            Reason why = Reason::ldap_invalid_credentials;
            std::string reason = ad_bind_reason(o.diagnostic, &sub, &why);
            if (!reason.empty())
                return fail(why, who + ": " + reason + " (LDAP 49, AD data " + sub + ")");
            return fail(Reason::ldap_invalid_credentials,
                        who + ": invalid credentials (" + result_text(o) +
                            "): the DN does not exist or the password is wrong");
        }
        return fail(Reason::ldap_error, who + " (" + result_text(o) + ")");
    }
    case LdapStep::search:
        if (o.code == 32 && !o.api_error)
            return fail(Reason::ldap_search_failed,
                        "search base '" + req.base + "' does not exist on " + where +
                            " (LDAP 32 noSuchObject); " +
                            (o.matched_dn.empty()
                                 ? std::string("no part of it exists")
                                 : "the nearest existing entry is '" + o.matched_dn + "'"));
        if (o.bad_filter)
            return ProbeResult::make(Status::error, Reason::bad_input,
                                     "filter '" + req.filter + "' is not a valid LDAP filter");
        return fail(o.api_error ? lost : Reason::ldap_search_failed,
                    "search of '" + req.base + "' failed (" + result_text(o) + ")" +
                        (req.bind_dn.empty() ? ": the server may not allow anonymous searches; "
                                               "set bind_dn and password"
                                             : ""));
    case LdapStep::done:
        break;
    }
    return fail(o.api_error ? lost : Reason::ldap_error, result_text(o));
}

ProbeResult LdapRun::verdict(const LdapOutcome& o) {
    ProbeResult r =
        o.step == LdapStep::done ? ProbeResult::make(Status::pass, Reason::ok, "") : failure(o);
    add_facts(r, o);
    if (!refused_plain_bind.empty() && o.step == LdapStep::done) {
        r.status = Status::fail;
        r.reason = Reason::plaintext_auth_refused;
        r.summary = "bind as '" + refused_plain_bind + "' not attempted: over plain LDAP on " +
                    where +
                    " its password would cross the network in clear text; use "
                    "--set ldap_security=ldaps (port 636) or --set ldap_security=starttls, or "
                    "allow a clear-text bind explicitly with --set "
                    "ldap_allow_plaintext_auth=true (probe: allow_plaintext_auth=true)";
        return r;
    }
    if (o.step != LdapStep::done) {
        if (!o.diagnostic.empty() && !contains_text(r.summary, o.diagnostic))
            r.evidence.push_back("the server's message: " + o.diagnostic);
        return r;
    }
    std::vector<std::string> parts;
    auto first = [&](const char* name) {
        auto it = o.rootdse.find(name);
        return it == o.rootdse.end() || it->second.empty() ? std::string() : it->second.front();
    };
    std::string head = std::string(security_name(req.security)) + " on " + where + " answers";
    if (!first("dnshostname").empty()) head += " as " + first("dnshostname");
    if (!first("defaultnamingcontext").empty())
        head += " (default naming context " + first("defaultnamingcontext") + ")";
    parts.push_back(head);
    bool gc_port = req.port == 3268 || req.port == 3269;
    if (gc_port && first("isglobalcatalogready") != "TRUE" && !o.rootdse.empty()) {
        r.status = Status::warn;
        r.reason = Reason::ldap_not_global_catalog;
        parts.push_back("but it is not a ready Global Catalog (isGlobalCatalogReady is not TRUE)");
    }
    if (o.bound) {
        parts.push_back("bound as '" + req.bind_dn + "'");
        if (req.security == LdapSecurity::none) {
            r.status = Status::warn;
            r.reason = Reason::plaintext_auth_sent;
            parts.push_back("but over an unencrypted connection, so the password crossed the "
                            "network in clear text: use " +
                            use_ldaps + " or " + use_starttls);
        }
    }
    if (!req.base.empty())
        parts.push_back("base '" + req.base + "' exists with " +
                        (o.size_limited ? "at least " : "") + std::to_string(o.entries) +
                        (o.entries == 1 ? " entry" : " entries") + " matching " + req.filter);
    if (tls_verdict->status == Status::warn) {
        r.status = Status::warn;
        r.reason = verdict_reason(*tls_verdict);
        parts.push_back(tls_verdict->summary);
    }
    for (std::size_t i = 0; i < parts.size(); ++i)
        r.summary += (i ? "; " : "") + parts[i];
    return r;
}

} // namespace

ProbeKind ldap_probe() {
    ProbeKind k;
    k.name = "ldap";
    k.description =
        "Reads an LDAP / Active Directory server's rootDSE, binds, checks a search base";
    k.params = {
        {"host", ParamType::host, true, "", "the LDAP server or domain controller"},
        {"port", ParamType::port, false, "",
         "port (default 389, 636 for ldaps; the Global Catalog is 3268, 3269 over TLS)"},
        {.name = "security",
         .type = ParamType::choice,
         .default_value = "none",
         .help = "plain LDAP, StartTLS on the LDAP port, or LDAPS",
         .choices = {"none", "starttls", "ldaps"}},
        {"bind_dn", ParamType::text, false, "",
         "account for a simple bind: a DN, user@domain or DOMAIN\\user (empty: anonymous)"},
        {"password", ParamType::text, false, "", "the bind account's password", true},
        {"allow_plaintext_auth", ParamType::boolean, false, "false",
         "true: a bind with security=none may send the password in clear text; otherwise it "
         "is not attempted"},
        {"base", ParamType::text, false, "", "a search base that must exist (empty: no search)"},
        {"filter", ParamType::text, false, "(objectClass=*)",
         "entries under base counted with this filter"},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<LdapRun>(ctx.io, std::move(done));
        auto text = [&](const char* n) { return args.has(n) ? args.text(n) : std::string(); };
        auto deliver = [&](Status s, std::string summary) {
            return deliver_now(
                ctx, [r](ProbeResult x) { r->finish(std::move(x)); },
                ProbeResult::make(s, Reason::bad_input, std::move(summary)));
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
            return deliver(Status::error, "ldap check: bind_dn is set but the password is empty; "
                                          "an empty password would bind without being checked");
        if (r->req.bind_dn.empty() && has_password)
            return deliver(Status::error, "ldap check: a password is given but no bind_dn");
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
        r->stop_listening = r->cancel->on_cancel([r] {
            if (r->cancel->cause() != CheckCancel::Cause::deadline)
                return r->finish(
                    ProbeResult::make(Status::error, Reason::interrupted, "cancelled"));
            // A lookup still running has its own verdict at the deadline.
            if (!r->resolving)
                r->finish(
                    ProbeResult::make(Status::fail, Reason::timed_out,
                                      r->timeout_summary(static_cast<LdapStep>(r->step->load()))));
        });
        r->resolving = true;
        r->abandon = resolve_for_probe(
            ctx.io, r->req.host, ctx.deadline,
            [r](Resolution res) {
                r->resolving = false;
                r->abandon = nullptr;
                r->connect(res.addresses.front());
            },
            [r](ProbeResult failed) {
                r->resolving = false;
                r->finish(std::move(failed));
            });
        return
            [r] { r->finish(ProbeResult::make(Status::error, Reason::interrupted, "cancelled")); };
    };
    return k;
}

} // namespace pf
