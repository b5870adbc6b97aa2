#include "net/tunnel.hpp"
#include "base/catalog.hpp"
#include "base/text.hpp"
#include "net/http_digest.hpp"
#include "net/http_head.hpp"
#include "net/negotiate.hpp"
#include "net/ntlm.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "net/resolve.hpp"
#include "net/worker_pool.hpp"
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/streambuf.hpp>
#include <asio/write.hpp>
#include <optional>

namespace pf {

std::string basic_credentials(const std::string& user, const std::string& password) {
    return base64(user + ":" + password);
}

unsigned proxy_auth_offered(const std::vector<std::string>& proxy_authenticate) {
    unsigned offered = 0;
    for (const auto& value : proxy_authenticate) {
        std::string scheme = lower(value.substr(0, value.find_first_of(" \t,")));
        offered |= scheme == "basic"       ? proxy_auth_basic
                   : scheme == "digest"    ? proxy_auth_digest
                   : scheme == "ntlm"      ? proxy_auth_ntlm
                   : scheme == "negotiate" ? proxy_auth_negotiate
                                           : 0u;
    }
    return offered;
}

long connect_errno(ConnectOutcome::Kind k) {
    switch (k) {
    case ConnectOutcome::Kind::refused:
        return asio::error::connection_refused;
    case ConnectOutcome::Kind::timed_out:
        return asio::error::timed_out;
    case ConnectOutcome::Kind::unreachable:
        return asio::error::host_unreachable;
    default:
        return 0;
    }
}

Reason tunnel_reason(const Tunnel& t) {
    switch (t.outcome) {
    case Tunnel::Outcome::open:
        return Reason::ok;
    case Tunnel::Outcome::target_unreachable:
        return connect_reason(t.connect.kind);
    case Tunnel::Outcome::name_not_resolved:
        return t.via_proxy ? Reason::proxy_unreachable : t.lookup;
    case Tunnel::Outcome::proxy_unreachable:
        return Reason::proxy_unreachable;
    case Tunnel::Outcome::proxy_auth_required:
        return Reason::proxy_auth_required;
    case Tunnel::Outcome::proxy_auth_failed:
        return Reason::proxy_auth_rejected;
    case Tunnel::Outcome::proxy_negotiate_failed:
        return t.negotiate_failure;
    case Tunnel::Outcome::proxy_forbidden:
        return Reason::proxy_forbidden;
    case Tunnel::Outcome::proxy_target_failed:
        return Reason::proxy_target_failed;
    case Tunnel::Outcome::proxy_other_status:
    case Tunnel::Outcome::proxy_protocol_error:
        return Reason::proxy_protocol_error;
    case Tunnel::Outcome::timed_out:
        break;
    }
    return Reason::timed_out;
}

std::string describe(const Tunnel& t, const std::string& target, const ProxyConfig& proxy) {
    std::string via = proxy.display();
    switch (t.outcome) {
    case Tunnel::Outcome::open:
        return "";
    case Tunnel::Outcome::target_unreachable:
        return diagnose(t.connect, t.connect.endpoint.address().to_string());
    case Tunnel::Outcome::name_not_resolved:
        return t.via_proxy ? render(msg("tunnel.proxy_name_not_resolved", {{"detail", t.detail}}))
                           : t.detail;
    case Tunnel::Outcome::proxy_unreachable:
        return render(msg("tunnel.proxy_cannot_be_reached",
                          {{"proxy", via}, {"target", target}, {"outcome", describe(t.connect)}}));
    case Tunnel::Outcome::proxy_auth_required:
        return proxy_auth_needed(t.auth_schemes, proxy);
    case Tunnel::Outcome::proxy_auth_failed:
        return t.negotiate_sent ? proxy_negotiate_rejected(t.auth_schemes, proxy)
                                : proxy_auth_rejected(t.auth_schemes, proxy);
    case Tunnel::Outcome::proxy_negotiate_failed:
        return proxy_negotiate_failed(t.negotiate_failure, t.negotiate_detail, proxy);
    case Tunnel::Outcome::proxy_forbidden:
        return render(msg("tunnel.proxy_forbidden", {{"target", target}}));
    case Tunnel::Outcome::proxy_target_failed:
        return render(msg("tunnel.proxy_target_failed",
                          {{"target", target}, {"status_line", t.status_line}}));
    case Tunnel::Outcome::proxy_other_status:
        return render(msg("tunnel.proxy_other_status", {{"status_line", t.status_line}}));
    case Tunnel::Outcome::proxy_protocol_error:
        return render(msg("tunnel.proxy_not_http", {{"proxy", via}, {"detail", t.detail}}));
    case Tunnel::Outcome::timed_out:
        return t.via_proxy ? proxy_connect_timed_out(t, target, proxy)
                           : render(msg("tunnel.no_connection", {{"target", target}}));
    }
    return "";
}

std::string proxy_connect_timed_out(const Tunnel& t, const std::string& target,
                                    const ProxyConfig& proxy) {
    std::string via = proxy.display();
    if (t.connect.kind != ConnectOutcome::Kind::open)
        return render(msg("tunnel.proxy_no_connection", {{"proxy", via}}));
    if (t.partial_answer_bytes > 0)
        return render(msg("tunnel.proxy_stalled", {{"proxy", via},
                                                   {"bytes", t.partial_answer_bytes},
                                                   {"target", target},
                                                   {"start", t.partial_answer}}));
    return render(msg("tunnel.proxy_silent", {{"proxy", via}, {"target", target}}));
}

namespace {

// The value of the first header named (case-insensitive), empty if none.
std::string header_value(const HttpHead& h, const std::string& name) {
    auto v = h.values(name);
    return v.empty() ? std::string() : v.front();
}

// Whether the connection carrying answer may take the next request: it is
// not closing, and the answer's body has a length to skip (body_bytes).
bool reusable(const HttpHead& answer, std::size_t& body_bytes) {
    for (const char* name : {"Connection", "Proxy-Connection"})
        if (lower(header_value(answer, name)).find("close") != std::string::npos) return false;
    if (answer.status_line.rfind("HTTP/1.0", 0) == 0 &&
        lower(header_value(answer, "Proxy-Connection")) != "keep-alive" &&
        lower(header_value(answer, "Connection")) != "keep-alive")
        return false;
    if (!header_value(answer, "Transfer-Encoding").empty()) return false;
    std::string length = header_value(answer, "Content-Length");
    if (length.empty() || length.size() > 7 ||
        length.find_first_not_of("0123456789") != std::string::npos)
        return false;
    body_bytes = static_cast<std::size_t>(std::stoul(length));
    return true;
}

// One tunnel's steps (lookup, connect, CONNECT, answer, and the CONNECT
// again with credentials when the proxy asks), each an operation bound to
// the check's cancellation: at the deadline the step in progress completes
// as aborted and the tunnel reports timed_out from where it stood.
struct TunnelRun : std::enable_shared_from_this<TunnelRun> {
    TunnelRun(asio::io_context& io, CheckCancelPtr cancel) : io(io), cancel(std::move(cancel)) {}
    asio::io_context& io;
    CheckCancelPtr cancel;
    ProxyConfig proxy;
    TunnelOptions options;
    std::string host;
    std::uint16_t port = 0;
    Clock::time_point start = Clock::now();
    std::function<void(Tunnel)> on_done; // emptied once called, or when abandoned
    Tunnel t;
    std::function<void()> abandon_lookup, cancel_connect;
    std::vector<asio::ip::address> addresses;
    std::size_t next_address = 0;
    // A hostile or broken proxy must not make us buffer without limit.
    asio::streambuf response{64 * 1024};
    std::string request;
    std::string credentials;       // the Proxy-Authorization value of the next CONNECT
    bool credentials_sent = false; // the CONNECT in flight carries them
    bool retrying = false;         // it repeats a CONNECT the proxy answered 407
    bool ntlm_negotiated = false;  // the CONNECT in flight carries NTLM's first message
    // Negotiate's context, once begun; its calls run on the worker pool.
    std::shared_ptr<NegotiateClient> negotiate;
    bool negotiating = false; // the CONNECT in flight carries a Negotiate token
    std::function<void()> abandon_negotiate, unregister_negotiate;
    std::optional<Clock::time_point> first_sent;

