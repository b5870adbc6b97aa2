#include "probes/tls/tls.hpp"
#include "base/catalog.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/tls_connect.hpp"
#include "net/worker_pool.hpp"
#include "pki/interception.hpp"
#include "probes/tls/tls_report.hpp"
#include <asio/steady_timer.hpp>

namespace pf {

namespace {

// After the main handshake, how long the direct one (for comparing leaves)
// may still take: where only the proxy may go out, a direct connection is
// filtered and would otherwise hold every proxied check to its deadline.
constexpr auto direct_grace = std::chrono::seconds(2);

// What a tls check's verdict is made of: no sockets or timers, so that it
// can be judged on a CPU thread.
struct TlsCheck {
    std::string host, sni, pin_issuer, pin_spki;
    std::uint16_t port = 443;
    int min_version = 0;
    std::string min_text;
    bool private_ca = false;
    ProxyConfig proxy;
    TlsSettings tls; // the run's, with this check's expiry thresholds
    std::optional<TlsConnection> main, direct;
    std::string direct_problem;
    TrustHandle trust;         // the run's, when main's chain is to be judged
    std::string trust_problem; // why there is none (an unreadable trust file)

    std::string target() const { return host + ":" + std::to_string(port); }
    ProbeResult verdict() const;
};

struct TlsProbeRun : TlsCheck, std::enable_shared_from_this<TlsProbeRun> {
    TlsProbeRun(asio::io_context& io, CheckCancelPtr cancel, ProbeDone d)
        : io(io), cancel(std::move(cancel)), timer(io), done(std::move(d)) {}
    asio::io_context& io;
    CheckCancelPtr cancel;
    asio::steady_timer timer;
    OnceDone done;
    bool compare_direct = false;
    Clock::time_point deadline;
    std::function<void()> cancel_main, cancel_direct, cancel_judging;

    void cancel_all() {
        timer.cancel();
        if (cancel_main) cancel_main();
        if (cancel_direct) cancel_direct();
        if (cancel_judging) cancel_judging();
    }

    void maybe_finish() {
        if (!main || done.finished() || cancel_judging) return;
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
        // The verdict needs what the connections told, not the connections:
        // their TLS streams and SSL objects go now, on the loop.
        for (auto* leg : {&main, &direct})
            if (*leg) {
                std::error_code ignore;
                if ((*leg)->link) (*leg)->link->stream.lowest_layer().close(ignore);
                (*leg)->link.reset();
                (*leg)->tunnel.socket.reset();
            }
        if (main_open && !main->chain.empty()) {
            try {
                trust = run_trust(io, tls);
            } catch (const std::exception& e) { // an unreadable trust file
                trust_problem = e.what();
            }
        }
        // Verifying the chain and looking for interception is most of a
        // check's CPU after the handshake: on the CPU pool, while the loop
        // moves other checks' bytes. The check's data moves to the job.
        auto check = std::make_shared<const TlsCheck>(std::move(static_cast<TlsCheck&>(*this)));
        cancel_judging = compute<ProbeResult>(
            io, cancel, [check] { return check->verdict(); },
            [self = shared_from_this()](ProbeResult r) { self->finish(std::move(r)); });
    }

    void finish(ProbeResult r) {
        cancel_judging = nullptr;
        done(std::move(r));
    }
};

ProbeResult TlsCheck::verdict() const {
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
    if (!trust) {
        r.status = Status::error;
        r.reason = Reason::bad_input;
        r.summary = trust_problem;
        return r;
    }
    TlsVerdict v;
    // An explicit SNI is the name the client asks for, so the one the
    // certificate must carry (host may then be an address).
    v = verify_chain(c.chain, sni.empty() ? host : sni, tls, *trust);
    add_chain_blocks(r, c, v, target(), proxy);
    r.evidence.insert(r.evidence.end(), v.evidence.begin(), v.evidence.end());
    r.measurements.push_back({"certificate days left", v.min_days_left, "days"});

    InterceptionInput in;
    in.host = sni.empty() ? host : sni;
    in.port = port;
    in.sent = c.chain;
    in.verdict = &v;
    in.tls = &tls;
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
    k.verifies_chains = true;
    k.description = msg("probe.tls.description");
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
        auto r = std::make_shared<TlsProbeRun>(ctx.io, ctx.cancel, std::move(done));
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
        r->tls = with_check_thresholds(ctx.env.tls, args);
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
