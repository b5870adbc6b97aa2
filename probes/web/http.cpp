#include "probes/web/http.hpp"
#include "core/run_environment.hpp"
#include "net/http_transfer.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "net/resolve.hpp"
#include "probes/web/http_verdict.hpp"
#include "probes/web/web_request.hpp"
#include <algorithm>
#include <asio/steady_timer.hpp>
#include <sstream>

namespace pf {

namespace {

constexpr int max_redirects = 10;

struct Target {
    std::string scheme, host;
    std::uint16_t port = 0;
    std::string path;
};

struct Params {
    Target target;
    std::string method, body, via, proxy_auth;
    unsigned long proxy_auth_mask = CURLAUTH_ANY;
    StatusSet expect;
    std::vector<std::string> keep_headers;
    bool follow = false;
};

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::stringstream ss(text);
    for (std::string item; std::getline(ss, item, ',');) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

std::string arg(const ProbeArgs& a, const std::string& name) {
    return a.has(name) ? a.text(name) : std::string();
}

// Every value was checked against the declaration in http_probe before the
// run started; defaults come from there too.
Params read_params(const ProbeArgs& a) {
    Params p;
    p.target.scheme = a.text("scheme");
    p.target.host = a.text("host");
    p.target.port = a.has("port") ? a.port("port") : p.target.scheme == "https" ? 443 : 80;
    p.target.path = a.text("path");
    if (p.target.path.empty() || p.target.path.front() != '/') p.target.path.insert(0, "/");
    p.method = a.text("method");
    p.expect = *parse_status_set(a.text("expect"));
    p.body = arg(a, "body");
    p.keep_headers = split_list(arg(a, "headers"));
    p.follow = a.boolean("follow");
    p.via = a.text("via");
    p.proxy_auth = a.text("proxy_auth");
    p.proxy_auth_mask = p.proxy_auth == "basic"       ? CURLAUTH_BASIC
                        : p.proxy_auth == "ntlm"      ? CURLAUTH_NTLM
                        : p.proxy_auth == "negotiate" ? CURLAUTH_NEGOTIATE
                                                      : CURLAUTH_ANY;
    return p;
}

// A redirect's absolute Location as a target; nullopt unless http(s).
std::optional<Target> parse_location(const std::string& url) {
    auto t = parse_http_url(url);
    if (!t) return std::nullopt;
    return Target{t->scheme, t->host, t->port, t->path};
}

struct HttpRun : std::enable_shared_from_this<HttpRun> {
    HttpRun(const ProbeContext& ctx, ProbeDone d)
        : io(ctx.io), timer(ctx.io), done(std::move(d)), proxy(ctx.env.proxy),
          trust_locations(ctx.env.tls.trust), deadline(ctx.deadline) {}
    asio::io_context& io;
    asio::steady_timer timer;
    OnceDone done;
    ProxyConfig proxy;
    Params p;
    TrustLocations trust_locations;
    TrustStore trust; // loaded for the first https hop
    Clock::time_point start = Clock::now(), deadline;
    double dns_ms = 0;
    bool looked_up = false;
    std::vector<std::string> hops;    // "302 Found: https://a/ → https://b/"
    std::vector<std::string> visited; // URLs requested, the first one included
    std::function<void()> abandon_lookup, cancel_transfer;
    std::string looking_up; // the name being resolved, while one is
    bool looking_up_proxy = false;
    bool stopped = false; // cancelled: nothing more is delivered

    void deliver(ProbeResult r) {
        timer.cancel();
        if (stopped) return;
        done(std::move(r));
    }

    void cancel() {
        stopped = true;
        timer.cancel();
        if (abandon_lookup) abandon_lookup();
        if (cancel_transfer) cancel_transfer();
        cancel_transfer = nullptr;
    }

    HttpRoute route_for(const Target& t, bool via_proxy) const {
        HttpRoute r;
        r.url = http_url(t.scheme, t.host, t.port, t.path);
        r.authority = (t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host) + ":" +
                      std::to_string(t.port);
        r.https = t.scheme == "https";
        r.via_proxy = via_proxy;
        r.proxy = proxy;
        r.proxy_auth = p.proxy_auth;
        r.proxy_auth_mask = p.proxy_auth_mask;
        r.budget = seconds_left_text(start, deadline);
        return r;
    }

