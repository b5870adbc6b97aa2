#include "probes/reach/syslog.hpp"
#include "base/catalog.hpp"
#include "base/utc_time.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/resolve.hpp"
#include "net/tls_connect.hpp"
#include "net/tunnel.hpp"
#include "pki/trust_material.hpp"
#include <asio/ip/udp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <random>
#ifdef _WIN32
#include <process.h>
#define getpid _getpid
#else
#include <unistd.h>
#endif

namespace pf {

std::string syslog_message(const std::string& host, const std::string& app,
                           const std::string& msgid, const std::string& text) {
    return "<13>1 " + utc_timestamp(std::chrono::system_clock::now()) + " " +
           (host.empty() ? "-" : host) + " " + app + " " + std::to_string(getpid()) + " " + msgid +
           " - " + text;
}

namespace {

std::string new_msgid() {
    std::random_device rd;
    char buf[24];
    std::snprintf(buf, sizeof buf, "PREFLIGHT%08X", rd());
    return buf;
}

struct SyslogRun : std::enable_shared_from_this<SyslogRun> {
    SyslogRun(asio::io_context& io, ProbeDone d) : io(io), timer(io), done(std::move(d)) {}
    asio::io_context& io;
    asio::steady_timer timer;
    OnceDone done;
    std::string host, transport, msgid, framed, where;
    std::uint16_t port = 0;
    Clock::time_point deadline;
    std::function<void()> cancel_connect;
    std::shared_ptr<asio::ip::tcp::socket> socket;
    std::shared_ptr<TlsLink> link;
    const RunEnvironment* env = nullptr;
    char probe_byte = 0;
    bool connected = false; // the connection (and TLS) is up: sending

    ProbeResult result(ProbeResult r) {
        add_evidence(r, msg("syslog.msgid", {{"msgid", msgid}}));
        return r;
    }
    ProbeResult result(Status s, Reason why, Message m) {
        return result(make_result(s, why, std::move(m)));
    }
    // A sentence made by a lower layer (the TLS connection, the trust store).
    ProbeResult result(Status s, Reason why, std::string summary) {
        return result(ProbeResult::make(s, why, std::move(summary)));
    }

    void finish(ProbeResult r) {
        timer.cancel();
        cancel_connect = nullptr;
        std::error_code ignore;
        if (socket) socket->close(ignore);
        if (link) link->stream.lowest_layer().close(ignore);
        done(std::move(r));
    }

    // Syslog has no acknowledgement; a server that rejects the message
    // usually closes the connection, so a short wait tells "accepted" from
    // "dropped at once".
    template <class Stream> void watch_after_send(Stream& s) {
        auto self = shared_from_this();
        auto settle = std::min(deadline, Clock::now() + std::chrono::milliseconds(500));
        timer.expires_at(settle);
        timer.async_wait([self](std::error_code ec) {
            if (ec) return;
            self->finish(self->result(Status::pass, Reason::ok,
                                      msg("syslog.sent_kept_open", {{"transport", self->transport},
                                                                    {"where", self->where}})));
        });
        s.async_read_some(asio::buffer(&probe_byte, 1), [self](std::error_code ec, std::size_t) {
            if (self->done.finished() || ec == asio::error::operation_aborted) return;
            self->finish(
                self->result(Status::fail, Reason::connection_closed,
                             ec ? msg("syslog.closed_after_send", {{"where", self->where},
                                                                   {"error", ec.message()},
                                                                   {"transport", self->transport}})
                                : msg("syslog.answered_after_send",
                                      {{"where", self->where}, {"transport", self->transport}})));
        });
    }

    void send_tcp() {
        auto self = shared_from_this();
        asio::async_write(*socket, asio::buffer(framed), [self](std::error_code ec, std::size_t) {
            if (self->done.finished()) return;
            if (ec)
                return self->finish(self->result(
                    Status::fail, Reason::connection_closed,
                    msg("syslog.send_failed", {{"where", self->where}, {"error", ec.message()}})));
            self->watch_after_send(*self->socket);
        });
    }

