#include "probes/web/activesync.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "probes/web/web_request.hpp"

namespace pf {

namespace {

struct Part {
    Status status = Status::pass;
    Reason reason = Reason::ok;
    Message text;
};

struct Params {
    std::string host, path, user, client_cert;
    SecretRef password;
    std::uint16_t port = 0, http_port = 0;
    unsigned long auth = CURLAUTH_BASIC;
    std::string auth_text;
    bool require_ssl = false;
};

// The host is a bare name (ParamType::host: no scheme, path or port, as the
// profile's Exchange ActiveSync Host field wants it) and the choices are
// checked before the run starts; defaults come from the declaration.
std::optional<std::string> read_params(const ProbeArgs& a, Params& p) {
    auto text = [&](const char* n) { return a.has(n) ? a.text(n) : std::string(); };
    p.host = text("host");
    p.port = a.port("port");
    p.http_port = a.port("http_port");
    p.path = text("path");
    if (p.path.empty() || p.path.front() != '/') p.path.insert(0, "/");
    p.user = text("user");
    p.password = a.secret("password");
    if (!p.user.empty() && (!p.password || p.password->empty()))
        return evidence_line(msg("activesync.user_without_password", {{"user", p.user}}));
    p.client_cert = text("client_cert");
    p.auth_text = text("auth");
    p.auth = p.auth_text == "ntlm"  ? CURLAUTH_NTLM
             : p.auth_text == "any" ? CURLAUTH_ANY
                                    : CURLAUTH_BASIC;
    p.require_ssl = a.boolean("require_ssl");
    return std::nullopt;
}

struct ActiveSyncRun : std::enable_shared_from_this<ActiveSyncRun> {
    ActiveSyncRun(const ProbeContext& ctx, ProbeDone d) : ctx(ctx), done(std::move(d)) {}
    ProbeContext ctx;
    OnceDone done;
    Params p;
    std::function<void()> cancel_step;
    ProbeResult r;
    std::vector<Part> parts;
    bool cert_requested = false, cert_demanded = false;
    std::string url;

    void deliver(ProbeResult result) {
        cancel_step = nullptr;
        done(std::move(result));
    }

    void cancel() {
        if (cancel_step) cancel_step();
        cancel_step = nullptr;
    }

    WebCall options(const std::string& scheme, std::uint16_t port) const {
        WebCall c;
        c.target = {scheme, p.host, port, p.path};
        c.method = "OPTIONS";
        return c;
    }

    void start() {
        url = options("https", p.port).target.url();
        auto self = shared_from_this();
        cancel_step = look_at_tls(ctx, p.host, p.port,
                                  [self](TlsLook look) { self->looked(std::move(look)); });
    }

    // The server ends the handshake (TLS 1.2) or the connection (TLS 1.3,
    // where the client's certificate follows its Finished) when no client
    // certificate comes: nothing over HTTP can be checked without one.
    void certificate_only(const ProbeResult& failure) {
        cert_demanded = true;
        r.evidence.insert(r.evidence.end(), failure.evidence.begin(), failure.evidence.end());
        add_evidence(r, msg("activesync.without_certificate", {{"what", failure.summary}}));
        bool required = p.client_cert == "require";
        parts.push_back({required ? Status::pass : Status::warn,
                         required ? Reason::ok : Reason::http_auth_required,
                         required ? msg("activesync.certificate_only", {{"url", url}})
                                  : msg("activesync.certificate_only_unchecked", {{"url", url}})});
        after_credentials();
    }

    void looked(TlsLook look) {
        if (look.failure && look.connection.certificate_requested &&
            look.connection.outcome == TlsConnection::Outcome::handshake_failed) {
            cert_requested = true;
            return certificate_only(*look.failure);
        }
        if (look.failure) return deliver(std::move(*look.failure));
        const TlsConnection& c = look.connection;
        add_evidence(r, msg("activesync.tls",
                            {{"protocol", c.protocol}, {"verdict", look.verdict->summary}}));
        cert_requested = c.certificate_requested;
        if (cert_requested && c.acceptable_issuers.empty())
            add_evidence(r, msg("activesync.certificate_requested"));
        else if (cert_requested)
            add_evidence(r, msg("activesync.certificate_requested_from",
                                {{"issuers", list_text(c.acceptable_issuers, "; ")}}));
        else
            add_evidence(r, msg("activesync.certificate_not_requested"));
        if (look.verdict->status == Status::warn)
            parts.push_back({Status::warn, tls_reason(look.verdict->diagnosis),
                             msg("activesync.tls_warning", {{"verdict", look.verdict->summary}})});
        auto self = shared_from_this();
        cancel_step = web_request(ctx, options("https", p.port),
                                  [self](WebAnswer a) { self->anonymous(std::move(a)); });
    }

