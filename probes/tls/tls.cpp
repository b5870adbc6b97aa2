#include "probes/tls/tls.hpp"
#include "base/catalog.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/tls_connect.hpp"
#include "pki/interception.hpp"
#include "probes/tls/tls_report.hpp"
#include <asio/steady_timer.hpp>

namespace pf {

namespace {

// After the main handshake, how long the direct one (for comparing leaves)
// may still take: where only the proxy may go out, a direct connection is
// filtered and would otherwise hold every proxied check to its deadline.
constexpr auto direct_grace = std::chrono::seconds(2);

struct TlsProbeRun : std::enable_shared_from_this<TlsProbeRun> {
    TlsProbeRun(asio::io_context& io, ProbeDone d) : io(io), timer(io), done(std::move(d)) {}
    asio::io_context& io;
    asio::steady_timer timer;
    OnceDone done;
    std::string host, sni, pin_issuer, pin_spki;
    std::uint16_t port = 443;
    int min_version = 0;
    std::string min_text;
    bool private_ca = false;
    ProxyConfig proxy;
    TlsSettings tls_settings; // the run's, with this check's expiry thresholds
    const TlsSettings* tls = &tls_settings;
    bool compare_direct = false;
    Clock::time_point deadline;
    std::function<void()> cancel_main, cancel_direct;
    std::optional<TlsConnection> main, direct;
    std::string direct_problem;

    std::string target() const { return host + ":" + std::to_string(port); }

    void cancel_all() {
        timer.cancel();
        if (cancel_main) cancel_main();
        if (cancel_direct) cancel_direct();
    }

    void maybe_finish() {
        if (!main || done.finished()) return;
        bool main_open = main->outcome == TlsConnection::Outcome::open;
        if (main_open && compare_direct && !direct && direct_problem.empty()) {
            // Give the direct leg a little longer, then judge without it.
            auto until = std::min(deadline, Clock::now() + direct_grace);
            timer.expires_at(until);
            timer.async_wait([self = shared_from_this()](std::error_code ec) {
                if (ec || self->done.finished()) return;
                if (self->cancel_direct) self->cancel_direct();
                self->direct_problem =
                    evidence_line(msg("tls.direct_not_in_time", {{"target", self->target()}}));
                self->maybe_finish();
            });
            return;
        }
        cancel_all();
        // The legs' callbacks hold this run: drop them to break the cycle.
        cancel_main = cancel_direct = nullptr;
        done(verdict());
        // The verdict holds what the reports show; the connections (TLS
        // streams, SSL objects, chains) go now, not when the run ends.
        for (auto* leg : {&main, &direct})
            if (*leg && (*leg)->link) {
                std::error_code ignore;
                (*leg)->link->stream.lowest_layer().close(ignore);
            }
        main.reset();
        direct.reset();
    }