    void send_tls() {
        auto self = shared_from_this();
        asio::async_write(
            link->stream, asio::buffer(framed), [self](std::error_code ec, std::size_t) {
                if (self->done.finished()) return;
                if (ec)
                    return self->finish(
                        self->result(Status::fail, Reason::connection_closed,
                                     msg("syslog.tls_send_failed",
                                         {{"where", self->where}, {"error", ec.message()}})));
                self->watch_after_send(self->link->stream);
            });
    }
};

void start_udp(const std::shared_ptr<SyslogRun>& r, const std::string& message) {
    auto abandon = resolve_host(r->io, r->host, [r, message](Resolution res) {
        if (r->done.finished()) return;
        if (res.outcome != Resolution::Outcome::resolved)
            return r->finish(
                r->result(Status::fail, lookup_reason(res.outcome), lookup_failure(r->host, res)));
        asio::ip::udp::endpoint ep(res.addresses.front(), r->port);
        auto sock = std::make_shared<asio::ip::udp::socket>(r->io, ep.protocol());
        auto data = std::make_shared<std::string>(message);
        sock->async_send_to(
            asio::buffer(*data), ep, [r, sock, data](std::error_code ec, std::size_t) {
                if (ec)
                    return r->finish(
                        r->result(Status::fail, Reason::connect_failed,
                                  msg("syslog.udp_send_failed", {{"error", ec.message()}})));
                r->finish(r->result(Status::warn, Reason::delivery_unconfirmed,
                                    msg("syslog.udp_unconfirmed", {{"where", r->where}})));
            });
    });
    r->cancel_connect = abandon;
}

} // namespace

ProbeKind syslog_probe() {
    ProbeKind k;
    k.name = "syslog";
    k.verifies_chains = true;
    k.description = msg("probe.syslog.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.syslog.host")},
        {"port", ParamType::port, false, "", msg("param.syslog.port")},
        {.name = "transport",
         .type = ParamType::choice,
         .default_value = "tcp",
         .help = msg("param.syslog.transport"),
         .choices = {"tcp", "tls", "udp"}},
        {"app", ParamType::text, false, "preflight", msg("param.syslog.app")},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<SyslogRun>(ctx.io, std::move(done));
        r->host = args.text("host");
        r->transport = args.text("transport");
        r->env = &ctx.env;
        r->deadline = ctx.deadline;
        r->port = args.has("port") ? args.port("port") : r->transport == "tls" ? 6514 : 514;
        r->where = r->host + ":" + std::to_string(r->port);
        r->msgid = new_msgid();
        auto message = syslog_message(
            ctx.env.facts.hostname, args.text("app"), r->msgid,
            "preflight connectivity test for the Cloud Connector's syslog integration");
        // RFC 6587 octet counting: the length, a space, the message.
        r->framed = std::to_string(message.size()) + " " + message;
        r->timer.expires_at(ctx.deadline);
        r->timer.async_wait([r](std::error_code ec) {
            // While connecting (and in TLS, handshaking) the connection's own
            // deadline names the phase it stopped in; after that, sending stalled.
            if (ec) return;
            if (r->transport == "udp")
                return r->finish(r->result(Status::fail, Reason::dns_failure,
                                           msg("syslog.no_resolver_answer", {{"host", r->host}})));
            if (!r->connected) return;
            r->finish(r->result(Status::fail, Reason::timed_out,
                                msg("syslog.send_stalled", {{"where", r->where}})));
        });
        if (r->transport == "udp") {
            start_udp(r, message);
        } else if (r->transport == "tcp") {
            r->cancel_connect =
                open_tunnel(ctx.io, ProxyConfig{}, r->host, r->port, ctx.cancel, [r](Tunnel t) {
                    if (r->done.finished()) return;
                    if (t.outcome != Tunnel::Outcome::open)
                        return r->finish(r->result(Status::fail, tunnel_reason(t),
                                                   describe(t, r->where, ProxyConfig{})));
                    r->socket = t.socket;
                    r->connected = true;
                    r->send_tcp();
                });
        } else {
            std::string sni = is_ip_literal(r->host) ? "" : r->host;
            r->cancel_connect = open_tls(
                ctx.io, ProxyConfig{}, r->host, r->port, sni, ctx.cancel, [r](TlsConnection c) {
                    if (r->done.finished()) return;
                    if (c.outcome != TlsConnection::Outcome::open)
                        return r->finish(
                            r->result(Status::fail, tls_connection_reason(c), c.failure));
                    TlsVerdict v;
                    try {
                        v = verify_chain(c.chain, r->host, r->env->tls,
                                         *run_trust(r->io, r->env->tls));
                    } catch (const std::exception& e) { // an unreadable trust file
                        return r->finish(r->result(Status::error, Reason::bad_input, e.what()));
                    }
                    if (v.status == Status::fail)
                        return r->finish(
                            r->result(Status::fail, tls_reason(v.diagnosis), v.summary));
                    r->link = c.link;
                    r->connected = true;
                    r->send_tls();
                });
        }
        return [r] {
            if (r->cancel_connect) r->cancel_connect();
            r->finish(make_result(Status::error, Reason::interrupted, msg("syslog.cancelled")));
        };
    };
    return k;
}

} // namespace pf
