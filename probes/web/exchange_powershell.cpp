#include "probes/web/exchange_powershell.hpp"
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
        r.evidence.push_back(h->status_line);
        offered = h->values("WWW-Authenticate");
        for (const auto& v : offered)
            r.evidence.push_back("WWW-Authenticate: " + v);
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
        r.summary = url + " answers 401 and offers " + list_text(schemes) +
                    ": Kerberos (Negotiate) sign-in is possible";
    } else if (code == 401) {
        r.reason = Reason::unexpected_content;
        r.summary = url + " answers 401 but offers " +
                    (schemes.empty() ? "no scheme" : list_text(schemes) + " only") +
                    ", not Negotiate (Kerberos), which Exchange's PowerShell virtual directory "
                    "uses: enable Windows (Kerberos) authentication on it "
                    "(Set-PowerShellVirtualDirectory), or a reverse proxy in front rewrites it";
    } else if (code == 404) {
        r.reason = Reason::http_status;
        r.summary = "404 Not Found from " + url + ": no PowerShell virtual directory at " + path +
                    " (recreate it with New-PowerShellVirtualDirectory)";
    } else if (auto iis = iis_forbidden_text(a)) {
        r.reason = Reason::http_status;
        r.summary = *iis;
    } else if (code == 200) {
        r.reason = Reason::unexpected_content;
        r.summary = url + " answers 200 without credentials: not Exchange's PowerShell endpoint "
                          "(which requires Kerberos)";
    } else {
        r.reason = Reason::http_status;
        r.summary =
            "expected 401 with Negotiate from " + url + ", got " + status +
            (code >= 500 ? " (MSExchangePowerShellAppPool or the server behind it failed)" : "");
    }
    if (auto b = body_excerpt(a.x.body, a.x.body_bytes); b && r.status != Status::pass)
        r.evidence.push_back(*b);
    return r;
}

} // namespace

ProbeKind exchange_powershell_probe() {
    ProbeKind k;
    k.name = "exchange_powershell";
    k.description = "Exchange remote PowerShell: a request without credentials must be "
                    "answered 401 offering Negotiate (Kerberos)";
    k.params = {
        {"host", ParamType::host, true, "", "the Exchange server"},
        {"port", ParamType::port, false, "443", "port"},
        {"path", ParamType::text, false, "/powershell", "the PowerShell virtual directory"},
        {.name = "scheme",
         .type = ParamType::choice,
         .default_value = "https",
         .help = "https or http (Exchange also serves /powershell over http with Kerberos)",
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
