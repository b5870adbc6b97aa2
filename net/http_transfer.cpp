#include "net/http_transfer.hpp"
#include "base/text.hpp"
#include "net/curl_loop.hpp"
#include "net/probe_util.hpp"
#include "net/tunnel.hpp"
#include <algorithm>
#include <asio/error.hpp>
#include <cctype>
#include <cstring>
#include <openssl/ssl.h>

namespace pf {

namespace {

double info_ms(CURL* e, CURLINFO what) {
    curl_off_t us = 0;
    curl_easy_getinfo(e, what, &us);
    return static_cast<double>(us) / 1000.0;
}

// Whether a request head has a header line starting with name (lower case).
bool has_header(std::string_view head, std::string_view name) {
    for (std::size_t at = 0; at < head.size();) {
        auto end = head.find('\n', at);
        auto line = head.substr(at, end == std::string_view::npos ? head.npos : end - at);
        if (line.size() >= name.size() &&
            std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
                return a == std::tolower(static_cast<unsigned char>(b));
            }))
            return true;
        if (end == std::string_view::npos) break;
        at = end + 1;
    }
    return false;
}

// Kept per response: a hostile server must not make us buffer without limit.
constexpr std::size_t max_heads = 20;

// The tunnel's schemes as curl's CURLAUTH_* bits, and back.
unsigned long curl_auth(unsigned schemes) {
    return (schemes & proxy_auth_basic ? CURLAUTH_BASIC : 0) |
           (schemes & proxy_auth_digest ? CURLAUTH_DIGEST : 0) |
           (schemes & proxy_auth_ntlm ? CURLAUTH_NTLM : 0) |
           (schemes & proxy_auth_negotiate ? CURLAUTH_NEGOTIATE : 0);
}
unsigned tunnel_auth(unsigned long mask) {
    return (mask & CURLAUTH_BASIC ? proxy_auth_basic : 0u) |
           (mask & CURLAUTH_DIGEST ? proxy_auth_digest : 0u) |
           (mask & CURLAUTH_NTLM ? proxy_auth_ntlm : 0u) |
           (mask & CURLAUTH_NEGOTIATE ? proxy_auth_negotiate : 0u);
}

struct Transfer : std::enable_shared_from_this<Transfer> {
    explicit Transfer(asio::io_context& io) : io(io) {}
    ~Transfer() {
        easy.reset(); // before the lists it points to
        curl_slist_free_all(resolve);
    }
    asio::io_context& io;
    HttpRequest req;
    CurlEasy easy = make_curl_easy();
    curl_slist* resolve = nullptr;
    char errbuf[CURL_ERROR_SIZE] = {};
    HttpExchange x;
    PeerJudge judge;
    bool origin_heads = true;            // false while heads are the proxy's answers to CONNECT
    bool credentials_in_request = false; // the last request head carried Proxy-Authorization
    bool finished = false;
    // Progress as the callbacks see it (ms since start, 0: not yet): curl's
    // own phase times are filled in only when the whole connection is up,
    // and the deadline verdict must say which phase it stopped in.
    Clock::time_point started = Clock::now();
    double seen_connect = 0, seen_request = 0, seen_first_byte = 0;

    void mark(double& at) {
        if (at <= 0) at = std::max(ms_since(started), 0.001);
    }
    std::function<void(HttpExchange)> on_done;
    std::function<void()> cancel_curl, cancel_tunnel;
    // https through the proxy: the tunnel (net/tunnel) is opened first, and
    // curl's phases count from when it was up (ms since the request began).
    double tunnel_up = 0, tunnel_connect_ms = 0;
    asio::ip::address tunnel_address; // the proxy's, which the tunnel is connected to

    bool tunnelled() const { return req.via_proxy && req.scheme == "https"; }