    void finish(Tunnel::Outcome o) {
        auto done = std::move(on_done);
        on_done = nullptr;
        // The steps' callbacks hold this run: dropped, or the two keep each
        // other alive.
        cancel_connect = nullptr;
        abandon_lookup = nullptr;
        end_negotiate_call();
        if (!done) return;
        t.outcome = o;
        if (o != Tunnel::Outcome::open && t.socket) {
            std::error_code ignore;
            t.socket->close(ignore);
            t.socket.reset();
        }
        done(std::move(t));
    }

    // The check was cancelled during a step: the deadline, told from where
    // the tunnel stood.
    void timed_out() {
        note_partial_answer();
        finish(Tunnel::Outcome::timed_out);
    }

    void note_partial_answer() {
        if (t.partial_answer_bytes > 0) return;
        t.partial_answer_bytes = response.size();
        auto data = response.data();
        for (auto it = asio::buffers_begin(data);
             it != asio::buffers_end(data) && t.partial_answer.size() < 40; ++it) {
            auto c = static_cast<unsigned char>(*it);
            t.partial_answer += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
        }
    }

    void abandon() {
        on_done = nullptr;
        auto lookup = std::move(abandon_lookup);
        auto connect = std::move(cancel_connect);
        abandon_lookup = cancel_connect = nullptr;
        end_negotiate_call();
        if (lookup) lookup();
        if (connect) connect();
        if (t.socket) {
            std::error_code ignore;
            t.socket->close(ignore);
        }
    }