    // label: the request, a message whose {request} is the request's line.
    void keep(const WebAnswer& a, Message label) {
        for (auto& [name, value] : label.args)
            if (name == "request") value = a.evidence.front();
        add_evidence(r, label);
        if (const HttpHead* h = a.head()) {
            add_evidence(r, msg("evidence.indented", {{"line", h->status_line}}));
            for (const auto* name :
                 {"WWW-Authenticate", "MS-ASProtocolVersions", "MS-ASProtocolCommands"})
                for (const auto& v : h->values(name))
                    add_evidence(
                        r, msg("evidence.indented",
                               {{"line", evidence_line(msg("http.header",
                                                           {{"name", name}, {"value", v}}))}}));
        }
    }

    // The answer to OPTIONS without credentials: 401 and the schemes.
    void anonymous(WebAnswer a) {
        // Only a transfer that curl ran and the server cut short: a lookup
        // or trust-store failure never reached the handshake.
        if (a.failure && cert_requested && a.x.code != CURLE_OK &&
            a.x.code != CURLE_COULDNT_CONNECT && a.x.code != CURLE_OPERATION_TIMEDOUT &&
            !a.x.deadline_passed)
            return certificate_only(*a.failure);
        if (a.failure) return deliver(std::move(*a.failure));
        r.evidence.push_back(a.evidence.back()); // the address
        keep(a, msg("activesync.without_credentials", {{"request", ""}}));
        long code = a.x.response_code;
        std::string status = status_text(code, a.head());
        if (client_certificate_demanded(a)) {
            cert_demanded = true;
            parts.push_back(
                {Status::pass, Reason::ok,
                 msg("activesync.requires_certificate", {{"url", url}, {"status", status}})});
        } else if (code == 401) {
            auto schemes = auth_schemes(a.head()->values("WWW-Authenticate"));
            parts.push_back(schemes.empty()
                                ? Part{Status::warn, Reason::http_auth_required,
                                       msg("activesync.no_scheme", {{"url", url}})}
                                : Part{Status::pass, Reason::ok,
                                       msg("activesync.schemes",
                                           {{"url", url}, {"schemes", list_text(schemes)}})});
        } else if (auto iis = iis_forbidden_text(a)) {
            parts.push_back(
                {Status::fail, Reason::http_status, msg("activesync.iis", {{"text", *iis}})});
        } else if (code == 404) {
            parts.push_back({Status::fail, Reason::http_status,
                             msg("activesync.not_found", {{"url", url}, {"path", p.path}})});
        } else if (code == 200) {
            parts.push_back({Status::warn, Reason::unexpected_content,
                             msg("activesync.anonymous", {{"url", url}})});
        } else if (code >= 300 && code < 400) {
            parts.push_back(
                {Status::fail, Reason::http_status,
                 msg("activesync.redirects",
                     {{"url", url}, {"status", status}, {"location", a.x.redirect_url}})});
        } else {
            parts.push_back(
                {Status::fail, Reason::http_status,
                 code >= 500
                     ? msg("activesync.server_error", {{"url", url}, {"status", status}})
                     : msg("activesync.unexpected_status", {{"url", url}, {"status", status}})});
        }
        if (p.user.empty()) return after_credentials();
        auto call = options("https", p.port);
        call.user = p.user;
        call.password = p.password;
        call.auth = p.auth;
        auto self = shared_from_this();
        cancel_step = web_request(ctx, std::move(call),
                                  [self](WebAnswer a) { self->signed_in(std::move(a)); });
    }

    void signed_in(WebAnswer a) {
        if (a.failure) return deliver(std::move(*a.failure));
        keep(a, msg("activesync.with_credentials", {{"user", p.user}, {"request", ""}}));
        add_evidence(r, p.auth_text == "any"
                            ? msg("activesync.sent_strongest")
                            : msg("activesync.sent_with",
                                  {{"scheme", p.auth_text == "ntlm" ? "NTLM" : "Basic"}}));
        long code = a.x.response_code;
        std::string status = status_text(code, a.head());
        const std::string& who = p.user;
        if (code == 200) {
            auto versions = a.head()->values("MS-ASProtocolVersions");
            parts.push_back(versions.empty()
                                ? Part{Status::warn, Reason::unexpected_content,
                                       msg("activesync.no_versions", {{"user", who}})}
                                : Part{Status::pass, Reason::ok,
                                       msg("activesync.accepted",
                                           {{"user", who}, {"versions", list_text(versions)}})});
        } else if (code == 401) {
            parts.push_back({Status::fail, Reason::http_auth_rejected,
                             msg("activesync.rejected", {{"user", who}, {"status", status}})});
        } else if (client_certificate_demanded(a)) {
            cert_demanded = true;
            parts.push_back(
                {Status::warn, Reason::http_auth_required,
                 msg("activesync.password_impossible", {{"user", who}, {"status", status}})});
        } else if (auto iis = iis_forbidden_text(a)) {
            parts.push_back(
                {Status::fail, Reason::http_status, msg("activesync.iis", {{"text", *iis}})});
        } else {
            parts.push_back({Status::fail, Reason::http_status,
                             msg("activesync.unexpected_signed_in_status",
                                 {{"user", who}, {"status", status}, {"url", url}})});
        }
        after_credentials();
    }

