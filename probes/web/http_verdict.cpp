#include "probes/web/http_verdict.hpp"
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
        return "body (first " + std::to_string(max) + " of " + std::to_string(body_bytes) +
               " bytes): " + out + "…";
    return "body: " + out;
}

ProbeResult proxy_auth_verdict(const HttpRoute& route, const std::vector<std::string>& offered,
                               long offered_mask, bool credentials_answered) {
    if (route.proxy_auth != "any" && offered_mask != 0 &&
        (static_cast<unsigned long>(offered_mask) & route.proxy_auth_mask) == 0) {
        std::string list;
        for (const auto& o : offered)
            list += (list.empty() ? "" : "; ") + o;
        return ProbeResult::make(
            Status::fail, Reason::proxy_auth_required,
            "the proxy offers " + list + ", but proxy_auth=\"" + route.proxy_auth +
                "\" allows none of them: set proxy_auth=\"any\" or the scheme the proxy offers");
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
        return ProbeResult::make(
            Status::fail, Reason::proxy_auth_required,
            "the credentials for user " + route.proxy.user +
                " never reached the proxy, so they are neither accepted nor rejected: " +
                route.proxy.display() + " answered 407 (it offers " +
                (list.empty() ? "no scheme" : list) +
                ") and then closed the connection without announcing it (no \"Connection: "
                "close\"), so the request repeated with them went nowhere; proxy_auth=\"basic\" "
                "sends Basic credentials with the first request");
    }
    return ProbeResult::make(Status::fail, Reason::proxy_auth_rejected,
                             proxy_auth_rejected(offered, route.proxy));
}

namespace {

const std::string tls_hint = " (the \"tls\" check of the same host gives the full diagnosis)";

ProbeResult failed(Reason why, std::string summary) {
    return ProbeResult::make(Status::fail, why, std::move(summary));
}

std::optional<ProbeResult> proxy_refused_tunnel(const HttpRoute& r, const HttpExchange& x) {
    const HttpHead* head = x.last_proxy_head();
    std::string line = head ? head->status_line : "HTTP " + std::to_string(x.connect_code);
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
        return failed(Reason::proxy_protocol_error, "the proxy " + r.proxy.display() +
                                                        " answered CONNECT " + r.authority +
                                                        " with " + line);
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
        return failed(Reason::refused,
                      "refused: " + host + " is up but nothing accepts connections on port " +
                          port + " (service stopped, wrong port, or a firewall rejecting)");
    if (timed_out)
        return failed(Reason::timed_out, "timed out: no answer from " + host + " port " + port +
                                             " (filtered by a firewall, or the host is down)");
    if (unreachable)
        return failed(Reason::unreachable,
                      "unreachable: no route to " + host + " (" + x.error + ")");
    return failed(Reason::connect_failed, "cannot connect to " + r.authority + ": " + x.error);
}

// The deadline passed: say which phase it stopped in.
ProbeResult timed_out(const HttpRoute& r, const HttpExchange& x) {
    if (x.connect_ms <= 0) {
        if (r.via_proxy)
            return failed(Reason::proxy_unreachable,
                          proxy_itself(ProxyFault::timed_out, r.proxy,
                                       "no connection within " + r.budget, r.authority));
        return failed(Reason::timed_out, "timed out: no connection to " + r.authority + " within " +
                                             r.budget +
                                             " (filtered by a firewall, or the host is down)");
    }
    if (r.via_proxy && r.https && x.connect_code == 0)
        return failed(Reason::timed_out, "no answer from the proxy " + r.proxy.display() +
                                             " to CONNECT " + r.authority + " within " + r.budget +
                                             " (it accepted the connection, then stayed silent)");
    if (r.https && x.appconnect_ms <= 0)
        return failed(Reason::timed_out, "the TLS handshake with " + r.authority +
                                             " did not finish within " + r.budget +
                                             " (connected in " + ms_text(x.connect_ms) +
                                             "; something on the path holds TLS)" + tls_hint);
    if (x.first_byte_ms <= 0)
        return failed(Reason::timed_out,
                      r.authority + " took the request but sent no answer within " + r.budget);
    return failed(Reason::timed_out, "the answer from " + r.authority + " did not finish within " +
                                         r.budget + " (first byte after " +
                                         ms_text(x.first_byte_ms) + ")");
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
                      "the proxy " + r.proxy.display() + " did not answer CONNECT " + r.authority +
                          " as an HTTP proxy: it sent " + std::to_string(x.proxy_answer_bytes) +
                          " bytes beginning \"" + x.proxy_answer_start +
                          "\" (check --proxy: host and port of an HTTP "
                          "proxy)");
    if (x.deadline_passed || x.code == CURLE_OPERATION_TIMEDOUT) return timed_out(r, x);
    switch (x.code) {
    case CURLE_OK:
        return std::nullopt;
    case CURLE_COULDNT_CONNECT:
        return connect_failed(r, x);
    case CURLE_SSL_CONNECT_ERROR:
        return failed(Reason::tls_handshake_failed,
                      "the TLS handshake with " + r.authority + " failed: " + x.error + tls_hint);
    case CURLE_PEER_FAILED_VERIFICATION:
        // web_request replaces this with the verdict on the chain when the
        // handshake recorded one.
        if (x.verify_result != X509_V_OK && x.verify_result != X509_V_ERR_UNSPECIFIED)
            return failed(verify_error_reason(x.verify_result),
                          "TLS certificate of " + r.authority +
                              " is not trusted: " + X509_verify_cert_error_string(x.verify_result) +
                              (r.via_proxy ? " (or the proxy re-signs it: TLS inspection)" : "") +
                              tls_hint);
        return failed(Reason::certificate_invalid,
                      "TLS certificate of " + r.authority + " was rejected: " + x.error + tls_hint);
    case CURLE_GOT_NOTHING:
        return failed(Reason::connection_closed,
                      r.authority + " closed the connection without answering (" + x.error + ")");
    default:
        break;
    }
    std::string what = x.error.empty() ? curl_easy_strerror(x.code) : x.error;
    return failed(Reason::connect_failed, "the request to " + r.url + " failed: " + what +
                                              " (curl error " +
                                              std::to_string(static_cast<int>(x.code)) + ")");
}

} // namespace pf