    void start_run() {
        if (!options.addresses.empty()) {
            addresses = options.addresses;
            return try_next_address();
        }
        auto self = shared_from_this();
        const std::string& name = t.via_proxy ? proxy.host : host;
        abandon_lookup = resolve_host(io, name, cancel, [self, name](Resolution r) {
            self->abandon_lookup = nullptr;
            if (r.outcome == Resolution::Outcome::cancelled) return self->timed_out();
            if (r.outcome != Resolution::Outcome::resolved) {
                self->t.detail = describe_failure(name, r);
                self->t.lookup = lookup_reason(r.outcome);
                return self->finish(Tunnel::Outcome::name_not_resolved);
            }
            self->addresses = r.addresses;
            self->try_next_address();
        });
    }

    // Addresses are tried in the resolver's order, as clients do.
    void try_next_address() {
        asio::ip::tcp::endpoint ep(addresses[next_address++], t.via_proxy ? proxy.port : port);
        connect_to(ep, [](TunnelRun& self, SocketPtr s) {
            self.t.socket = s;
            self.t.connect_ms = self.t.connect.ms;
            if (!self.t.via_proxy) return self.finish(Tunnel::Outcome::open);
            if (!self.proxy.user.empty() && self.options.auth == proxy_auth_basic)
                self.credentials = "Basic " + basic_credentials(self.proxy.user, self.password());
            self.send_connect();
        });
    }

    void connect_to(const asio::ip::tcp::endpoint& ep, void (*then)(TunnelRun&, SocketPtr)) {
        auto self = shared_from_this();
        cancel_connect =
            connect_socket(io, ep, cancel, [self, then](ConnectOutcome o, SocketPtr s) {
                self->cancel_connect = nullptr;
                self->t.connect = o;
                if (self->cancel->cancelled() && !s) return self->timed_out();
                if (!s) {
                    if (!self->retrying && self->next_address < self->addresses.size() &&
                        o.kind != ConnectOutcome::Kind::timed_out)
                        return self->try_next_address();
                    return self->finish(self->t.via_proxy ? Tunnel::Outcome::proxy_unreachable
                                                          : Tunnel::Outcome::target_unreachable);
                }
                then(*self, s);
            });
    }

