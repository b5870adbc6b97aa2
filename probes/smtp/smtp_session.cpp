#include "probes/smtp/smtp_session.hpp"
#include "net/curl_loop.hpp"
#include "net/http_transfer.hpp"
#include "net/probe_util.hpp"
#include "net/tunnel.hpp"
#include "pki/trust_material.hpp"
#include <algorithm>
#include <cstdio>
#include <cstring>

namespace pf {

namespace {

// More reply bytes than this without a complete line: no SMTP server
// writes such a line (RFC 5321 allows 512 octets).
constexpr long endless_line_bytes = 100 * 1024;

struct Session : std::enable_shared_from_this<Session> {
    explicit Session(asio::io_context& io) : io(io) {}
    ~Session() {
        easy.reset(); // before the lists it points to
        curl_slist_free_all(resolve);
        curl_slist_free_all(rcpt);
    }
    asio::io_context& io;
    SmtpRequest req;
    SmtpSession x;
    PeerJudge judge;
    CurlEasy easy = make_curl_easy();
    curl_slist* resolve = nullptr;
    curl_slist* rcpt = nullptr;
    char errbuf[CURL_ERROR_SIZE] = {};
    std::size_t sent = 0; // of req.message
    // The bytes of the reply lines curl completed (HEADER_IN): what curl
    // counts as reply bytes beyond them is a line that never ended.
    long line_bytes = 0;
    bool finished = false;
    Clock::time_point started, begun = Clock::now();
    std::function<void(SmtpSession)> on_done;
    std::function<void()> cancel_curl, cancel_connect;
    // The connection is ours (net/tunnel, direct): whether and where it
    // connected is known, not read from curl's log.
    asio::ip::address connected_to;
    bool curl_started = false;

    void connect() {
        TunnelOptions options;
        options.addresses = req.pinned;
        cancel_connect = open_tunnel(
            io, ProxyConfig{}, req.host, req.port, req.cancel,
            [self = shared_from_this()](Tunnel t) {
                self->cancel_connect = nullptr;
                if (self->finished) return;
                if (t.connect.kind != ConnectOutcome::Kind::error || t.socket)
                    self->x.address = t.connect.endpoint.address().to_string();
                if (t.outcome != Tunnel::Outcome::open) return self->not_connected(t);
                self->x.connected = true;
                self->connected_to = t.connect.endpoint.address();
                self->curl_started = true;
                // Its cancel is cancel_curl's, which cancel() calls.
                start_curl_job(self, std::move(t.socket));
            },
            std::move(options));
    }

    void not_connected(const Tunnel& t) {
        CURLcode code = CURLE_COULDNT_CONNECT;
        if (t.outcome == Tunnel::Outcome::timed_out) {
            x.deadline_passed = true;
            code = CURLE_OPERATION_TIMEDOUT;
        } else if (t.outcome == Tunnel::Outcome::name_not_resolved) {
            code = CURLE_COULDNT_RESOLVE_HOST;
        }
        x.os_errno = connect_errno(t.connect.kind);
        std::string why = t.outcome == Tunnel::Outcome::name_not_resolved ? t.detail
                          : t.connect.detail.empty()                      ? describe(t.connect)
                                                                          : t.connect.detail;
        std::snprintf(errbuf, sizeof errbuf, "%s", why.c_str());
        finish(code);
    }

    void cancel() {
        finished = true;
        on_done = nullptr;
        if (auto c = std::move(cancel_connect)) c();
        if (auto c = std::move(cancel_curl)) c();
        cancel_connect = cancel_curl = nullptr;
    }

    // The protocol's lines only (HEADER_IN and HEADER_OUT carry the bytes
    // exchanged); curl's own prose (CURLINFO_TEXT) is no interface.
    static int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* p) {
        auto* s = static_cast<Session*>(p);
        if (type == CURLINFO_HEADER_IN) {
            s->line_bytes += static_cast<long>(size);
            s->x.transcript.from_server(data, size);
        } else if (type == CURLINFO_HEADER_OUT) {
            s->x.transcript.from_client(data, size); // redacts SASL lines itself
        }
        return 0;
    }

