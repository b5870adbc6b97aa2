#include "probes/web/http.hpp"
#include "base/catalog.hpp"
#include "base/text.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "net/proxy_text.hpp"
#include "probes/web/http_verdict.hpp"
#include "probes/web/web_request.hpp"
#include <algorithm>
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

// The check: a web_request a hop, following redirects when asked.
struct HttpRun : std::enable_shared_from_this<HttpRun> {
    HttpRun(const ProbeContext& ctx, ProbeDone d)
        : ctx(ctx), done(std::move(d)), proxy(ctx.env.proxy), start(Clock::now()) {}
    ProbeContext ctx;
    OnceDone done;
    ProxyConfig proxy;
    Params p;
    Clock::time_point start;
    double dns_ms = 0;
    bool looked_up = false;
    std::vector<std::string> hops;    // "302 Found: https://a/ → https://b/"
    std::vector<std::string> visited; // URLs requested, the first one included
    std::function<void()> cancel_hop;
    bool stopped = false; // cancelled: nothing more is delivered

    void deliver(ProbeResult r) {
        if (stopped) return;
        done(std::move(r));
    }

    void cancel() {
        stopped = true;
        if (auto c = std::move(cancel_hop)) c();
    }

    bool uses_proxy(const Target& t) const {
        if (p.via == "direct" || !proxy.configured()) return false;
        return p.via == "proxy" || !proxy.bypassed_for(t.host);
    }

    std::string route_evidence(const Target& t) const {
        if (uses_proxy(t))
            return proxy.origin.empty()
                       ? evidence_line(msg("http.route_proxy", {{"proxy", proxy.display()}}))
                       : evidence_line(msg("http.route_proxy_from",
                                           {{"proxy", proxy.display()}, {"origin", proxy.origin}}));
        if (p.via == "direct") return evidence_line(msg("http.route_direct_by_parameter"));
        return evidence_line(
            msg("http.route_direct", {{"reason", no_proxy_reason(proxy, t.host)}}));
    }

    void hop(const Target& t) {
        WebCall call;
        call.target = {t.scheme, t.host, t.port, t.path};
        call.method = p.method;
        call.via_proxy = uses_proxy(t);
        if (call.via_proxy) call.proxy = proxy;
        call.proxy_auth = p.proxy_auth;
        call.proxy_auth_mask = p.proxy_auth_mask;
        call.route_note = route_evidence(t);
        call.since = start;
        auto self = shared_from_this();
        cancel_hop = web_request(ctx, std::move(call), [self, t](WebAnswer a) {
            self->cancel_hop = nullptr;
            if (self->done.finished() || self->stopped) return;
            self->answered(t, std::move(a));
        });
    }