    void start_tunnel() {
        TunnelOptions options;
        options.auth = tunnel_auth(req.proxy_auth);
        options.addresses = req.proxy_pinned;
        auto begun = Clock::now();
        // The tunnel's run is kept alive by its own steps; it holds this
        // transfer until it reports.
        cancel_tunnel = open_tunnel(
            io, req.proxy, req.host, req.port, req.cancel,
            [self = shared_from_this(), begun](Tunnel t) {
                self->cancel_tunnel = nullptr;
                if (self->finished) return;
                if (t.connect.kind == ConnectOutcome::Kind::open)
                    self->x.connect_ms = self->tunnel_connect_ms = std::max(t.connect_ms, 0.001);
                self->x.proxy_auth_offered = static_cast<long>(curl_auth(t.auth_offered));
                self->x.proxy_credentials_answered = t.credentials_answered;
                if (t.status != 0) {
                    HttpHead head = t.answer;
                    head.from_proxy = true;
                    self->x.heads.push_back(std::move(head));
                    self->x.connect_code = t.status;
                }
                if (t.outcome != Tunnel::Outcome::open) return self->tunnel_failed(t);
                self->tunnel_up = std::max(ms_since(begun), 0.001);
                self->tunnel_address = t.connect.endpoint.address();
                // Its cancel is cancel_curl's, which cancel() calls.
                start_curl_job(self, std::move(t.socket));
            },
            std::move(options));
    }

    // No tunnel: the exchange says why in the terms of curl's own failures,
    // so that one diagnosis (diagnose_transport) reads every route.
    void tunnel_failed(const Tunnel& t) {
        x.tunnel_failure = describe(t, host_port(req.host, req.port), req.proxy);
        x.proxy_answer_bytes = t.partial_answer_bytes;
        x.proxy_answer_start = t.partial_answer;
        CURLcode code = CURLE_COULDNT_CONNECT;
        switch (t.outcome) {
        case Tunnel::Outcome::timed_out:
            x.deadline_passed = true;
            code = CURLE_OPERATION_TIMEDOUT;
            break;
        case Tunnel::Outcome::proxy_unreachable:
        case Tunnel::Outcome::target_unreachable:
            x.os_errno = connect_errno(t.connect.kind);
            x.error = t.connect.detail.empty() ? describe(t.connect) : t.connect.detail;
            break;
        case Tunnel::Outcome::name_not_resolved:
            code = CURLE_COULDNT_RESOLVE_PROXY;
            x.error = t.detail;
            break;
        case Tunnel::Outcome::proxy_protocol_error:
            code = CURLE_RECV_ERROR;
            break;
        case Tunnel::Outcome::proxy_negotiate_failed:
            x.negotiate_verdict = tunnel_reason(t);
            break;
        case Tunnel::Outcome::proxy_auth_failed:
            if (t.negotiate_sent) x.negotiate_verdict = tunnel_reason(t);
            break;
        case Tunnel::Outcome::proxy_auth_required: {
            unsigned usable = t.auth_offered & tunnel_auth(req.proxy_auth);
            x.proxy_scheme_unsupported =
                !req.proxy.user.empty() && usable != 0 && !(usable & proxy_auth_spoken);
            break;
        }
        default:
            break;
        }
        finished = true;
        x.code = code;
        auto done = std::move(on_done);
        on_done = nullptr;
        if (done) done(std::move(x));
    }

