#include "probes/smtp/smtp_session.hpp"
#include "net/curl_loop.hpp"
#include "net/http_transfer.hpp"
#include "net/probe_util.hpp"
#include "pki/trust_material.hpp"
#include <algorithm>
#include <cstring>

namespace pf {

namespace {

bool starts_with(const char* data, std::size_t size, std::string_view prefix) {
    return size >= prefix.size() && std::memcmp(data, prefix.data(), prefix.size()) == 0;
}

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
    bool finished = false;
    Clock::time_point started;
    std::function<void(SmtpSession)> on_done;
    std::function<void()> cancel_curl;

    static int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* p) {
        auto* s = static_cast<Session*>(p);
        if (type == CURLINFO_HEADER_IN) {
            s->x.connected = true;
            s->x.transcript.from_server(data, size);
        } else if (type == CURLINFO_HEADER_OUT) {
            s->x.transcript.from_client(data, size); // redacts SASL lines itself
        } else if (type == CURLINFO_TEXT && size >= 12 &&
                   std::memcmp(data, "Connected to", 12) == 0) {
            s->x.connected = true;
        } else if (type == CURLINFO_TEXT && starts_with(data, size, "Excessive server response")) {
            // curl says so only in its log; its error is a generic receive error.
            s->x.endless_line = true;
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
        resolve = curl_pin_addresses(resolve, req.host, req.port, req.pinned);
        if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    }

    void finish(CURLcode code) {
        if (finished) return;
        finished = true;
        x.code = code;
        x.error = errbuf;
        x.ms = ms_since(started);
        const PeerCheck& seen = judge.seen;
        x.handshake_started = seen.reached;
        x.chain = seen.chain;
        x.certificate = seen.verdict;
        x.certificate_error = seen.error;
        x.protocol = seen.protocol;
        x.cipher = seen.cipher;
        x.trust = judge.trust;
        curl_easy_getinfo(easy.get(), CURLINFO_OS_ERRNO, &x.os_errno);
        char* ip = nullptr;
        if (curl_easy_getinfo(easy.get(), CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip)
            x.address = ip;
        auto done = std::move(on_done);
        on_done = nullptr;
        done(std::move(x));
    }
};

} // namespace

std::function<void()> start_smtp_session(asio::io_context& io, SmtpRequest req,
                                         std::function<void(SmtpSession)> on_done) {
    auto s = std::make_shared<Session>(io);
    s->req = std::move(req);
    s->on_done = std::move(on_done);
    s->x.transcript = SmtpTranscript(s->req.implicit_tls);
    return start_curl_job(std::move(s));
}

} // namespace pf
