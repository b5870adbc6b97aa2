#include "probes/web/proxy.hpp"
#include "base/catalog.hpp"
#include "base/text.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/tunnel.hpp"

namespace pf {
namespace {

ProbeResult tunnel_verdict(const Tunnel& t, const std::string& target, const ProxyConfig& proxy) {
    ProbeResult r;
    r.status = Status::fail;
    r.reason = tunnel_reason(t);
    if (!t.status_line.empty())
        add_evidence(r, msg("proxy_check.answered", {{"status_line", t.status_line}}));
    for (const auto& s : t.auth_schemes)
        add_evidence(r, msg("http.header", {{"name", "Proxy-Authenticate"}, {"value", s}}));
    if (!t.proxy_agent.empty())
        add_evidence(r, msg("proxy_check.software", {{"agent", t.proxy_agent}}));
    add_evidence(r, t.credentials_scheme.empty() ? msg("proxy_check.no_credentials")
                    : t.negotiate_sent || t.credentials_scheme == "Negotiate"
                        ? msg("proxy_check.negotiate_credentials")
                        : msg("proxy_check.credentials",
                              {{"scheme", t.credentials_scheme}, {"user", proxy.user}}));
    add_evidence(r, proxy.origin.empty() ? msg("proxy_check.from_settings")
                                         : msg("proxy_check.from", {{"origin", proxy.origin}}));
    if (t.connect_ms > 0) r.measurements.push_back({"connect", t.connect_ms, "ms"});
    if (t.tunnel_ms > 0) r.measurements.push_back({"CONNECT", t.tunnel_ms, "ms"});
    using O = Tunnel::Outcome;
    using K = ConnectOutcome::Kind;
    switch (t.outcome) {
    case O::open:
        r.status = Status::pass;
        set_message(
            r, msg("proxy_check.established", {{"target", target},
                                               {"proxy", proxy.display()},
                                               {"time", ms_text(t.connect_ms + t.tunnel_ms)}}));
        break;
    case O::proxy_auth_required:
        r.summary = proxy_auth_needed(t.auth_schemes, proxy);
        break;
    case O::proxy_auth_failed:
        r.summary = proxy_auth_rejected(t.auth_schemes, proxy);
        break;
    case O::proxy_forbidden:
        r.summary = proxy_blocked(target, proxy, t.status_line);
        break;
    case O::proxy_target_failed:
        r.summary = proxy_cannot_reach(target, proxy, t.status_line);
        break;
    case O::proxy_unreachable: {
        auto fault = t.connect.kind == K::refused       ? ProxyFault::refused
                     : t.connect.kind == K::timed_out   ? ProxyFault::timed_out
                     : t.connect.kind == K::unreachable ? ProxyFault::unreachable
                                                        : ProxyFault::other;
        r.evidence.push_back(describe(t.connect));
        auto detail =
            fault == ProxyFault::timed_out
                ? evidence_line(msg("http.no_connection_within", {{"time", ms_text(t.connect.ms)}}))
            : t.connect.detail.empty() ? describe(t.connect)
                                       : t.connect.detail;
        r.summary = proxy_itself(fault, proxy, detail, target);
        break;
    }
    case O::name_not_resolved:
        r.summary = proxy_itself(ProxyFault::name, proxy, t.detail, target);
        break;
    case O::timed_out:
        r.summary = proxy_connect_timed_out(t, target, proxy);
        break;
    default:
        r.summary = describe(t, target, proxy);
    }
    return r;
}

struct ProxyRun {
    explicit ProxyRun(ProbeDone d) : done(std::move(d)) {}
    OnceDone done;
    std::function<void()> cancel;
};

} // namespace

ProbeKind proxy_probe() {
    ProbeKind k;
    k.name = "proxy";
    k.verifies_chains = true;
    k.description = msg("probe.proxy.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.proxy.host")},
        {"port", ParamType::port, false, "443", msg("param.proxy.port")},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        const ProxyConfig& proxy = ctx.env.proxy;
        std::string host = args.text("host");
        auto port = args.port("port"); // 443 by the declaration
        std::string target = host_port(host, port);
        if (auto why = no_proxy_reason(proxy, host); !why.empty())
            return deliver_now(ctx, std::move(done),
                               ProbeResult::make(Status::skip, Reason::not_applicable, why));
        auto run = std::make_shared<ProxyRun>(std::move(done));
        run->cancel =
            open_tunnel(ctx.io, proxy, host, port, ctx.cancel, [run, target, proxy](Tunnel t) {
                if (t.socket) {
                    std::error_code ignore;
                    t.socket->close(ignore);
                }
                // Ends the cycle run -> cancel -> tunnel -> run.
                run->cancel = nullptr;
                auto r = tunnel_verdict(t, target, proxy);
                run->done(std::move(r));
            });
        return [run] {
            if (run->cancel) run->cancel();
        };
    };
    return k;
}

} // namespace pf
