#include "probes/web/exchange_powershell.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "probes/web/web_request.hpp"
#include <algorithm>
#include <cctype>

namespace pf {

namespace {

ProbeResult judge(const WebAnswer& a, const std::string& path) {
    if (a.failure) return *a.failure;
    ProbeResult r;
    r.evidence = a.evidence;
    const HttpHead* h = a.head();
    long code = a.x.response_code;
    std::string status = status_text(code, h);
    std::string url = a.route.url;
    std::vector<std::string> offered;
    if (h) {
        add_evidence(r, msg("http.status_line", {{"line", h->status_line}}));
        offered = h->values("WWW-Authenticate");
        for (const auto& v : offered)
            add_evidence(r, msg("http.header", {{"name", "WWW-Authenticate"}, {"value", v}}));
    }
    auto schemes = auth_schemes(offered);
    auto has = [&](const std::string& s) {
        return std::any_of(schemes.begin(), schemes.end(), [&](const std::string& x) {
            return x.size() == s.size() &&
                   std::equal(x.begin(), x.end(), s.begin(), [](char a, char b) {
                       return std::tolower(static_cast<unsigned char>(a)) ==
                              std::tolower(static_cast<unsigned char>(b));
                   });
        });
    };
    r.status = Status::fail;
    if (code == 401 && (has("Negotiate") || has("Kerberos"))) {
        r.status = Status::pass;
        r.reason = Reason::ok;
        set_message(r, msg("exchange_ps.negotiate_offered",
                           {{"url", url}, {"schemes", list_text(schemes)}}));
    } else if (code == 401) {
        r.reason = Reason::unexpected_content;
        set_message(r, schemes.empty() ? msg("exchange_ps.no_scheme", {{"url", url}})
                                       : msg("exchange_ps.no_negotiate",
                                             {{"url", url}, {"schemes", list_text(schemes)}}));
    } else if (code == 404) {
        r.reason = Reason::http_status;
        set_message(r, msg("exchange_ps.not_found", {{"url", url}, {"path", path}}));
    } else if (auto iis = iis_forbidden_text(a)) {
        r.reason = Reason::http_status;
        r.summary = *iis;
    } else if (code == 200) {
        r.reason = Reason::unexpected_content;
        set_message(r, msg("exchange_ps.open", {{"url", url}}));
    } else {
        r.reason = Reason::http_status;
        set_message(r,
                    code >= 500
                        ? msg("exchange_ps.server_error", {{"url", url}, {"status", status}})
                        : msg("exchange_ps.unexpected_status", {{"url", url}, {"status", status}}));
    }
    if (auto b = body_excerpt(a.x.body, a.x.body_bytes); b && r.status != Status::pass)
        r.evidence.push_back(*b);
    return r;
}

} // namespace

ProbeKind exchange_powershell_probe() {
    ProbeKind k;
    k.name = "exchange_powershell";
    k.verifies_chains = true;
    k.description = msg("probe.exchange_powershell.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.exchange_powershell.host")},
        {"port", ParamType::port, false, "443", msg("param.exchange_powershell.port")},
        {"path", ParamType::text, false, "/powershell", msg("param.exchange_powershell.path")},
        {.name = "scheme",
         .type = ParamType::choice,
         .default_value = "https",
         .help = msg("param.exchange_powershell.scheme"),
         .choices = {"https", "http"}},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        WebCall call;
        // Values and defaults as declared above, checked before the run.
        call.target.scheme = args.text("scheme");
        call.target.host = args.text("host");
        call.target.port = args.port("port");
        call.target.path = args.has("path") ? args.text("path") : std::string();
        if (call.target.path.empty() || call.target.path.front() != '/')
            call.target.path.insert(0, "/");
        std::string path = call.target.path;
        return web_request(ctx, std::move(call),
                           [done = std::move(done), path](WebAnswer a) { done(judge(a, path)); });
    };
    return k;
}

} // namespace pf