    bool uses_proxy(const Target& t) const {
        if (p.via == "direct" || !proxy.configured()) return false;
        return p.via == "proxy" || !proxy.bypassed_for(t.host);
    }

    std::string route_evidence(const Target& t) const {
        if (uses_proxy(t))
            return "route: through the proxy " + proxy.display() +
                   (proxy.origin.empty() ? "" : " (from " + proxy.origin + ")");
        if (p.via == "direct") return "route: direct (via=\"direct\")";
        return "route: direct: " + no_proxy_reason(proxy, t.host);
    }

    void start_timer() {
        timer.expires_at(deadline);
        auto self = shared_from_this();
        timer.async_wait([self](std::error_code ec) {
            // During a transfer the transfer has its own verdict at the deadline.
            if (ec || self->looking_up.empty()) return;
            if (self->abandon_lookup) self->abandon_lookup();
            self->deliver(
                ProbeResult::make(Status::fail, Reason::dns_failure,
                                  "no answer from the resolver for '" + self->looking_up + "'" +
                                      (self->looking_up_proxy ? " (the proxy's name)" : "") +
                                      " within " + seconds_left_text(self->start, self->deadline) +
                                      ": the DNS server is unreachable or too slow"));
        });
    }

    void hop(const Target& t) {
        bool via_proxy = uses_proxy(t);
        looking_up = via_proxy ? proxy.host : t.host;
        looking_up_proxy = via_proxy;
        auto self = shared_from_this();
        auto t0 = Clock::now();
        abandon_lookup = resolve_host(io, looking_up, [self, t, via_proxy, t0](Resolution res) {
            if (self->done.finished() || self->stopped) return;
            self->looking_up.clear();
            if (!res.literal) {
                self->looked_up = true;
                self->dns_ms += ms_since(t0); // Resolution::took is whole ms
            }
            if (res.outcome != Resolution::Outcome::resolved) {
                auto msg = describe_failure(via_proxy ? self->proxy.host : t.host, res);
                auto r = ProbeResult::make(
                    Status::fail,
                    via_proxy ? Reason::proxy_unreachable : lookup_reason(res.outcome),
                    via_proxy ? proxy_itself(ProxyFault::name, self->proxy, msg,
                                             self->route_for(t, true).authority)
                              : msg);
                r.measurements.push_back({"dns", self->dns_ms, "ms"});
                return self->deliver(std::move(r));
            }
            self->transfer(t, via_proxy, res.addresses);
        });
    }

    void transfer(const Target& t, bool via_proxy, const std::vector<asio::ip::address>& addrs) {
        HttpRequest req;
        req.scheme = t.scheme;
        req.host = t.host;
        req.port = t.port;
        req.path = t.path;
        req.method = p.method;
        req.via_proxy = via_proxy;
        (via_proxy ? req.proxy_pinned : req.pinned) = addrs;
        if (via_proxy) req.proxy = proxy;
        req.proxy_auth = p.proxy_auth_mask;
        if (t.scheme == "https" && !trust) {
            try {
                trust = trust_store_for(io, trust_locations);
            } catch (const std::exception& e) {
                return deliver(ProbeResult::make(Status::error, Reason::bad_input, e.what()));
            }
        }
        req.trust = trust;
        req.deadline = deadline;
        auto self = shared_from_this();
        std::string addresses;
        for (const auto& a : addrs)
            addresses += (addresses.empty() ? "" : ", ") + a.to_string();
        cancel_transfer = start_http_transfer(
            io, std::move(req), [self, t, via_proxy, addresses](HttpExchange x) {
                self->cancel_transfer = nullptr;
                self->answered(t, via_proxy, addresses, std::move(x));
            });
    }