    void answered(const Target& t, WebAnswer a) {
        if (a.looked_up) {
            looked_up = true;
            dns_ms += a.dns_ms;
        }
        const HttpExchange& x = a.x;
        long code = x.response_code;
        bool redirect = code >= 300 && code < 400 && !x.redirect_url.empty();
        std::optional<ProbeResult> endless;
        if (!a.failure && redirect && p.follow) {
            if (auto next = parse_location(x.redirect_url)) {
                hops.push_back(evidence_line(
                    msg("http.redirect_hop", {{"status", status_text(code, x.last_origin_head())},
                                              {"from", a.route.url},
                                              {"to", x.redirect_url}})));
                endless = endless_redirects(*next, a.route.url);
                if (!endless) return hop(*next);
            }
        }
        ProbeResult r;
        if (a.failure) {
            r = std::move(*a.failure); // its evidence starts with the request's
        } else {
            r = endless ? *endless : verdict(a.route, x);
            r.evidence.insert(r.evidence.begin(), a.evidence.begin(), a.evidence.end());
        }
        r.evidence.insert(r.evidence.begin() + static_cast<std::ptrdiff_t>(a.evidence.size()),
                          hops.begin(), hops.end());
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
        return make_result(
            Status::fail, Reason::redirect_loop,
            loop ? msg("http.redirect_loop", {{"from", from}, {"url", url}, {"count", hops.size()}})
                 : msg("http.too_many_redirects",
                       {{"max", max_redirects}, {"first", visited.front()}, {"url", url}}));
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

    // The origin (or a forwarding proxy) answered: judge the answer.
    ProbeResult verdict(const HttpRoute& route, const HttpExchange& x) const {
        const HttpHead* head = x.last_origin_head();
        long code = x.response_code;
        auto status = status_text(code, head);
        ProbeResult r;
        if (head) add_evidence(r, msg("http.status_line", {{"line", head->status_line}}));
        if (head)
            for (const auto& name : p.keep_headers)
                for (const auto& v : head->values(name))
                    add_evidence(r, msg("http.header", {{"name", name}, {"value", v}}));
        if (!x.redirect_url.empty())
            add_evidence(r, msg("http.header", {{"name", "Location"}, {"value", x.redirect_url}}));
        if (auto b = body_excerpt(x.body, x.body_bytes)) r.evidence.push_back(*b);
        r.status = Status::fail;
        if (route.via_proxy && !route.https && code == 407) {
            auto auth = proxy_auth_verdict(
                route, head ? head->values("Proxy-Authenticate") : std::vector<std::string>{},
                x.proxy_auth_offered, x.proxy_credentials_answered);
            r.reason = auth.reason;
            r.summary = std::move(auth.summary);
            r.message = std::move(auth.message);
            return r;
        }
        const std::string& redirect = x.redirect_url;
        if (!p.expect.contains(int(code))) {
            r.reason = code == 401 ? Reason::http_auth_required : Reason::http_status;
            if (redirect.empty())
                set_message(
                    r, msg("http.unexpected_status",
                           {{"expected", p.expect.text}, {"status", status}, {"url", route.url}}));
            else if (!p.follow)
                set_message(r, msg("http.unexpected_status_redirect", {{"expected", p.expect.text},
                                                                       {"status", status},
                                                                       {"url", route.url},
                                                                       {"location", redirect}}));
            else
                set_message(
                    r, msg("http.unexpected_status_redirect_not_http", {{"expected", p.expect.text},
                                                                        {"status", status},
                                                                        {"url", route.url},
                                                                        {"location", redirect}}));
            return r;
        }
        if (!p.body.empty() && x.body.find(p.body) == std::string::npos) {
            r.reason = Reason::unexpected_content;
            std::string within =
                x.body_bytes > x.body.size()
                    ? evidence_line(msg("http.body_within_first", {{"bytes", x.body.size()}}))
                    : "";
            std::string head_note =
                p.method == "HEAD" ? evidence_line(msg("http.head_has_no_body")) : "";
            set_message(r, msg("http.body_missing", {{"status", status},
                                                     {"url", route.url},
                                                     {"text", p.body},
                                                     {"within", within},
                                                     {"head_note", head_note}}));
            return r;
        }
        r.status = Status::pass;
        r.reason = Reason::ok;
        std::string extra;
        if (!redirect.empty())
            extra += evidence_line(msg("http.passed_redirecting", {{"location", redirect}}));
        if (!p.body.empty())
            extra += evidence_line(msg("http.passed_body_contains", {{"text", p.body}}));
        if (!hops.empty())
            extra += evidence_line(msg("http.passed_after_redirects", {{"count", hops.size()}}));
        if (route.via_proxy)
            set_message(r, msg("http.passed_via_proxy", {{"status", status},
                                                         {"url", route.url},
                                                         {"proxy", proxy.display()},
                                                         {"time", ms_text(ms_since(start))},
                                                         {"more", extra}}));
        else
            set_message(r, msg("http.passed", {{"status", status},
                                               {"url", route.url},
                                               {"time", ms_text(ms_since(start))},
                                               {"more", extra}}));
        return r;
    }
};

} // namespace

ProbeKind http_probe() {
    ProbeKind k;
    k.name = "http";
    k.verifies_chains = true;
    k.description = msg("probe.http.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.http.host")},
        {"port", ParamType::port, false, "", msg("param.http.port")},
        {.name = "scheme",
         .type = ParamType::choice,
         .default_value = "https",
         .help = msg("param.http.scheme"),
         .choices = {"https", "http"}},
        {"path", ParamType::text, false, "/", msg("param.http.path")},
        {.name = "method",
         .type = ParamType::choice,
         .default_value = "GET",
         .help = msg("param.http.method"),
         .choices = {"GET", "HEAD", "OPTIONS", "POST"}},
        {.name = "expect",
         .default_value = "200-399",
         .help = msg("param.http.expect"),
         .form = ValueForm{"status codes", msg("param.http.expect_form"),
                           [](std::string_view v) {
                               return parse_status_set(std::string(v)).has_value();
                           }}},
        {"body", ParamType::text, false, "", msg("param.http.body")},
        {"headers", ParamType::text, false, "", msg("param.http.headers")},
        {"follow", ParamType::boolean, false, "false", msg("param.http.follow")},
        via_param(msg("param.http.via")),
        {.name = "proxy_auth",
         .type = ParamType::choice,
         .default_value = "any",
         .help = msg("param.http.proxy_auth"),
         .choices = {"any", "basic", "ntlm", "negotiate"}},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto run = std::make_shared<HttpRun>(ctx, std::move(done));
        run->p = read_params(args);
        if (run->p.via == "proxy" && !run->proxy.configured())
            return deliver_now(
                ctx, [run](ProbeResult r) { run->done(std::move(r)); },
                make_result(Status::skip, Reason::not_configured,
                            msg("http.via_proxy_unset",
                                {{"reason", no_proxy_reason(run->proxy, run->p.target.host)}})));
        run->hop(run->p.target);
        return [run] { run->cancel(); };
    };
    return k;
}

} // namespace pf