    std::string password() const { return proxy.password ? proxy.password->reveal() : ""; }

    void send_connect() {
        std::string authority = host_port(host, port);
        request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority +
                  "\r\nUser-Agent: preflight/" PREFLIGHT_VERSION
                  "\r\nProxy-Connection: Keep-Alive\r\n";
        credentials_sent = !credentials.empty();
        if (credentials_sent) {
            request += "Proxy-Authorization: " + credentials + "\r\n";
            t.credentials_scheme = credentials.substr(0, credentials.find(' '));
        }
        request += "\r\n";
        auto self = shared_from_this();
        if (!first_sent) first_sent = Clock::now();
        if (cancel->cancelled()) return timed_out();
        asio::async_write(
            *t.socket, asio::buffer(request), cancel->bind([self](std::error_code ec, std::size_t) {
                if (ec == asio::error::operation_aborted && self->cancel->cancelled())
                    return self->timed_out();
                if (ec) {
                    if (self->retrying) return self->retry_unanswered();
                    self->t.detail = render(msg("tunnel.send_failed", {{"error", ec.message()}}));
                    return self->finish(Tunnel::Outcome::proxy_protocol_error);
                }
                if (self->cancel->cancelled()) return self->timed_out();
                asio::async_read_until(
                    *self->t.socket, self->response, "\r\n\r\n",
                    self->cancel->bind([self](std::error_code ec2, std::size_t n) {
                        if (ec2 == asio::error::operation_aborted && self->cancel->cancelled())
                            return self->timed_out();
                        self->t.tunnel_ms = ms_since(*self->first_sent);
                        self->on_response(ec2, n);
                    }));
            }));
    }

    // The CONNECT repeated with credentials got no answer: the proxy closed
    // the connection after its 407 without saying so. Its 407 stands, and
    // the credentials never reached it.
    void retry_unanswered() {
        t.credentials_answered = false;
        finish(Tunnel::Outcome::proxy_auth_required);
    }

    void on_response(std::error_code ec, std::size_t header_bytes) {
        if (ec && retrying) return retry_unanswered();
        if (ec) {
            t.detail = ec == asio::error::eof         ? render(msg("tunnel.closed_without_answer"))
                       : ec == asio::error::not_found ? render(msg("tunnel.no_end_of_headers"))
                                                      : ec.message();
            note_partial_answer();
            return finish(Tunnel::Outcome::proxy_protocol_error);
        }
        std::string head(asio::buffers_begin(response.data()),
                         asio::buffers_begin(response.data()) +
                             static_cast<std::ptrdiff_t>(header_bytes));
        HttpHead answer = parse_head(head);
        if (answer.status_line.rfind("HTTP/1.", 0) != 0 || answer.status_line.size() < 12) {
            t.detail = render(
                msg("tunnel.not_http_answer", {{"start", answer.status_line.substr(0, 60)}}));
            note_partial_answer();
            return finish(Tunnel::Outcome::proxy_protocol_error);
        }
        response.consume(header_bytes);
        retrying = false;
        t.status_line = answer.status_line;
        t.status = answer.status;
        t.auth_schemes = answer.values("Proxy-Authenticate");
        t.auth_offered = proxy_auth_offered(t.auth_schemes);
        t.credentials_answered = credentials_sent;
        t.negotiate_sent = credentials_sent && negotiating;
        for (const auto& [name, value] : answer.headers)
            if (auto n = lower(name); (n == "via" || n == "server") && t.proxy_agent.empty())
                t.proxy_agent = value;
        t.answer = std::move(answer);
        if (t.status >= 200 && t.status < 300) return finish(Tunnel::Outcome::open);
        if (t.status == 407) return on_auth_wanted();
        if (t.status == 403) return finish(Tunnel::Outcome::proxy_forbidden);
        if (t.status == 502 || t.status == 503 || t.status == 504)
            return finish(Tunnel::Outcome::proxy_target_failed);
        finish(Tunnel::Outcome::proxy_other_status);
    }

