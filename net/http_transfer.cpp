#include "net/http_transfer.hpp"
#include "base/text.hpp"
#include "net/curl_loop.hpp"
#include "net/probe_util.hpp"
#include <algorithm>
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
    std::function<void()> cancel_curl;

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
        if (req.via_proxy) {
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
            origin_heads = req.scheme != "https"; // https goes through CONNECT
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
        curl_easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &x.connect_code);
        curl_easy_getinfo(e, CURLINFO_PROXYAUTH_AVAIL, &x.proxy_auth_offered);
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
        if (x.connect_code == 0)
            if (const HttpHead* h = x.last_proxy_head()) x.connect_code = h->status;
    }

    void finish(CURLcode code) {
        if (finished) return;
        finished = true;
        x.code = code;
        // At the deadline too: the phases reached so far.
        collect_info();
        on_done(std::move(x));
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
    return start_curl_job(std::move(t));
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
