#include "net/tls_connect.hpp"
#include "base/catalog.hpp"
#include "net/budget.hpp"
#include "net/probe_util.hpp"
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace pf {

namespace {

std::atomic<std::size_t> links_alive{0};

std::shared_ptr<asio::ssl::context> client_context() {
    static const auto shared = [] {
        auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
        SSL_CTX* h = ctx->native_handle();
        // Level 0 and TLS 1.0 so that a server offering only old protocols or
        // weak keys completes the handshake and is judged for it; Debian's
        // openssl.cnf (MinProtocol TLSv1.2, SECLEVEL=2) would refuse it.
        SSL_CTX_set_security_level(h, 0);
        SSL_CTX_set_min_proto_version(h, TLS1_VERSION);
        SSL_CTX_set_cipher_list(h, "DEFAULT:@SECLEVEL=0");
        // Servers without RFC 5746 secure renegotiation are old, not hostile.
        SSL_CTX_set_options(h, SSL_OP_LEGACY_SERVER_CONNECT);
        SSL_CTX_set_verify(h, SSL_VERIFY_NONE, nullptr);
        SSL_CTX_set_client_cert_cb(h, note_certificate_request);
        // No session is ever resumed: every check must see the server's full
        // handshake and chain, not a ticket an earlier check received.
        SSL_CTX_set_session_cache_mode(h, SSL_SESS_CACHE_OFF);
        static const unsigned char alpn[] = "\x08http/1.1";
        SSL_CTX_set_alpn_protos(h, alpn, sizeof alpn - 1);
        return ctx;
    }();
    return shared;
}

// How long a handshake keeps its CPU slot while it has not finished: a local
// handshake takes a few milliseconds of CPU; one still going after this
// waits on a far or silent server and holds the slot for nothing.
constexpr auto handshake_slot_lease = std::chrono::milliseconds(25);

// OpenSSL's alert description (English, as OpenSSL names it) and what it
// means for this client.
std::string alert_hint(const std::string& alert) {
    if (alert.find("handshake failure") != std::string::npos)
        return render(msg("tls_connect.hint_handshake_failure"));
    if (alert.find("protocol version") != std::string::npos)
        return render(msg("tls_connect.hint_protocol_version"));
    if (alert.find("unrecognized name") != std::string::npos)
        return render(msg("tls_connect.hint_unrecognized_name"));
    if (alert.find("access denied") != std::string::npos)
        return render(msg("tls_connect.hint_access_denied"));
    return "";
}

// The tunnel, then the handshake bound to the check's cancellation: at the
// deadline the handshake completes as aborted and is told as a timeout.
struct TlsRun : std::enable_shared_from_this<TlsRun> {
    TlsRun(asio::io_context& io, CheckCancelPtr cancel)
        : io(io), cancel(std::move(cancel)), slot_lease(io) {}
    asio::io_context& io;
    CheckCancelPtr cancel;
    BudgetToken slot;                                // a CPU slot while the handshake holds one
    std::function<void()> withdraw_slot, unregister; // while waiting for it
    asio::steady_timer slot_lease;
    ProxyConfig proxy;
    std::string host, sni;
    std::uint16_t port = 0;
    bool alpn = true;                           // offer http/1.1
    std::function<void(TlsConnection)> on_done; // emptied once called, or when abandoned
    std::function<void()> cancel_tunnel, abandon_handshake;
    TlsConnection c;

    std::string target() const { return host + ":" + std::to_string(port); }

    void finish(TlsConnection::Outcome o) {
        // Moved out: the caller's callback may hold whatever holds this run.
        auto cb = std::move(on_done);
        on_done = nullptr;
        cancel_tunnel = nullptr;
        if (!cb) return;
        c.outcome = o;
        if (o != TlsConnection::Outcome::open) close();
        cb(std::move(c));
    }

    void abandon() {
        on_done = nullptr;
        if (auto w = std::move(withdraw_slot)) w();
        if (auto u = std::move(unregister)) u();
        withdraw_slot = unregister = nullptr;
        slot.reset();
        slot_lease.cancel();
        auto tunnel = std::move(cancel_tunnel);
        cancel_tunnel = nullptr;
        if (tunnel) tunnel();
        if (auto h = std::move(abandon_handshake)) h();
        abandon_handshake = nullptr;
        close();
    }

    void close() {
        std::error_code ignore;
        if (c.link) c.link->stream.lowest_layer().close(ignore);
        if (c.tunnel.socket) c.tunnel.socket->close(ignore);
    }

    void start() {
        // Weak: the tunnel's run may outlive its use (it holds its callback).
        cancel_tunnel =
            open_tunnel(io, proxy, host, port, cancel, [weak = weak_from_this()](Tunnel t) {
                auto self = weak.lock();
                if (!self) return;
                self->cancel_tunnel = nullptr;
                self->c.tunnel = std::move(t);
                if (self->c.tunnel.outcome != Tunnel::Outcome::open) {
                    self->c.failure = describe(self->c.tunnel, self->target(), self->proxy);
                    return self->finish(self->c.tunnel.outcome == Tunnel::Outcome::timed_out
                                            ? TlsConnection::Outcome::timed_out
                                            : TlsConnection::Outcome::no_tunnel);
                }
                if (self->cancel->cancelled()) {
                    // Opened just as the deadline passed: no time left for TLS.
                    self->fail_with(msg("tls_connect.no_time_left", {{"target", self->target()}}));
                    return self->finish(TlsConnection::Outcome::timed_out);
                }
                self->handshake();
            });
    }

    void handshake(bool offer_alpn = true) {
        alpn = offer_alpn;
        // The handshake's CPU (key exchange, signatures) waits for a slot:
        // hundreds started at once would each take the time of all of them.
        // The TLS state (~70 KiB of buffers) is made only once it has one.
        withdraw_slot = cpu_slots(io).acquire(
            [self = shared_from_this()](BudgetToken slot) { self->slot_granted(std::move(slot)); });
        if (slot) return;
        unregister = cancel->on_cancel([weak = weak_from_this()] {
            auto self = weak.lock();
            if (!self) return;
            self->unregister = nullptr; // dropped by emit() itself
            if (auto w = std::move(self->withdraw_slot)) w();
            self->withdraw_slot = nullptr;
            asio::post(self->io, [self] {
                self->fail_with(msg("tls_connect.no_handshake_slot", {{"target", self->target()}}));
                self->finish(TlsConnection::Outcome::timed_out);
            });
        });
    }

    void slot_granted(BudgetToken s) {
        slot = std::move(s);
        withdraw_slot = nullptr;
        if (auto u = std::move(unregister)) u();
        unregister = nullptr;
        if (!on_done) return; // abandoned while waiting
        SslPtr ssl(SSL_new(client_context()->native_handle()));
        if (!ssl) throw std::bad_alloc();
        if (!alpn) SSL_set_alpn_protos(ssl.get(), nullptr, 0);
        if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
        // A handshake that waits on the network (a far or silent server)
        // gives its slot back after a while: the bound is on CPU, not on waiting.
        slot_lease.expires_after(handshake_slot_lease);
        slot_lease.async_wait([weak = weak_from_this()](std::error_code ec) {
            if (auto self = weak.lock(); self && !ec) self->slot.reset();
        });
        // Its time is measured from here: the wait for a slot is preflight's,
        // not the server's.
        abandon_handshake = client_handshake(
            io, c.tunnel.socket, std::move(ssl), cancel,
            [self = shared_from_this()](HandshakeResult h) {
                self->abandon_handshake = nullptr;
                self->c.handshake_ms = h.ms;
                self->c.alert = h.notes.alert_received;
                self->c.alert_sent = h.notes.alert_sent;
                self->c.certificate_requested = h.notes.certificate_requested;
                self->slot.reset();
                self->slot_lease.cancel();
                if (h.error) return self->failed(h.error, h.bytes_received, h.computing);
                self->c.link = std::make_shared<TlsLink>(std::move(self->c.tunnel.socket),
                                                         std::move(h.ssl), std::move(h.notes));
                self->collect();
                self->finish(TlsConnection::Outcome::open);
            });
    }

    void collect() {
        SSL* ssl = c.link->stream.native_handle();
        c.protocol = SSL_get_version(ssl);
        c.version = SSL_version(ssl);
        c.cipher = SSL_get_cipher_name(ssl);
        const unsigned char* alpn = nullptr;
        unsigned int alpn_len = 0;
        SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
        if (alpn_len) c.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_len);
        if (STACK_OF(X509_NAME)* cas = SSL_get_client_CA_list(ssl))
            for (int i = 0; i < sk_X509_NAME_num(cas); ++i)
                c.acceptable_issuers.push_back(name_text(sk_X509_NAME_value(cas, i)));
        if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl))
            for (int i = 0; i < sk_X509_num(chain); ++i)
                c.chain.push_back(share_x509(sk_X509_value(chain, i)));
    }

    void fail_with(Message m) {
        c.failure = render(m);
        c.failure_message = std::move(m);
    }

    void failed(std::error_code ec, std::uint64_t bytes_received, bool computing) {
        std::string via = c.tunnel.via_proxy
                              ? render(msg("tls_connect.via_proxy", {{"proxy", proxy.display()}}))
                              : "";
        if (cancel->cancelled() && computing) {
            fail_with(msg("tls_connect.no_processor", {{"target", target()}}));
            return finish(TlsConnection::Outcome::timed_out);
        }
        if (cancel->cancelled()) {
            // Bytes the handshake took from the connection: a server that
            // began its answer and stalled is not a port where nothing speaks TLS.
            auto got = bytes_received;
            fail_with(got > 0 ? msg("tls_connect.stalled", {{"target", target()},
                                                            {"via", via},
                                                            {"bytes", got},
                                                            {"time", ms_text(c.handshake_ms)}})
                              : msg("tls_connect.silent", {{"target", target()},
                                                           {"via", via},
                                                           {"time", ms_text(c.handshake_ms)}}));
            return finish(TlsConnection::Outcome::timed_out);
        }
        if (!c.alert.empty()) {
            std::string desc = c.alert.substr(c.alert.find(' ') + 1);
            fail_with(msg("tls_connect.alert",
                          {{"alert", desc}, {"hint", alert_hint(desc)}, {"via", via}}));
        } else if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
                   ec == asio::error::connection_reset) {
            fail_with(msg("tls_connect.closed", {{"target", target()}, {"via", via}}));
        } else if (ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                       SSL_R_WRONG_VERSION_NUMBER ||
                   ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                       SSL_R_PACKET_LENGTH_TOO_LONG) {
            fail_with(msg("tls_connect.not_tls", {{"target", target()}, {"via", via}}));
        } else if (ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                   SSL_R_UNSUPPORTED_PROTOCOL) {
            fail_with(msg("tls_connect.too_old", {{"target", target()}, {"via", via}}));
        } else {
            fail_with(msg("tls_connect.failed",
                          {{"target", target()}, {"via", via}, {"error", ec.message()}}));
        }
        finish(TlsConnection::Outcome::handshake_failed);
    }
};

} // namespace

