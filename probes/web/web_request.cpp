#include "probes/web/web_request.hpp"
#include "base/catalog.hpp"
#include "base/text.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "net/resolve.hpp"
#include "pki/trust_material.hpp"
#include "probes/tls/tls_report.hpp"
#include <algorithm>
#include <asio/post.hpp>
#include <cctype>

namespace pf {

std::optional<WebTarget> parse_http_url(const std::string& url) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        return std::nullopt;
    auto part = [&](CURLUPart what, unsigned flags = 0) -> std::string {
        char* v = nullptr;
        if (curl_url_get(u.get(), what, &v, flags) != CURLUE_OK || !v) return "";
        std::string s = v;
        curl_free(v);
        return s;
    };
    WebTarget t;
    t.scheme = part(CURLUPART_SCHEME);
    if (t.scheme != "https" && t.scheme != "http") return std::nullopt;
    t.host = part(CURLUPART_HOST);
    if (t.host.size() > 2 && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
    t.port =
        static_cast<std::uint16_t>(std::atoi(part(CURLUPART_PORT, CURLU_DEFAULT_PORT).c_str()));
    t.path = part(CURLUPART_PATH);
    if (auto q = part(CURLUPART_QUERY); !q.empty()) t.path += "?" + q;
    if (t.host.empty() || t.port == 0) return std::nullopt;
    return t;
}

std::string list_text(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (const auto& s : items)
        out += (out.empty() ? "" : sep) + s;
    return out;
}

std::vector<std::string> auth_schemes(const std::vector<std::string>& www_authenticate) {
    std::vector<std::string> out;
    for (const auto& value : www_authenticate) {
        // Challenges and their parameters share one comma-separated list
        // (RFC 9110 11.6.1); a piece whose first token is not followed by
        // '=' starts a new challenge. Commas inside quotes do not count.
        std::vector<std::string> pieces(1);
        bool quoted = false;
        for (char c : value) {
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted)
                pieces.emplace_back();
            else
                pieces.back() += c;
        }
        for (auto& p : pieces) {
            p.erase(0, p.find_first_not_of(" \t"));
            auto end = p.find_first_of(" \t=");
            std::string token = p.substr(0, end);
            if (token.empty() || (end != std::string::npos && p[end] == '=')) continue;
            if (std::find(out.begin(), out.end(), token) == out.end()) out.push_back(token);
        }
    }
    return out;
}

std::optional<IisForbidden> iis_substatus(const std::string& body) {
    // IIS names the sub-status in the page's title, near the top. A scan for
    // "403." with one or two digits, each end at a word boundary; no
    // std::regex over a page from the network.
    const std::string_view head(body.data(), std::min<std::size_t>(body.size(), 16 * 1024));
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::string digits;
    for (auto at = head.find("403."); at != std::string_view::npos && digits.empty();
         at = head.find("403.", at + 1)) {
        if (at > 0 && word(head[at - 1])) continue;
        auto end = at + 4;
        while (end < head.size() && digit(head[end]) && end - at - 4 < 3)
            ++end;
        auto n = end - at - 4;
        if (n >= 1 && n <= 2 && (end == head.size() || !word(head[end])))
            digits = std::string(head.substr(at + 4, n));
    }
    if (digits.empty()) return std::nullopt;
    int n = std::stoi(digits);
    std::string code = "403." + digits;
    switch (n) {
    case 4:
        return IisForbidden{code, "SSL required",
                            "connect with https: the virtual directory has Require SSL"};
    case 7:
        return IisForbidden{code, "client certificate required",
                            "the virtual directory's SSL Settings require a client certificate "
                            "(certificate authentication): devices must present one"};
    case 13:
        return IisForbidden{code, "client certificate revoked",
                            "issue the device a new certificate; check the CRL the server reads"};
    case 16:
        return IisForbidden{code, "client certificate untrusted or invalid",
                            "put the CA that issues the device certificates in the server's "
                            "Trusted Root (and Intermediate) certificate stores, and in NTAuth "
                            "for Active Directory mapping"};
    case 17:
        return IisForbidden{code, "client certificate expired or not yet valid",
                            "renew the device certificate, and check the server's clock"};
    case 6:
        return IisForbidden{code, "client IP address rejected",
                            "allow this address in IIS IP Address and Domain Restrictions"};
    default:
        return IisForbidden{code, "forbidden (IIS sub-status " + code + ")",
                            "see the IIS log's sc-substatus for this request"};
    }
}