    void after_credentials() {
        if (cert_requested || cert_demanded)
            parts.push_back({Status::pass, Reason::ok,
                             cert_requested ? msg("activesync.certificate_auth_requested")
                                            : msg("activesync.certificate_auth_required")});
        else if (p.client_cert == "require")
            parts.push_back({Status::fail, Reason::no_client_certificate_auth,
                             msg("activesync.certificate_not_asked")});
        if (!p.require_ssl) return finish();
        auto self = shared_from_this();
        cancel_step = web_request(ctx, options("http", p.http_port),
                                  [self](WebAnswer a) { self->plain(std::move(a)); });
    }

    // require_ssl: plain HTTP must not serve ActiveSync.
    void plain(WebAnswer a) {
        std::string plain_url = a.route.url;
        long code = a.x.response_code;
        std::string status = status_text(code, a.head());
        // Not reaching the port (refused, or silence from a firewall) proves
        // nothing is served; a lookup that failed or ran out of time does not.
        if (a.failure && (a.x.code == CURLE_OK || a.x.code == CURLE_COULDNT_RESOLVE_HOST)) {
            parts.push_back({Status::warn, a.failure->reason,
                             msg("activesync.plain_untried", {{"what", a.failure->summary}})});
            return finish();
        }
        if (a.failure) {
            add_evidence(r, msg("activesync.plain", {{"request", a.failure->summary}}));
            bool refused = a.failure->reason == Reason::refused;
            parts.push_back({Status::pass, Reason::ok,
                             refused ? msg("activesync.plain_refused", {{"url", plain_url}})
                                     : msg("activesync.plain_silent", {{"url", plain_url}})});
            return finish();
        }
        keep(a, msg("activesync.plain", {{"request", ""}}));
        if (code >= 300 && code < 400 && a.x.redirect_url.rfind("https://", 0) == 0)
            parts.push_back({Status::pass, Reason::ok,
                             msg("activesync.plain_redirects", {{"location", a.x.redirect_url}})});
        else if (code == 403 && iis_substatus(a.x.body) && iis_substatus(a.x.body)->code == "403.4")
            parts.push_back({Status::pass, Reason::ok, msg("activesync.plain_ssl_required")});
        else if (code == 200 || code == 401 || (code >= 300 && code < 400))
            parts.push_back({Status::fail, Reason::plaintext_served,
                             msg("activesync.plain_served",
                                 {{"url", plain_url}, {"status", status}, {"port", p.http_port}})});
        else
            parts.push_back(
                {Status::pass, Reason::ok,
                 msg("activesync.plain_not_served", {{"url", plain_url}, {"status", status}})});
        finish();
    }

    void finish() {
        r.status = Status::pass;
        r.reason = Reason::ok;
        for (const auto& part : parts)
            if (part.status < r.status) { // worst first in Status
                r.status = part.status;
                r.reason = part.reason;
            }
        std::vector<std::string> texts;
        for (const auto& part : parts)
            if (r.status == Status::pass || part.status == r.status)
                texts.push_back(evidence_line(part.text));
        set_message(r, msg("activesync.summary", {{"parts", join_clauses(texts)}}));
        for (const auto& part : parts)
            if (part.status != r.status) add_evidence(r, part.text);
        deliver(std::move(r));
    }
};

} // namespace

ProbeKind activesync_probe() {
    ProbeKind k;
    k.name = "activesync";
    k.verifies_chains = true;
    k.description = msg("probe.activesync.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.activesync.host")},
        {"port", ParamType::port, false, "443", msg("param.activesync.port")},
        {"path", ParamType::text, false, "/Microsoft-Server-ActiveSync",
         msg("param.activesync.path")},
        {"user", ParamType::text, false, "", msg("param.activesync.user")},
        {"password", ParamType::text, false, "", msg("param.activesync.password"), true},
        {.name = "auth",
         .type = ParamType::choice,
         .default_value = "basic",
         .help = msg("param.activesync.auth"),
         .choices = {"basic", "ntlm", "any"}},
        {.name = "client_cert",
         .type = ParamType::choice,
         .default_value = "report",
         .help = msg("param.activesync.client_cert"),
         .choices = {"report", "require"}},
        {"require_ssl", ParamType::boolean, false, "false", msg("param.activesync.require_ssl")},
        {"http_port", ParamType::port, false, "80", msg("param.activesync.http_port")},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto run = std::make_shared<ActiveSyncRun>(ctx, std::move(done));
        if (auto problem = read_params(args, run->p))
            return deliver_now(
                ctx, [run](ProbeResult r) { run->deliver(std::move(r)); },
                make_result(Status::error, Reason::not_configured,
                            msg("activesync.bad_parameters", {{"problem", *problem}})));
        run->start();
        return [run] { run->cancel(); };
    };
    return k;
}

} // namespace pf
