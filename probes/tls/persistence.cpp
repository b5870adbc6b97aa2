#include "probes/tls/persistence.hpp"
#include "base/catalog.hpp"
#include "base/human_format.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/tls_connect.hpp"
#include "probes/tls/tls_report.hpp"
#include <asio/steady_timer.hpp>

namespace pf {

namespace {

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s < 10 ? "%.1f" : "%.0f", s);
    return with_seconds(buf);
}

struct IdleRun : std::enable_shared_from_this<IdleRun> {
    IdleRun(asio::io_context& io, ProbeDone d) : timer(io), done(std::move(d)) {}
    asio::steady_timer timer;
    OnceDone done;
    std::string host, sni;
    std::uint16_t port = 443;
    ProxyConfig proxy;
    std::chrono::milliseconds idle{0};
    Clock::time_point deadline, idle_start;
    std::function<void()> cancel_open;
    TlsConnection c;
    std::shared_ptr<TlsLink> link;
    char byte = 0;

    std::string target() const { return host + ":" + std::to_string(port); }
    double idle_seconds() const {
        return std::chrono::duration<double>(Clock::now() - idle_start).count();
    }

    void stop() {
        timer.cancel();
        if (cancel_open) cancel_open();
        cancel_open = nullptr;
        if (link) {
            std::error_code ignore;
            link->stream.lowest_layer().close(ignore);
        }
    }

    ProbeResult base(Status s, Reason why, std::string summary) {
        ProbeResult r = ProbeResult::make(s, why, std::move(summary));
        add_connection_evidence(r, c, proxy, target(), sni);
        return r;
    }
    ProbeResult base(Status s, Reason why, Message m) {
        ProbeResult r = make_result(s, why, std::move(m));
        add_connection_evidence(r, c, proxy, target(), sni);
        return r;
    }

    void opened(TlsConnection conn) {
        cancel_open = nullptr;
        c = std::move(conn);
        if (c.outcome != TlsConnection::Outcome::open) {
            stop();
            Reason why = tls_connection_reason(c);
            return done(c.failure_message.empty() ? base(Status::fail, why, c.failure)
                                                  : base(Status::fail, why, c.failure_message));
        }
        link = c.link;
        idle_start = Clock::now();
        auto self = shared_from_this();
        timer.expires_at(std::min(deadline, idle_start + idle));
        timer.async_wait([self](std::error_code ec) {
            if (!ec) self->timer_fired();
        });
        watch();
    }

    // One byte at a time: OpenSSL handles TLS 1.3 session tickets and other
    // records itself, so only application data or the end of the
    // connection completes a read.
    void watch() {
        auto self = shared_from_this();
        link->stream.async_read_some(asio::buffer(&byte, 1),
                                     [self](std::error_code ec, std::size_t) {
                                         if (self->done.finished()) return;
                                         if (!ec) return self->watch();
                                         self->closed(ec);
                                     });
    }

    void closed(std::error_code ec) {
        double s = idle_seconds();
        bool close_notify = link->alert_received.find("close notify") != std::string::npos;
        ProbeResult r;
        if (close_notify) {
            // A TLS close_notify comes from a TLS endpoint: the server (or a
            // device terminating TLS for it) ended the session, not the path.
            r = base(Status::warn, Reason::idle_connection_dropped,
                     msg("tls_idle.server_ended", {{"time", seconds_text(s)}}));
        } else if (c.tunnel.via_proxy) {
            r = base(Status::fail, Reason::idle_connection_dropped,
                     msg("tls_idle.proxy_path_closed",
                         {{"time", seconds_text(s)}, {"proxy", proxy.display()}}));
        } else {
            r = base(Status::fail, Reason::idle_connection_dropped,
                     msg("tls_idle.path_closed", {{"time", seconds_text(s)}}));
        }
        std::string how = ec == asio::error::connection_reset ? render(msg("tls_idle.tcp_reset"))
                          : ec == asio::error::eof || ec == asio::ssl::error::stream_truncated
                              ? render(msg("tls_idle.tcp_close"))
                              : ec.message();
        add_evidence(r, close_notify ? msg("tls_idle.closed_after_notify",
                                           {{"time", seconds_text(s)}, {"how", how}})
                                     : msg("tls_idle.closed_without_notify",
                                           {{"time", seconds_text(s)}, {"how", how}}));
        // A server dropping silent clients without close_notify looks the
        // same from here; the direct path tells them apart.
        if (!close_notify)
            add_evidence(r, c.tunnel.via_proxy ? msg("tls_idle.same_as_server_via_proxy")
                                               : msg("tls_idle.same_as_server"));
        r.measurements.push_back({"idle until closed", s, "s"});
        stop();
        done(r);
    }

    void timer_fired() {
        double s = idle_seconds();
        double want = std::chrono::duration<double>(idle).count();
        ProbeResult r;
        if (s + 0.001 >= want && c.tunnel.via_proxy)
            r = base(
                Status::pass, Reason::ok,
                msg("tls_idle.stayed_open_via_proxy",
                    {{"target", target()}, {"time", seconds_text(s)}, {"proxy", proxy.display()}}));
        else if (s + 0.001 >= want)
            r = base(
                Status::pass, Reason::ok,
                msg("tls_idle.stayed_open", {{"target", target()}, {"time", seconds_text(s)}}));
        else
            r = base(Status::fail, Reason::deadline_exceeded,
                     msg("tls_idle.deadline_first",
                         {{"time", seconds_text(s)}, {"required", seconds_text(want)}}));
        r.measurements.push_back({"idle", s, "s"});
        stop();
        done(r);
    }
};

} // namespace

ProbeKind tls_idle_probe() {
    ProbeKind k;
    k.name = "tls_idle";
    k.verifies_chains = true;
    k.description = msg("probe.tls_idle.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.tls_idle.host")},
        {"port", ParamType::port, false, "443", msg("param.tls_idle.port")},
        via_param(msg("param.tls.via")),
        {.name = "idle",
         .type = ParamType::seconds,
         .default_value = "120",
         .help = msg("param.tls_idle.idle"),
         .bounds = NumberBounds{0, 3600}},
    };
    k.hold_param = "idle";
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        std::string via = args.text("via");
        auto proxy = proxy_for_via(via, ctx.env.proxy);
        if (auto bad = proxy_missing(via, proxy)) return deliver_now(ctx, std::move(done), *bad);
        std::chrono::milliseconds idle =
            ctx.env.tls.idle ? *ctx.env.tls.idle : args.seconds("idle");
        if (idle.count() == 0)
            return deliver_now(ctx, std::move(done),
                               make_result(Status::skip, Reason::not_applicable,
                                           ctx.env.tls.idle
                                               ? msg("tls_idle.skipped_by_option")
                                               : msg("tls_idle.skipped_by_parameter")));
        auto r = std::make_shared<IdleRun>(ctx.io, std::move(done));
        r->host = args.text("host");
        r->port = args.port("port");
        r->sni = is_ip_literal(r->host) ? "" : r->host;
        r->proxy = proxy;
        r->idle = idle;
        r->deadline = ctx.deadline;
        r->cancel_open = open_tls(ctx.io, r->proxy, r->host, r->port, r->sni, ctx.cancel,
                                  [r](TlsConnection c) { r->opened(std::move(c)); });
        return [r] { r->stop(); };
    };
    return k;
}

} // namespace pf