bool client_certificate_demanded(const WebAnswer& a) {
    long code = a.x.response_code;
    if (code == 400) return a.x.body.find("No required SSL certificate") != std::string::npos;
    if (code != 403) return false;
    auto iis = iis_substatus(a.x.body);
    return iis && iis->code == "403.7";
}

std::optional<std::string> iis_forbidden_text(const WebAnswer& a) {
    if (a.x.response_code != 403) return std::nullopt;
    auto iis = iis_substatus(a.x.body);
    if (!iis) return std::nullopt;
    return a.route.url + " answered " + iis->code + " " + iis->meaning + ": " + iis->fix;
}

std::function<void()> look_at_tls(const ProbeContext& ctx, const std::string& host,
                                  std::uint16_t port, std::function<void(TlsLook)> on_done) {
    std::string sni = is_ip_literal(host) ? "" : host;
    std::string target = host + ":" + std::to_string(port);
    const TlsSettings* tls = &ctx.env.tls;
    asio::io_context* io = &ctx.io;
    return open_tls(
        ctx.io, ProxyConfig{}, host, port, sni, ctx.cancel,
        [io, tls, host, sni, target, on_done = std::move(on_done)](TlsConnection c) {
            TlsLook look;
            auto failed = [&](Status s, std::string summary) {
                ProbeResult r = ProbeResult::make(s, std::move(summary));
                add_connection_evidence(r, c, ProxyConfig{}, target, sni);
                return r;
            };
            if (c.outcome != TlsConnection::Outcome::open) {
                look.failure = failed(Status::fail, c.failure);
                look.failure->reason = tls_connection_reason(c);
            } else if (c.chain.empty()) {
                look.failure =
                    failed(Status::fail, render(msg("web.no_certificate", {{"target", target}})));
                look.failure->reason = Reason::protocol_error;
            } else {
                try {
                    look.verdict = verify_chain(c.chain, host, *tls, *run_trust(*io, *tls));
                    if (look.verdict->status == Status::fail) {
                        auto r = failed(
                            Status::fail,
                            render(msg("web.tls_failure", {{"summary", look.verdict->summary}})));
                        r.reason = tls_reason(look.verdict->diagnosis);
                        add_chain_blocks(r, c, *look.verdict, target, ProxyConfig{});
                        r.evidence.insert(r.evidence.end(), look.verdict->evidence.begin(),
                                          look.verdict->evidence.end());
                        look.failure = std::move(r);
                    }
                } catch (const std::exception& e) {
                    look.failure = ProbeResult::make(Status::error, Reason::bad_input, e.what());
                }
            }
            if (c.link) {
                std::error_code ignore;
                c.link->stream.lowest_layer().close(ignore);
            }
            look.connection = std::move(c);
            on_done(std::move(look));
        });
}

namespace {

struct WebRun : std::enable_shared_from_this<WebRun> {
    WebRun(const ProbeContext& ctx) : ctx(ctx) {}
    ProbeContext ctx;
    WebCall call;
    std::function<void(WebAnswer)> on_done;
    std::function<void()> abandon_lookup, cancel_transfer;
    WebAnswer answer;
    bool finished = false;

    void finish() {
        if (finished) return;
        finished = true;
        if (answer.failure) {
            auto& ev = answer.failure->evidence;
            ev.insert(ev.begin(), answer.evidence.begin(), answer.evidence.end());
        }
        auto cb = std::move(on_done);
        on_done = nullptr;
        abandon_lookup = cancel_transfer = nullptr;
        cb(std::move(answer));
    }