TlsLink::TlsLink(SocketPtr socket, SslPtr ssl, TlsNotes notes)
    : TlsNotes(std::move(notes)), descriptor(socket), stream(std::move(*socket), ssl.get()) {
    // The stream owns the SSL object from here (and frees it).
    keep_notes(ssl.release(), this);
    ++links_alive;
}

TlsLink::~TlsLink() {
    --links_alive;
}

std::size_t live_tls_links() {
    return links_alive.load() + live_handshakes();
}

ProxyConfig proxy_for_via(const std::string& via, const ProxyConfig& configured) {
    if (via == "direct") return ProxyConfig{};
    ProxyConfig p = configured;
    if (via == "proxy") p.no_proxy.clear();
    return p;
}

ParamSpec via_param(Message help) {
    return {.name = "via",
            .type = ParamType::choice,
            .default_value = "auto",
            .help = std::move(help),
            .choices = {"auto", "direct", "proxy"}};
}

Reason tls_connection_reason(const TlsConnection& c) {
    switch (c.outcome) {
    case TlsConnection::Outcome::open:
        return Reason::ok;
    case TlsConnection::Outcome::no_tunnel:
        return tunnel_reason(c.tunnel);
    case TlsConnection::Outcome::handshake_failed:
        return Reason::tls_handshake_failed;
    case TlsConnection::Outcome::timed_out:
        break;
    }
    return Reason::timed_out;
}