    void cancel() {
        finished = true;
        on_done = nullptr;
        if (auto c = std::move(cancel_tunnel)) c();
        if (auto c = std::move(cancel_curl)) c();
        cancel_tunnel = cancel_curl = nullptr;
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* p) {
        auto* t = static_cast<Transfer*>(p);
        std::size_t len = size * n;
        std::string line(data, len);
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
            line.pop_back();
        auto& heads = t->x.heads;
        if (is_status_line(line)) {
            if (t->origin_heads) t->mark(t->seen_first_byte);
            t->x.proxy_credentials_answered = t->credentials_in_request;
            if (heads.size() >= max_heads) return len;
            HttpHead h = head_from_status_line(line);
            h.from_proxy = !t->origin_heads;
            heads.push_back(std::move(h));
        } else if (line.empty()) {
            // The end of a head: after the proxy's 2xx the tunnel is open.
            if (!heads.empty() && heads.back().from_proxy && heads.back().status / 100 == 2)
                t->origin_heads = true;
        } else if (!heads.empty()) {
            add_header_line(heads.back(), line);
        }
        return len;
    }

    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* p) {
        auto* t = static_cast<Transfer*>(p);
        std::size_t len = size * n;
        t->x.body_bytes += len;
        if (t->x.body.size() < t->req.body_limit)
            t->x.body.append(data, std::min(len, t->req.body_limit - t->x.body.size()));
        return len;
    }

    // Request heads going out mean the connection is up: a CONNECT to the
    // proxy right after the TCP connect, the request itself after TLS. Only
    // the request line is looked at (the heads carry proxy credentials).
    static int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* p) {
        auto* t = static_cast<Transfer*>(p);
        if (type == CURLINFO_HEADER_IN && !t->origin_heads) t->note_proxy_bytes(data, size);
        if (type != CURLINFO_HEADER_OUT) return 0;
        t->mark(t->seen_connect);
        if (size < 8 || std::memcmp(data, "CONNECT ", 8) != 0) t->mark(t->seen_request);
        // Whether the request carries credentials, not what they are: a 407
        // to a request without them is no verdict on them.
        t->credentials_in_request =
            t->req.via_proxy && has_header(std::string_view(data, size), "proxy-authorization:");
        return 0;
    }

    // What a proxy sent in answer to CONNECT, for a proxy that does not speak HTTP.
    void note_proxy_bytes(const char* data, std::size_t size) {
        x.proxy_answer_bytes += size;
        for (std::size_t i = 0; i < size && x.proxy_answer_start.size() < 40; ++i) {
            auto c = static_cast<unsigned char>(data[i]);
            x.proxy_answer_start += c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
        }
    }

    void configure() {
        CURL* e = easy.get();
        auto url = http_url(req.scheme, req.host, req.port, req.path);
        curl_easy_setopt(e, CURLOPT_URL, url.c_str());
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
        curl_easy_setopt(e, CURLOPT_USERAGENT, "preflight/" PREFLIGHT_VERSION);
        // HTTP/1.1 as the Cloud Connector speaks it; status lines keep their reason.
        curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long(CURL_HTTP_VERSION_1_1));
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L); // the probe follows, resolving each hop
        if (req.method == "HEAD") {
            curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        } else if (req.method == "POST") {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
        } else if (req.method != "GET") {
            curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req.method.c_str());
        }
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
        curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Transfer::on_debug);
        curl_easy_setopt(e, CURLOPT_DEBUGDATA, this);
        curl_easy_setopt(e, CURLOPT_VERBOSE, 1L); // for on_debug; nothing is printed
        if (req.scheme == "https") {
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
            curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
            judge.trust = req.trust;
            judge.tls = req.tls;
            judge.host = req.host;
            // TLS starts once TCP (and any tunnel) is up.
            judge.on_start = [this] { mark(seen_connect); };
            use_peer_judge(e, judge);
        }
        if (!req.user.empty()) {
            curl_easy_setopt(e, CURLOPT_USERNAME, req.user.c_str());
            curl_easy_setopt(e, CURLOPT_PASSWORD,
                             req.password ? req.password->reveal().c_str() : "");
            curl_easy_setopt(e, CURLOPT_HTTPAUTH, req.auth);
        }
        if (tunnelled()) {
            // curl "connects" to the target through the tunnel's socket: its
            // name needs an address only so that curl asks for a socket.
            resolve = curl_pin_addresses(resolve, req.host, req.port, {tunnel_address});
        } else if (req.via_proxy) {
            // Plain http: the proxy forwards the request (absolute URI, no
            // CONNECT), with its own authentication.
            auto proxy = "http://" + host_port(req.proxy.host, req.proxy.port);
            curl_easy_setopt(e, CURLOPT_PROXY, proxy.c_str());
            curl_easy_setopt(e, CURLOPT_PROXYTYPE, long(CURLPROXY_HTTP));
            // The probe applied NO_PROXY itself; curl must not apply the
            // environment's once more.
            curl_easy_setopt(e, CURLOPT_NOPROXY, "");
            if (!req.proxy.user.empty()) {
                curl_easy_setopt(e, CURLOPT_PROXYUSERNAME, req.proxy.user.c_str());
                curl_easy_setopt(e, CURLOPT_PROXYPASSWORD,
                                 req.proxy.password ? req.proxy.password->reveal().c_str() : "");
            }
            curl_easy_setopt(e, CURLOPT_PROXYAUTH, req.proxy_auth);
            resolve = curl_pin_addresses(resolve, req.proxy.host, req.proxy.port, req.proxy_pinned);
        } else {
            resolve = curl_pin_addresses(resolve, req.host, req.port, req.pinned);
        }
        if (resolve) curl_easy_setopt(e, CURLOPT_RESOLVE, resolve);
    }

    void collect_info() {
        CURL* e = easy.get();
        x.error = errbuf;
        curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &x.os_errno);
        curl_easy_getinfo(e, CURLINFO_SSL_VERIFYRESULT, &x.verify_result);
        x.tls = judge.seen;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &x.response_code);
        if (!tunnelled()) curl_easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &x.connect_code);
        if (!tunnelled()) curl_easy_getinfo(e, CURLINFO_PROXYAUTH_AVAIL, &x.proxy_auth_offered);
        char* location = nullptr;
        if (curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
            x.redirect_url = location;
        x.connect_ms = info_ms(e, CURLINFO_CONNECT_TIME_T);
        x.appconnect_ms = info_ms(e, CURLINFO_APPCONNECT_TIME_T);
        x.first_byte_ms = info_ms(e, CURLINFO_STARTTRANSFER_TIME_T);
        x.total_ms = info_ms(e, CURLINFO_TOTAL_TIME_T);
        // Stopped midway, curl has not filled in its phases: ours stand in.
        if (x.connect_ms <= 0) x.connect_ms = seen_connect;
        if (x.appconnect_ms <= 0 && req.scheme == "https") x.appconnect_ms = seen_request;
        if (x.first_byte_ms <= 0) x.first_byte_ms = seen_first_byte;
        if (tunnelled()) {
            // curl's phases began when the tunnel was up; its connect was
            // no connect at all.
            x.connect_ms = tunnel_connect_ms;
            for (double* at : {&x.appconnect_ms, &x.first_byte_ms, &x.total_ms})
                if (*at > 0) *at += tunnel_up;
        }
        if (x.connect_code == 0)
            if (const HttpHead* h = x.last_proxy_head()) x.connect_code = h->status;
    }

    void finish(CURLcode code) {
        if (finished) return;
        finished = true;
        x.code = code;
        // At the deadline too: the phases reached so far.
        collect_info();
        auto done = std::move(on_done);
        on_done = nullptr;
        if (done) done(std::move(x));
    }
};

} // namespace