    void cancel() {
        finished = true;
        on_done = nullptr;
        for (auto* c : {&abandon_lookup, &cancel_transfer})
            if (*c) (*c)();
        abandon_lookup = cancel_transfer = nullptr;
    }

    // The name looked up: the proxy's when the call goes through it.
    const std::string& lookup_name() const {
        return call.via_proxy ? call.proxy.host : call.target.host;
    }

    void start() {
        const WebTarget& t = call.target;
        answer.route.url = t.url();
        answer.route.authority = host_port(t.host, t.port);
        answer.route.https = t.scheme == "https";
        answer.route.via_proxy = call.via_proxy;
        answer.route.proxy = call.proxy;
        answer.route.proxy_auth = call.proxy_auth;
        answer.route.proxy_auth_mask = call.proxy_auth_mask;
        answer.route.budget = seconds_left_text(call.since.value_or(Clock::now()), ctx.deadline);
        answer.evidence.push_back(evidence_line(
            msg("web.request", {{"method", call.method}, {"url", answer.route.url}})));
        if (!call.route_note.empty()) answer.evidence.push_back(call.route_note);
        auto self = shared_from_this();
        answer.looked_up = !is_ip_literal(lookup_name());
        auto t0 = Clock::now();
        // resolve_host, not resolve_for_probe: the verdicts name the proxy's
        // name and the check's budget, which the generic lookup verdict does not.
        abandon_lookup =
            resolve_host(ctx.io, lookup_name(), ctx.cancel, [self, t0](Resolution res) {
                if (self->finished) return;
                self->abandon_lookup = nullptr;
                if (self->answer.looked_up) self->answer.dns_ms = ms_since(t0); // took is whole ms
                if (res.outcome == Resolution::Outcome::cancelled) {
                    self->answer.failure = make_result(
                        Status::fail, Reason::dns_failure,
                        self->call.via_proxy
                            ? msg("web.proxy_resolver_no_answer",
                                  {{"host", self->lookup_name()},
                                   {"time", self->answer.route.budget}})
                            : msg("web.resolver_no_answer", {{"host", self->lookup_name()},
                                                             {"time", self->answer.route.budget}}));
                    return self->finish();
                }
                if (res.outcome != Resolution::Outcome::resolved) {
                    auto msg = describe_failure(self->lookup_name(), res);
                    self->answer.failure = ProbeResult::make(
                        Status::fail,
                        self->call.via_proxy ? Reason::proxy_unreachable
                                             : lookup_reason(res.outcome),
                        self->call.via_proxy ? proxy_itself(ProxyFault::name, self->call.proxy, msg,
                                                            self->answer.route.authority)
                                             : msg);
                    return self->finish();
                }
                self->transfer(res.addresses);
            });
    }

    void transfer(const std::vector<asio::ip::address>& addrs) {
        std::string list;
        for (const auto& a : addrs)
            list += (list.empty() ? "" : ", ") + a.to_string();
        answer.evidence.push_back(
            evidence_line(call.via_proxy ? msg("web.proxy_address", {{"addresses", list}})
                                         : msg("web.address", {{"addresses", list}})));
        HttpRequest req;
        req.scheme = call.target.scheme;
        req.host = call.target.host;
        req.port = call.target.port;
        req.path = call.target.path;
        req.method = call.method;
        req.via_proxy = call.via_proxy;
        (call.via_proxy ? req.proxy_pinned : req.pinned) = addrs;
        if (call.via_proxy) req.proxy = call.proxy;
        req.proxy_auth = call.proxy_auth_mask;
        req.user = call.user;
        req.password = call.password;
        req.auth = call.auth;
        req.cancel = ctx.cancel;
        if (req.scheme == "https") {
            try {
                req.trust = run_trust(ctx.io, ctx.env.tls);
                req.tls = ctx.env.tls;
            } catch (const std::exception& e) {
                answer.failure = ProbeResult::make(Status::error, Reason::bad_input, e.what());
                return finish();
            }
        }
        auto self = shared_from_this();
        cancel_transfer = start_http_transfer(ctx.io, std::move(req), [self](HttpExchange x) {
            self->cancel_transfer = nullptr;
            self->answer.x = std::move(x);
            self->answered();
        });
    }