    ProbeResult verdict();
};

ProbeResult TlsProbeRun::verdict() {
    const TlsConnection& c = *main;
    ProbeResult r;
    add_connection_evidence(r, c, proxy, target(), sni);
    if (c.outcome != TlsConnection::Outcome::open) {
        r.status = Status::fail;
        r.reason = tls_connection_reason(c);
        if (c.failure_message.empty())
            r.summary = c.failure; // the tunnel's sentence (net/tunnel)
        else
            set_message(r, c.failure_message);
        return r;
    }
    if (c.chain.empty()) {
        r.status = Status::fail;
        r.reason = Reason::protocol_error;
        set_message(r, msg("tls.no_certificate", {{"target", target()}}));
        return r;
    }
    TlsVerdict v;
    TrustHandle trust;
    try {
        trust = run_trust(io, *tls);
    } catch (const std::exception& e) { // an unreadable trust file
        r.status = Status::error;
        r.reason = Reason::bad_input;
        r.summary = e.what();
        return r;
    }
    // An explicit SNI is the name the client asks for, so the one the
    // certificate must carry (host may then be an address).
    v = verify_chain(c.chain, sni.empty() ? host : sni, *tls, *trust);
    add_chain_blocks(r, c, v, target(), proxy);
    r.evidence.insert(r.evidence.end(), v.evidence.begin(), v.evidence.end());
    r.measurements.push_back({"certificate days left", v.min_days_left, "days"});

    InterceptionInput in;
    in.host = sni.empty() ? host : sni;
    in.port = port;
    in.sent = c.chain;
    in.verdict = &v;
    in.tls = tls;
    in.trust = trust.get();
    in.private_ca = private_ca;
    in.pin_issuer = pin_issuer;
    in.pin_spki = pin_spki;
    in.proxy_display = proxy.display();
    if (c.tunnel.via_proxy) {
        in.proxy_leaf = inspect(c.chain.front().get());
        if (direct && direct->outcome == TlsConnection::Outcome::open && !direct->chain.empty()) {
            in.direct_leaf = inspect(direct->chain.front().get());
            if (in.direct_leaf->sha256 != in.proxy_leaf->sha256)
                r.blocks.push_back(
                    {evidence_line(msg("tls.block_direct_certificate", {{"target", target()}})),
                     describe_lines(*in.direct_leaf)});
        } else {
            in.direct_problem = direct ? direct->failure : direct_problem;
        }
    }
    Interception x = detect_interception(in);
    r.evidence.insert(r.evidence.end(), x.evidence.begin(), x.evidence.end());
    r.alert = x.alert;

    bool old_protocol = c.version < min_version;
    Message protocol_problem =
        msg("tls.old_protocol",
            {{"protocol", c.protocol}, {"minimum", min_text}, {"target", target()}});
    if (x.detected) {
        r.status = Status::fail;
        r.reason = Reason::tls_interception;
        set_message(r, v.status == Status::pass
                           ? x.message
                           : msg("tls.interception_and_certificate",
                                 {{"interception", x.headline}, {"certificate", v.summary}}));
    } else if (old_protocol) {
        r.status = Status::fail;
        r.reason = Reason::old_tls_version;
        set_message(r, protocol_problem);
    } else {
        r.status = v.status;
        r.reason = tls_reason(v.diagnosis);
        if (v.status == Status::fail)
            set_message(r, v.message);
        else
            set_message(r, msg("tls.protocol_and_certificate",
                               {{"protocol", c.protocol}, {"certificate", v.summary}}));
    }
    if (old_protocol && x.detected) add_evidence(r, protocol_problem);
    bool summary_names_certificate = x.detected ? v.status != Status::pass : !old_protocol;
    if (!summary_names_certificate)
        add_evidence(r, msg("tls.certificate_evidence", {{"verdict", v.summary}}));
    add_interceptor(r, x);
    return r;
}

} // namespace

ProbeKind tls_probe() {
    ProbeKind k;
    k.name = "tls";
    k.description = "TLS handshake with a host: protocol, certificate chain against the trust "
                    "store, and signs of TLS interception";
    k.params = {
        {"host", ParamType::host, true, "", msg("param.tls.host")},
        {"port", ParamType::port, false, "443", msg("param.tls.port")},
        {"sni", ParamType::text, false, "", msg("param.tls.sni")},
        via_param(msg("param.tls.via")),
        {"pin_issuer", ParamType::text, false, "", msg("param.tls.pin_issuer")},
        {"pin_spki", ParamType::text, false, "", msg("param.tls.pin_spki")},
        {.name = "min_version",
         .type = ParamType::choice,
         .default_value = "1.2",
         .help = msg("param.tls.min_version"),
         .choices = {"1.0", "1.1", "1.2", "1.3"}},
        expiry_param("expiry_warn", msg("param.expiry_warn")),
        expiry_param("expiry_fail", msg("param.expiry_fail")),
        {"private_ca", ParamType::boolean, false, "false", msg("param.tls.private_ca")},
    };
    k.check_args = expiry_order;
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        // Defaults come from the declaration above (the planner fills them in).
        std::string via = args.text("via");
        auto proxy = proxy_for_via(via, ctx.env.proxy);
        if (auto bad = proxy_missing(via, proxy)) return deliver_now(ctx, std::move(done), *bad);
        auto r = std::make_shared<TlsProbeRun>(ctx.io, std::move(done));
        auto text = [&](const char* n) { return args.has(n) ? args.text(n) : std::string(); };
        r->host = args.text("host");
        r->port = args.port("port");
        r->sni = !text("sni").empty() ? text("sni") : is_ip_literal(r->host) ? "" : r->host;
        r->pin_issuer = text("pin_issuer");
        r->pin_spki = text("pin_spki");
        r->min_text = args.text("min_version");
        r->min_version = tls_version_from_text(r->min_text);
        r->private_ca = args.boolean("private_ca");
        // A checklist can set a check's thresholds; --expiry-warn/--expiry-fail
        // on the command line win over it.
        r->tls_settings = with_check_thresholds(ctx.env.tls, args);
        r->deadline = ctx.deadline;
        r->proxy = proxy;
        bool via_proxy = r->proxy.configured() && !r->proxy.bypassed_for(r->host);
        r->compare_direct = via_proxy;
        r->cancel_main =
            open_tls(ctx.io, r->proxy, r->host, r->port, r->sni, ctx.cancel, [r](TlsConnection c) {
                r->main = std::move(c);
                r->maybe_finish();
            });
        if (r->compare_direct)
            r->cancel_direct = open_tls(ctx.io, ProxyConfig{}, r->host, r->port, r->sni, ctx.cancel,
                                        [r](TlsConnection c) {
                                            r->direct = std::move(c);
                                            r->maybe_finish();
                                        });
        return [r] { r->cancel_all(); };
    };
    return k;
}

} // namespace pf