    static std::size_t on_read(char* buf, std::size_t size, std::size_t n, void* p) {
        auto* s = static_cast<Session*>(p);
        std::size_t len = std::min(size * n, s->req.message.size() - s->sent);
        std::memcpy(buf, s->req.message.data() + s->sent, len);
        s->sent += len;
        return len;
    }

    static std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

    void configure() {
        CURL* e = easy.get();
        auto url =
            http_url(req.implicit_tls ? "smtps" : "smtp", req.host, req.port, "/" + req.helo);
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(e, CURLOPT_USE_SSL, long(req.implicit_tls ? CURLUSESSL_ALL : req.use_ssl));
        // curl's own checks are off: the judge's verdict, which names the
        // problem as the tls probe does, accepts or stops the handshake.
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
        try {
            judge.trust = run_trust(io, req.tls);
        } catch (const std::exception& ex) {
            judge.trust_problem = ex.what();
        }
        judge.tls = req.tls;
        judge.host = req.host;
        // A certificate that fails for its expiry fails here before any
        // credentials are sent, as it always has.
        judge.refuse_expiring = true;
        use_peer_judge(e, judge);
        curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Session::on_debug);
        curl_easy_setopt(e, CURLOPT_DEBUGDATA, this);
        curl_easy_setopt(e, CURLOPT_VERBOSE, 1L); // for on_debug; nothing is printed
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Session::discard);
        if (!req.user.empty()) {
            curl_easy_setopt(e, CURLOPT_USERNAME, req.user.c_str());
            curl_easy_setopt(e, CURLOPT_PASSWORD,
                             req.password ? req.password->reveal().c_str() : "");
        }
        if (req.to.empty()) {
            // Without recipients curl sends a command of its own choosing
            // (HELP); NOOP asks nothing of the server but an answer.
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "NOOP");
        } else {
            curl_easy_setopt(e, CURLOPT_MAIL_FROM, ("<" + req.from + ">").c_str());
            for (const auto& r : req.to)
                rcpt = curl_slist_append(rcpt, ("<" + r + ">").c_str());
            curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
            curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
            curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, curl_off_t(req.message.size()));
            curl_easy_setopt(e, CURLOPT_READFUNCTION, &Session::on_read);
            curl_easy_setopt(e, CURLOPT_READDATA, this);
        }
        // curl "connects" through the socket made in connect(): the name
        // needs an address only so that curl asks for a socket.
        resolve = curl_pin_addresses(resolve, req.host, req.port, {connected_to});
        if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    }

    void finish(CURLcode code) {
        if (finished) return;
        finished = true;
        x.code = code;
        x.error = errbuf;
        x.ms = ms_since(begun);
        const PeerCheck& seen = judge.seen;
        x.handshake_started = seen.reached;
        x.chain = seen.chain;
        x.certificate = seen.verdict;
        x.certificate_error = seen.error;
        x.protocol = seen.protocol;
        x.cipher = seen.cipher;
        x.trust = judge.trust;
        if (curl_started) {
            // curl counts the bytes of a reply as they arrive, ended lines or
            // not (CURLINFO_HEADER_SIZE), and gives up on an endless one
            // with a generic receive error.
            long reply_bytes = 0;
            curl_easy_getinfo(easy.get(), CURLINFO_HEADER_SIZE, &reply_bytes);
            x.endless_line = reply_bytes > line_bytes + endless_line_bytes;
        }
        auto done = std::move(on_done);
        on_done = nullptr;
        if (done) done(std::move(x));
    }
};

} // namespace

std::function<void()> start_smtp_session(asio::io_context& io, SmtpRequest req,
                                         std::function<void(SmtpSession)> on_done) {
    auto s = std::make_shared<Session>(io);
    s->req = std::move(req);
    s->on_done = std::move(on_done);
    s->x.transcript = SmtpTranscript(s->req.implicit_tls);
    s->connect();
    // Weak: the connect, then curl, keep the session while it runs.
    return [weak = std::weak_ptr<Session>(s)] {
        if (auto s = weak.lock()) s->cancel();
    };
}

} // namespace pf