    void answered() {
        const HttpExchange& x = answer.x;
        answer.failure = diagnose_transport(answer.route, x);
        if (!answer.failure) return finish();
        // A proxy that closed the connection without a byte of answer: the
        // tunnel's words, as the proxy and tls checks give them.
        if (!x.tunnel_failure.empty() && x.code == CURLE_RECV_ERROR && x.proxy_answer_bytes == 0)
            answer.failure =
                ProbeResult::make(Status::fail, Reason::proxy_protocol_error, x.tunnel_failure);
        if (x.proxy_scheme_unsupported)
            answer.failure = ProbeResult::make(
                Status::fail, Reason::proxy_auth_required,
                proxy_scheme_unsupported(x.last_proxy_head()
                                             ? x.last_proxy_head()->values("Proxy-Authenticate")
                                             : std::vector<std::string>{},
                                         call.proxy));
        if (x.negotiate_verdict != Reason::unset)
            answer.failure = ProbeResult::make(Status::fail, x.negotiate_verdict, x.tunnel_failure);
        const PeerCheck& tls = x.tls;
        if (tls.refused && tls.verdict) {
            // The chain the handshake was refused on, judged as the tls probe judges it.
            auto r = make_result(
                Status::fail, tls_reason(tls.verdict->diagnosis),
                call.via_proxy
                    ? msg("web.tls_failure_via_proxy",
                          {{"summary", tls.verdict->summary}, {"proxy", call.proxy.display()}})
                    : msg("web.tls_failure", {{"summary", tls.verdict->summary}}));
            add_evidence(
                r, msg("web.tls_session", {{"protocol", tls.protocol}, {"cipher", tls.cipher}}));
            TlsConnection c;
            c.chain = tls.chain;
            c.tunnel.via_proxy = call.via_proxy;
            add_chain_blocks(r, c, *tls.verdict, answer.route.authority, call.proxy);
            r.evidence.insert(r.evidence.end(), tls.verdict->evidence.begin(),
                              tls.verdict->evidence.end());
            answer.failure = std::move(r);
        }
        if (const HttpHead* h = x.last_proxy_head()) {
            add_evidence(*answer.failure,
                         msg("proxy_check.answered", {{"status_line", h->status_line}}));
            for (const auto& name : {"Proxy-Authenticate", "X-Squid-Error"})
                for (const auto& v : h->values(name))
                    add_evidence(*answer.failure,
                                 msg("http.header", {{"name", name}, {"value", v}}));
        }
        // curl's words (or the tunnel's) as they are: only the label is ours.
        if (!x.error.empty())
            add_evidence(*answer.failure, x.tunnel_failure.empty()
                                              ? msg("web.curl_error", {{"error", x.error}})
                                              : msg("web.proxy_error", {{"error", x.error}}));
        finish();
    }
};

} // namespace

std::function<void()> web_request(const ProbeContext& ctx, WebCall call,
                                  std::function<void(WebAnswer)> on_done) {
    auto run = std::make_shared<WebRun>(ctx);
    run->call = std::move(call);
    run->on_done = std::move(on_done);
    // From the loop, as every probe step is: never inside the caller's start.
    asio::post(ctx.io, [run] {
        if (!run->finished) run->start();
    });
    // Weak: the caller keeps this function and run keeps the caller's
    // callback; the run's own operations keep it alive, so a loop destroyed
    // with the request in flight frees both.
    return [weak = std::weak_ptr<WebRun>(run)] {
        if (auto run = weak.lock()) run->cancel();
    };
}

} // namespace pf