    void on_auth_wanted() {
        if (ntlm_negotiated) return ntlm_answer();
        if (negotiating) return negotiate_answer();
        if (credentials_sent) return finish(Tunnel::Outcome::proxy_auth_failed);
        unsigned usable = t.auth_offered & options.auth & proxy_auth_spoken;
        // Negotiate first, as curl prefers it: the user's ticket, no password.
        if (usable & proxy_auth_negotiate) return negotiate_begin(usable);
        password_scheme(usable);
    }

    void password_scheme(unsigned usable) {
        usable &= ~unsigned(proxy_auth_negotiate);
        std::optional<DigestChallenge> digest;
        if (usable & proxy_auth_digest)
            for (const auto& v : t.auth_schemes)
                if (!digest) digest = parse_digest_challenge(v);
        if (!digest) usable &= ~unsigned(proxy_auth_digest);
        if (proxy.user.empty() || !usable) return finish(Tunnel::Outcome::proxy_auth_required);
        // Digest, then NTLM, then Basic, as curl prefers them: no password
        // in the clear when the proxy allows better.
        if (digest) {
            credentials = digest_authorization(*digest, proxy.user, password(), "CONNECT",
                                               host_port(host, port), digest_cnonce());
        } else if (usable & proxy_auth_ntlm) {
            credentials = "NTLM " + ntlm_negotiate();
            ntlm_negotiated = true;
        } else {
            credentials = "Basic " + basic_credentials(proxy.user, password());
        }
        again();
    }

    // No ticket here: a password scheme the proxy also offers may still
    // pass, and the Kerberos problem is kept for the verdict otherwise.
    void negotiate_begin(unsigned usable) {
        negotiate = std::make_shared<NegotiateClient>();
        negotiate_call([c = negotiate, name = proxy.host] { return c->start(name); },
                       [usable](TunnelRun& self, NegotiateStep s) {
                           if (s.state == NegotiateStep::State::token && !s.token.empty()) {
                               self.credentials = "Negotiate " + s.token;
                               self.negotiating = true;
                               return self.again();
                           }
                           self.t.negotiate_failure = s.reason;
                           self.t.negotiate_detail = s.detail;
                           unsigned rest = usable & ~unsigned(proxy_auth_negotiate);
                           if (!self.proxy.user.empty() && rest) return self.password_scheme(rest);
                           self.finish(Tunnel::Outcome::proxy_negotiate_failed);
                       });
    }

    // 407 to our token: a "Negotiate <token>" continues the exchange on the
    // same connection; a bare offer rejects the ticket.
    void negotiate_answer() {
        negotiating = false;
        std::string token;
        for (const auto& v : t.auth_schemes)
            if (lower(v.substr(0, 10)) == "negotiate ") {
                auto b = v.find_first_not_of(' ', 10), e = v.find_last_not_of(' ');
                token = b == std::string::npos ? "" : v.substr(b, e - b + 1);
            }
        std::size_t body = 0;
        if (token.empty() || negotiate->complete() || !reusable(t.answer, body))
            return finish(Tunnel::Outcome::proxy_auth_failed);
        negotiate_call([c = negotiate, token] { return c->step(token); },
                       [body](TunnelRun& self, NegotiateStep s) {
                           if (s.state == NegotiateStep::State::failed) {
                               self.t.negotiate_failure = s.reason;
                               self.t.negotiate_detail = s.detail;
                               return self.finish(Tunnel::Outcome::proxy_negotiate_failed);
                           }
                           // Nothing more to say, and still 407: not accepted.
                           if (s.token.empty())
                               return self.finish(Tunnel::Outcome::proxy_auth_failed);
                           self.credentials = "Negotiate " + s.token;
                           self.negotiating = true;
                           self.retrying = true;
                           self.skip_body(body);
                       });
    }