const HttpHead* HttpExchange::last_origin_head() const {
    for (auto it = heads.rbegin(); it != heads.rend(); ++it)
        if (!it->from_proxy && it->status >= 200) return &*it;
    return nullptr;
}

const HttpHead* HttpExchange::last_proxy_head() const {
    for (auto it = heads.rbegin(); it != heads.rend(); ++it)
        if (it->from_proxy) return &*it;
    return nullptr;
}

std::function<void()> start_http_transfer(asio::io_context& io, HttpRequest req,
                                          std::function<void(HttpExchange)> on_done) {
    auto t = std::make_shared<Transfer>(io);
    t->req = std::move(req);
    t->on_done = std::move(on_done);
    if (!t->tunnelled()) return start_curl_job(std::move(t));
    t->start_tunnel();
    // Weak: the tunnel, then curl, keep the transfer while it runs.
    return [weak = std::weak_ptr<Transfer>(t)] {
        if (auto t = weak.lock()) t->cancel();
    };
}

curl_slist* curl_pin_addresses(curl_slist* list, const std::string& host, std::uint16_t port,
                               const std::vector<asio::ip::address>& addresses) {
    std::error_code ec;
    asio::ip::make_address(host, ec);
    if (!ec || addresses.empty()) return list;
    std::string entry = host + ":" + std::to_string(port) + ":";
    for (std::size_t i = 0; i < addresses.size(); ++i)
        entry += (i ? "," : "") + (addresses[i].is_v6() ? "[" + addresses[i].to_string() + "]"
                                                        : addresses[i].to_string());
    return curl_slist_append(list, entry.c_str());
}

std::string http_url(const std::string& scheme, const std::string& host, std::uint16_t port,
                     const std::string& path) {
    return scheme + "://" + host_port(host, port) +
           (path.empty() || path.front() != '/' ? "/" : "") + path;
}

} // namespace pf