    void answered(const Target& t, bool via_proxy, const std::string& addresses, HttpExchange x) {
        auto route = route_for(t, via_proxy);
        long code = x.response_code;
        bool redirect = code >= 300 && code < 400 && !x.redirect_url.empty();
        std::optional<ProbeResult> endless;
        if (!diagnose_transport(route, x) && redirect && p.follow) {
            if (auto next = parse_location(x.redirect_url)) {
                hops.push_back(status_text(code, x.last_origin_head()) + ": " + route.url + " → " +
                               x.redirect_url);
                endless = endless_redirects(*next, route.url);
                if (!endless) return hop(*next);
            }
        }
        auto r = endless ? *endless : verdict(route, x);
        r.evidence.insert(r.evidence.begin(),
                          {p.method + " " + route.url, route_evidence(t),
                           (via_proxy ? "proxy address: " : "address: ") + addresses});
        r.evidence.insert(r.evidence.begin() + 3, hops.begin(), hops.end());
        measure(r, x, t.scheme == "https");
        deliver(std::move(r));
    }

    // A client that follows redirects never gets an answer from a loop or an
    // endless chain, whatever status each hop has: that fails, naming the
    // URL that came round again.
    std::optional<ProbeResult> endless_redirects(const Target& next, const std::string& from) {
        auto url = http_url(next.scheme, next.host, next.port, next.path);
        if (visited.empty())
            visited.push_back(
                http_url(p.target.scheme, p.target.host, p.target.port, p.target.path));
        bool loop = std::find(visited.begin(), visited.end(), url) != visited.end();
        visited.push_back(url);
        if (!loop && int(hops.size()) <= max_redirects) return std::nullopt;
        auto r = ProbeResult::make(
            Status::fail, Reason::redirect_loop,
            loop ? "redirect loop: " + from + " redirects back to " + url + ", already visited " +
                       "after " + std::to_string(hops.size()) +
                       " redirect(s): a client following it never gets an answer; the server's "
                       "(or its load balancer's) redirect rules send requests round in a circle"
                 : "more than " + std::to_string(max_redirects) + " redirects from " +
                       visited.front() + ", the last to " + url +
                       ": a client following them gives up without an answer");
        return r;
    }

    void measure(ProbeResult& r, const HttpExchange& x, bool https) const {
        if (looked_up) r.measurements.push_back({"dns", dns_ms, "ms"});
        if (x.connect_ms > 0) r.measurements.push_back({"connect", x.connect_ms, "ms"});
        if (https && x.appconnect_ms > x.connect_ms)
            r.measurements.push_back({"tls", x.appconnect_ms - x.connect_ms, "ms"});
        double before = ms_since(start) - x.total_ms; // lookups and earlier hops
        if (x.first_byte_ms > 0)
            r.measurements.push_back({"first byte", before + x.first_byte_ms, "ms"});
        r.measurements.push_back({"total", ms_since(start), "ms"});
    }

