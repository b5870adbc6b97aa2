#include "probes/web/http_verdict.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "pki/tls_verify.hpp"
#include <asio/error.hpp>
#include <openssl/x509.h>
#include <sstream>

namespace pf {

bool StatusSet::contains(int status) const {
    for (const auto& [lo, hi] : ranges)
        if (status >= lo && status <= hi) return true;
    return false;
}

std::optional<StatusSet> parse_status_set(const std::string& text) {
    StatusSet set;
    set.text = text;
    std::stringstream ss(text);
    auto code = [](const std::string& s) -> int {
        if (s.size() != 3 || s.find_first_not_of("0123456789") != std::string::npos) return 0;
        int v = std::stoi(s);
        return v >= 100 && v <= 599 ? v : 0;
    };
    for (std::string item; std::getline(ss, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        auto dash = item.find('-');
        int lo = code(item.substr(0, dash));
        int hi = dash == std::string::npos ? lo : code(item.substr(dash + 1));
        if (!lo || !hi || hi < lo) return std::nullopt;
        set.ranges.emplace_back(lo, hi);
    }
    if (set.ranges.empty()) return std::nullopt;
    return set;
}

static const char* standard_reason(long s) {
    switch (s) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 303:
        return "See Other";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 407:
        return "Proxy Authentication Required";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    default:
        return "";
    }
}

std::string status_text(long status, const HttpHead* head) {
    std::string reason;
    if (head && head->status == status) {
        // "HTTP/1.1 503 Service Unavailable": the reason follows the code.
        auto sp = head->status_line.find(' ');
        auto sp2 = sp == std::string::npos ? sp : head->status_line.find(' ', sp + 1);
        if (sp2 != std::string::npos) reason = head->status_line.substr(sp2 + 1);
    }
    if (reason.empty()) reason = standard_reason(status);
    return std::to_string(status) + (reason.empty() ? "" : " " + reason);
}

std::optional<std::string> body_excerpt(const std::string& body, std::size_t body_bytes,
                                        std::size_t max) {
    std::string out;
    for (std::size_t i = 0; i < body.size() && i < max; ++i) {
        unsigned char c = static_cast<unsigned char>(body[i]);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += ' ';
        else if (c >= 0x20 && c < 0x7f)
            out += static_cast<char>(c);
        else
            return std::nullopt; // binary, or text we cannot show safely on one line
    }
    if (out.empty()) return std::nullopt;
    if (body_bytes > max)
        return evidence_line(
            msg("http.body_start", {{"shown", max}, {"bytes", body_bytes}, {"text", out}}));
    return evidence_line(msg("http.body", {{"text", out}}));
}

ProbeResult proxy_auth_verdict(const HttpRoute& route, const std::vector<std::string>& offered,
                               long offered_mask, bool credentials_answered) {
    if (route.proxy_auth != "any" && offered_mask != 0 &&
        (static_cast<unsigned long>(offered_mask) & route.proxy_auth_mask) == 0) {
        std::string list;
        for (const auto& o : offered)
            list += (list.empty() ? "" : "; ") + o;
        return make_result(Status::fail, Reason::proxy_auth_required,
                           msg("http.proxy_auth_scheme_mismatch",
                               {{"offers", list}, {"proxy_auth", route.proxy_auth}}));
    }
    if (route.proxy.user.empty())
        return ProbeResult::make(Status::fail, Reason::proxy_auth_required,
                                 proxy_auth_needed(offered, route.proxy));
    // curl answers a 407 on the same connection; a proxy that closes it
    // after the 407 (without Connection: close) never sees the credentials.
    if (!credentials_answered && route.proxy.password && !route.proxy.password->empty()) {
        std::string list;
        for (const auto& o : offered)
            list += (list.empty() ? "" : "; ") + o;
        return make_result(
            Status::fail, Reason::proxy_auth_required,
            msg("http.proxy_credentials_lost",
                {{"user", route.proxy.user},
                 {"proxy", route.proxy.display()},
                 {"offers", list.empty() ? part(msg("proxy.no_scheme")) : MessageArg(list)}}));
    }
    return ProbeResult::make(Status::fail, Reason::proxy_auth_rejected,
                             proxy_auth_rejected(offered, route.proxy));
}

namespace {

ProbeResult failed(Reason why, std::string summary) {
    return ProbeResult::make(Status::fail, why, std::move(summary));
}

ProbeResult failed(Reason why, Message m) {
    return make_result(Status::fail, why, std::move(m));
}

std::optional<ProbeResult> proxy_refused_tunnel(const HttpRoute& r, const HttpExchange& x) {
    const HttpHead* head = x.last_proxy_head();
    std::string line = head ? head->status_line
                            : evidence_line(msg("http.status_code", {{"code", x.connect_code}}));
    std::vector<std::string> offered;
    if (head) offered = head->values("Proxy-Authenticate");
    switch (x.connect_code) {
    case 407:
        return proxy_auth_verdict(r, offered, x.proxy_auth_offered, x.proxy_credentials_answered);
    case 403:
        return failed(Reason::proxy_forbidden, proxy_blocked(r.authority, r.proxy, line));
    case 502:
    case 503:
    case 504:
        return failed(Reason::proxy_target_failed, proxy_cannot_reach(r.authority, r.proxy, line));
    default:
        return failed(
            Reason::proxy_protocol_error,
            msg("http.proxy_connect_answer",
                {{"proxy", r.proxy.display()}, {"target", r.authority}, {"status_line", line}}));
    }
}

ProbeResult connect_failed(const HttpRoute& r, const HttpExchange& x) {
    std::string port = r.authority.substr(r.authority.rfind(':') + 1);
    std::string host = r.authority.substr(0, r.authority.rfind(':'));
    bool refused = x.os_errno == asio::error::connection_refused;
    bool timed_out = x.os_errno == asio::error::timed_out;
    bool unreachable = x.os_errno == asio::error::host_unreachable ||
                       x.os_errno == asio::error::network_unreachable;
    if (r.via_proxy) {
        auto fault = refused       ? ProxyFault::refused
                     : timed_out   ? ProxyFault::timed_out
                     : unreachable ? ProxyFault::unreachable
                                   : ProxyFault::other;
        return failed(Reason::proxy_unreachable,
                      proxy_itself(fault, r.proxy, x.error, r.authority));
    }
    if (refused)
        return failed(Reason::refused, msg("connect.refused", {{"host", host}, {"port", port}}));
    if (timed_out)
        return failed(Reason::timed_out,
                      msg("http.connect_timed_out", {{"host", host}, {"port", port}}));
    if (unreachable)
        return failed(Reason::unreachable,
                      msg("connect.unreachable", {{"host", host}, {"detail", x.error}}));
    return failed(Reason::connect_failed,
                  msg("http.cannot_connect", {{"target", r.authority}, {"error", x.error}}));
}

// The deadline passed: say which phase it stopped in.
ProbeResult timed_out(const HttpRoute& r, const HttpExchange& x) {
    if (x.connect_ms <= 0) {
        if (r.via_proxy)
            return failed(
                Reason::proxy_unreachable,
                proxy_itself(ProxyFault::timed_out, r.proxy,
                             evidence_line(msg("http.no_connection_within", {{"time", r.budget}})),
                             r.authority));
        return failed(Reason::timed_out,
                      msg("http.timeout_connect", {{"target", r.authority}, {"time", r.budget}}));
    }
    if (r.via_proxy && r.https && x.connect_code == 0)
        return failed(
            Reason::timed_out,
            msg("http.timeout_proxy_connect",
                {{"proxy", r.proxy.display()}, {"target", r.authority}, {"time", r.budget}}));
    if (r.https && x.appconnect_ms <= 0)
        return failed(
            Reason::timed_out,
            msg("http.timeout_tls",
                {{"target", r.authority}, {"time", r.budget}, {"connect", ms_text(x.connect_ms)}}));
    if (x.first_byte_ms <= 0)
        return failed(Reason::timed_out,
                      msg("http.timeout_answer", {{"target", r.authority}, {"time", r.budget}}));
    return failed(Reason::timed_out,
                  msg("http.timeout_body", {{"target", r.authority},
                                            {"time", r.budget},
                                            {"first_byte", ms_text(x.first_byte_ms)}}));
}

} // namespace

std::optional<ProbeResult> diagnose_transport(const HttpRoute& r, const HttpExchange& x) {
    if (r.via_proxy && r.https && x.connect_code != 0 && x.connect_code / 100 != 2)
        return proxy_refused_tunnel(r, x);
    // Bytes came back to CONNECT, but no HTTP status line: curl's own error
    // for that (e.g. "bad argument", 43) says nothing about the proxy.
    if (r.via_proxy && r.https && x.connect_code == 0 && x.proxy_answer_bytes > 0 &&
        x.code != CURLE_OK)
        return failed(Reason::proxy_protocol_error,
                      msg("http.proxy_not_http", {{"proxy", r.proxy.display()},
                                                  {"target", r.authority},
                                                  {"bytes", x.proxy_answer_bytes},
                                                  {"start", x.proxy_answer_start}}));
    if (x.deadline_passed || x.code == CURLE_OPERATION_TIMEDOUT) return timed_out(r, x);
    switch (x.code) {
    case CURLE_OK:
        return std::nullopt;
    case CURLE_COULDNT_CONNECT:
        return connect_failed(r, x);
    case CURLE_SSL_CONNECT_ERROR:
        return failed(Reason::tls_handshake_failed,
                      msg("http.tls_failed", {{"target", r.authority}, {"error", x.error}}));
    case CURLE_PEER_FAILED_VERIFICATION:
        // web_request replaces this with the verdict on the chain when the
        // handshake recorded one.
        if (x.verify_result != X509_V_OK && x.verify_result != X509_V_ERR_UNSPECIFIED)
            return failed(verify_error_reason(x.verify_result),
                          r.via_proxy
                              ? msg("http.cert_untrusted_via_proxy",
                                    {{"target", r.authority},
                                     {"error", X509_verify_cert_error_string(x.verify_result)}})
                              : msg("http.cert_untrusted",
                                    {{"target", r.authority},
                                     {"error", X509_verify_cert_error_string(x.verify_result)}}));
        return failed(Reason::certificate_invalid,
                      msg("http.cert_rejected", {{"target", r.authority}, {"error", x.error}}));
    case CURLE_GOT_NOTHING:
        return failed(
            Reason::connection_closed,
            msg("http.closed_without_answer", {{"target", r.authority}, {"error", x.error}}));
    default:
        break;
    }
    std::string what = x.error.empty() ? curl_easy_strerror(x.code) : x.error;
    return failed(Reason::connect_failed,
                  msg("http.request_failed",
                      {{"url", r.url}, {"error", what}, {"curl_code", static_cast<int>(x.code)}}));
}

} // namespace pf