    // GSS-API and SSPI may ask the KDC for a ticket, blocking: on the worker
    // pool, abandoned at the check's cancellation.
    void negotiate_call(std::function<NegotiateStep()> call,
                        std::function<void(TunnelRun&, NegotiateStep)> then) {
        if (cancel->cancelled()) return timed_out();
        auto self = shared_from_this();
        unregister_negotiate = cancel->on_cancel([weak = std::weak_ptr<TunnelRun>(self)] {
            if (auto r = weak.lock()) r->timed_out();
        });
        abandon_negotiate = worker_pool(io).run<NegotiateStep>(
            std::move(call), [self, then = std::move(then)](NegotiateStep s) {
                self->abandon_negotiate = nullptr;
                self->end_negotiate_call();
                then(*self, std::move(s));
            });
    }

    void end_negotiate_call() {
        auto abandon_call = std::move(abandon_negotiate);
        auto unregister = std::move(unregister_negotiate);
        abandon_negotiate = unregister_negotiate = nullptr;
        if (abandon_call) abandon_call();
        if (unregister) unregister();
    }

    // The proxy's CHALLENGE to our NEGOTIATE: the AUTHENTICATE goes on the
    // same connection, which NTLM authenticates.
    void ntlm_answer() {
        ntlm_negotiated = false;
        std::optional<NtlmChallenge> challenge;
        for (const auto& v : t.auth_schemes)
            if (lower(v.substr(0, 5)) == "ntlm ") challenge = ntlm_parse_challenge(v.substr(5));
        std::size_t body = 0;
        if (!challenge || !reusable(t.answer, body))
            return finish(Tunnel::Outcome::proxy_auth_failed);
        credentials = "NTLM " + ntlm_authenticate(*challenge, proxy.user, password());
        retrying = true;
        skip_body(body);
    }

    // The CONNECT once more, with credentials: on the same connection when
    // the proxy keeps it (its 407's body skipped), else on a new one.
    void again() {
        retrying = true;
        std::size_t body = 0;
        if (reusable(t.answer, body)) return skip_body(body);
        std::error_code ignore;
        t.socket->close(ignore);
        t.socket.reset();
        response.consume(response.size());
        connect_to(t.connect.endpoint, [](TunnelRun& self, SocketPtr s) {
            self.t.socket = s;
            self.send_connect();
        });
    }

    void skip_body(std::size_t left) {
        auto have = std::min(left, response.size());
        response.consume(have);
        left -= have;
        if (left == 0) return send_connect();
        auto self = shared_from_this();
        asio::async_read(*t.socket, response,
                         asio::transfer_exactly(std::min<std::size_t>(left, 16 * 1024)),
                         cancel->bind([self, left](std::error_code ec, std::size_t) {
                             if (ec == asio::error::operation_aborted && self->cancel->cancelled())
                                 return self->timed_out();
                             if (ec) return self->retry_unanswered();
                             self->skip_body(left);
                         }));
    }
};

} // namespace

std::function<void()> open_tunnel(asio::io_context& io, const ProxyConfig& proxy,
                                  const std::string& host, std::uint16_t port,
                                  const CheckCancelPtr& cancel, std::function<void(Tunnel)> on_done,
                                  TunnelOptions options) {
    auto r = std::make_shared<TunnelRun>(io, cancel);
    r->proxy = proxy;
    r->options = std::move(options);
    r->host = host;
    r->port = port;
    r->on_done = std::move(on_done);
    r->t.via_proxy = proxy.configured() && !proxy.bypassed_for(host);
    r->start_run();
    // Weak: the run's own steps keep it alive, and a caller holding this
    // function from within on_done makes no cycle.
    return [weak = std::weak_ptr<TunnelRun>(r)] {
        if (auto r = weak.lock()) r->abandon();
    };
}

} // namespace pf