bool is_ip_literal(const std::string& host) {
    std::error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

int tls_version_from_text(const std::string& text) {
    if (text == "1.0") return TLS1_VERSION;
    if (text == "1.1") return TLS1_1_VERSION;
    if (text == "1.2") return TLS1_2_VERSION;
    if (text == "1.3") return TLS1_3_VERSION;
    return 0;
}

namespace {

std::shared_ptr<TlsRun> new_run(asio::io_context& io, const std::string& host, std::uint16_t port,
                                const std::string& sni, const CheckCancelPtr& cancel,
                                std::function<void(TlsConnection)> on_done) {
    auto r = std::make_shared<TlsRun>(io, cancel);
    r->host = host;
    r->port = port;
    r->sni = sni;
    r->on_done = std::move(on_done);
    return r;
}

} // namespace

std::function<void()> open_tls(asio::io_context& io, const ProxyConfig& proxy,
                               const std::string& host, std::uint16_t port, const std::string& sni,
                               const CheckCancelPtr& cancel,
                               std::function<void(TlsConnection)> on_done) {
    auto r = new_run(io, host, port, sni, cancel, std::move(on_done));
    r->proxy = proxy;
    r->start();
    return [r] { r->abandon(); };
}

std::function<void()> tls_over(asio::io_context& io, std::shared_ptr<asio::ip::tcp::socket> socket,
                               const std::string& host, std::uint16_t port, const std::string& sni,
                               const CheckCancelPtr& cancel,
                               std::function<void(TlsConnection)> on_done) {
    auto r = new_run(io, host, port, sni, cancel, std::move(on_done));
    r->c.tunnel.outcome = Tunnel::Outcome::open;
    r->c.tunnel.socket = std::move(socket);
    r->handshake(false);
    return [r] { r->abandon(); };
}

std::function<void()> tls_over(asio::io_context& io, std::shared_ptr<asio::ip::tcp::socket> socket,
                               const std::string& host, std::uint16_t port, const std::string& sni,
                               Clock::time_point deadline,
                               std::function<void(TlsConnection)> on_done) {
    auto cancel = CheckCancel::armed(io, deadline);
    return tls_over(
        io, std::move(socket), host, port, sni, cancel,
        [cancel, on_done = std::move(on_done)](TlsConnection c) { on_done(std::move(c)); });
}

} // namespace pf