    ProbeResult verdict(const HttpRoute& route, const HttpExchange& x) const {
        if (auto failure = diagnose_transport(route, x)) {
            if (const HttpHead* h = x.last_proxy_head()) {
                failure->evidence.push_back("proxy answered: " + h->status_line);
                for (const auto& name : {"Proxy-Authenticate", "X-Squid-Error"})
                    for (const auto& v : h->values(name))
                        failure->evidence.push_back(std::string(name) + ": " + v);
            }
            if (!x.error.empty()) failure->evidence.push_back("curl: " + x.error);
            return *failure;
        }
        const HttpHead* head = x.last_origin_head();
        long code = x.response_code;
        auto status = status_text(code, head);
        ProbeResult r;
        if (head) r.evidence.push_back(head->status_line);
        if (head)
            for (const auto& name : p.keep_headers)
                for (const auto& v : head->values(name))
                    r.evidence.push_back(name + ": " + v);
        if (!x.redirect_url.empty()) r.evidence.push_back("Location: " + x.redirect_url);
        if (auto b = body_excerpt(x.body, x.body_bytes)) r.evidence.push_back(*b);
        r.status = Status::fail;
        if (route.via_proxy && !route.https && code == 407) {
            auto auth = proxy_auth_verdict(
                route, head ? head->values("Proxy-Authenticate") : std::vector<std::string>{},
                x.proxy_auth_offered, x.proxy_credentials_answered);
            r.reason = auth.reason;
            r.summary = std::move(auth.summary);
            return r;
        }
        std::string through = route.via_proxy ? " through " + proxy.display() : "";
        std::string redirect = x.redirect_url.empty() ? "" : x.redirect_url;
        if (!p.expect.contains(int(code))) {
            r.reason = code == 401 ? Reason::http_auth_required : Reason::http_status;
            r.summary = "expected " + p.expect.text + ", got " + status + " from " + route.url;
            if (!redirect.empty())
                r.summary +=
                    !p.follow
                        ? ": redirect to " + redirect + " not followed (follow=\"true\" follows it)"
                        : ": redirect to " + redirect + ", which is not an http(s) URL";
            return r;
        }
        if (!p.body.empty() && x.body.find(p.body) == std::string::npos) {
            r.reason = Reason::unexpected_content;
            r.summary = "the answer (" + status + ") from " + route.url + " does not contain \"" +
                        p.body + "\"" +
                        (x.body_bytes > x.body.size()
                             ? " in its first " + std::to_string(x.body.size()) + " bytes"
                             : "") +
                        (p.method == "HEAD" ? " (HEAD answers have no body)" : "");
            return r;
        }
        r.status = Status::pass;
        r.reason = Reason::ok;
        r.summary = status + " from " + route.url + through + " in " + ms_text(ms_since(start));
        if (!redirect.empty()) r.summary += ", redirecting to " + redirect + " (not followed)";
        if (!p.body.empty()) r.summary += "; the body contains \"" + p.body + "\"";
        if (!hops.empty()) r.summary += " after " + std::to_string(hops.size()) + " redirect(s)";
        return r;
    }
};

} // namespace

ProbeKind http_probe() {
    ProbeKind k;
    k.name = "http";
    k.description = "Makes an HTTP(S) request, directly or through the outbound proxy, and "
                    "checks the status and body of the answer";
    k.params = {
        {"host", ParamType::host, true, "", "the server's name or IP address"},
        {"port", ParamType::port, false, "", "port (default 443 for https, 80 for http)"},
        {.name = "scheme",
         .type = ParamType::choice,
         .default_value = "https",
         .help = "https or http",
         .choices = {"https", "http"}},
        {"path", ParamType::text, false, "/", "the path (and query) to request"},
        {.name = "method",
         .type = ParamType::choice,
         .default_value = "GET",
         .help = "the request method",
         .choices = {"GET", "HEAD", "OPTIONS", "POST"}},
        {.name = "expect",
         .default_value = "200-399",
         .help = "status codes that pass: 200, 200-299, 401,403",
         .form = ValueForm{"status codes",
                           "HTTP status codes (100-599) or ranges, comma-separated, such as 200, "
                           "200-399 or 401,403",
                           [](std::string_view v) {
                               return parse_status_set(std::string(v)).has_value();
                           }}},
        {"body", ParamType::text, false, "", "text the body must contain"},
        {"headers", ParamType::text, false, "",
         "response headers to keep as evidence, comma-separated (WWW-Authenticate,Server)"},
        {"follow", ParamType::boolean, false, "false", "follow redirects"},
        via_param("auto (the proxy unless NO_PROXY matches), direct or proxy"),
        {.name = "proxy_auth",
         .type = ParamType::choice,
         .default_value = "any",
         .help = "proxy authentication schemes allowed",
         .choices = {"any", "basic", "ntlm", "negotiate"}},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto run = std::make_shared<HttpRun>(ctx, std::move(done));
        run->p = read_params(args);
        if (run->p.via == "proxy" && !run->proxy.configured())
            return deliver_now(
                ctx, [run](ProbeResult r) { run->done(std::move(r)); },
                ProbeResult::make(Status::skip, Reason::not_configured,
                                  "via=\"proxy\": " +
                                      no_proxy_reason(run->proxy, run->p.target.host)));
        run->start_timer();
        run->hop(run->p.target);
        return [run] { run->cancel(); };
    };
    return k;
}

} // namespace pf
