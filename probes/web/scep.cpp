#include "probes/web/scep.hpp"
#include "base/text.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "pki/cert_info.hpp"
#include "pki/tls_verify.hpp"
#include "probes/web/web_request.hpp"
#include <algorithm>
#include <cctype>
#include <openssl/pem.h>
#include <openssl/cms.h>

namespace pf {

namespace {

const std::string ndes_path = "/certsrv/mscep/mscep.dll/pkiclient.exe";

// "application/x-x509-ca-ra-cert; charset=…" → "application/x-x509-ca-ra-cert".
std::string media_type(const WebAnswer& a) {
    const HttpHead* h = a.head();
    if (!h) return "";
    auto v = h->values("Content-Type");
    if (v.empty()) return "";
    std::string t = lower(v.front().substr(0, v.front().find(';')));
    t.erase(t.find_last_not_of(" \t") + 1);
    return t;
}

std::string percent_encoded(const std::string& s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s)
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            out += {'%', hex[c >> 4], hex[c & 15]};
    return out;
}

bool looks_like_html(const std::string& body) {
    auto l = lower(body.substr(0, 512));
    return l.find("<html") != std::string::npos || l.find("<!doctype html") != std::string::npos;
}

} // namespace

std::vector<X509Ptr> scep_ca_certificates(const std::string& body, std::string& form) {
    std::vector<X509Ptr> out;
    const auto* p = reinterpret_cast<const unsigned char*>(body.data());
    // A degenerate PKCS#7 SignedData (RFC 8894 section 4.2.1.2) read through
    // the CMS API, which hands out its certificates without reaching into
    // OpenSSL's structures.
    if (CMS_ContentInfo* cms = d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(body.size()))) {
        if (STACK_OF(X509)* certs = CMS_get1_certs(cms)) {
            for (int i = 0; i < sk_X509_num(certs); ++i)
                out.emplace_back(sk_X509_value(certs, i), &X509_free); // get1: ours to free
            sk_X509_free(certs);
        }
        CMS_ContentInfo_free(cms);
        form = "a PKCS#7 bundle";
        return out;
    }
    p = reinterpret_cast<const unsigned char*>(body.data());
    if (X509* c = d2i_X509(nullptr, &p, static_cast<long>(body.size()))) {
        out.emplace_back(c, &X509_free);
        form = "one DER certificate";
        return out;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(body.data(), int(body.size())),
                                                  &BIO_free);
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        out.emplace_back(c, &X509_free);
    form = out.empty() ? "" : "PEM certificates";
    return out;
}

namespace {

struct Finding {
    Status status = Status::pass;
    Reason reason = Reason::ok;
    std::string text;
};

struct ScepRun : std::enable_shared_from_this<ScepRun> {
    ScepRun(const ProbeContext& ctx, ProbeDone d) : ctx(ctx), done(std::move(d)) {}
    ProbeContext ctx;
    OnceDone done;
    WebTarget base; // the SCEP URL without a query
    std::string ca_identifier;
    std::function<void()> cancel_request;
    ProbeResult r;
    std::vector<std::string> caps;
    std::vector<Finding> findings; // warnings found on the way
    Clock::time_point start = Clock::now();

    WebCall operation(const std::string& op) const {
        WebCall c;
        c.target = base;
        c.target.path += "?operation=" + op;
        if (!ca_identifier.empty()) c.target.path += "&message=" + percent_encoded(ca_identifier);
        return c;
    }

    void run() {
        auto self = shared_from_this();
        cancel_request = web_request(ctx, operation("GetCACaps"),
                                     [self](WebAnswer a) { self->got_caps(std::move(a)); });
    }

    void deliver(ProbeResult result) { done(std::move(result)); }

    void cancel() {
        if (cancel_request) cancel_request();
        cancel_request = nullptr;
    }

    // Why an operation's answer is not SCEP, in the admin's words.
    std::string http_problem(const std::string& op, const WebAnswer& a) const {
        long code = a.x.response_code;
        std::string status = status_text(code, a.head());
        std::string url = a.route.url;
        if (code == 404)
            return op + ": 404 Not Found from " + url +
                   ": no SCEP service at this path (NDES answers at " + ndes_path +
                   "; is the Network Device Enrollment Service role installed?)";
        if (code == 403) {
            if (auto iis = iis_substatus(a.x.body))
                return op + ": " + iis->code + " " + iis->meaning + " from " + url + ": " +
                       iis->fix;
            return op + ": 403 Forbidden from " + url +
                   ": the server refuses this client (IIS authorization, IP restrictions or "
                   "SSL settings of the mscep application)";
        }
        if (code == 401)
            return op + ": " + status + " from " + url +
                   ": the SCEP URL asks for credentials; GetCACaps and GetCACert must be "
                   "anonymous (Anonymous Authentication on the mscep application)";
        if (code == 500)
            return op + ": " + status + " from " + url +
                   ": NDES failed: its service account cannot reach the CA, its password "
                   "expired, or its RA certificates are missing (Application event log, "
                   "source NetworkDeviceEnrollmentService)";
        if (code == 503)
            return op + ": " + status + " from " + url +
                   ": the SCEP application pool is stopped (IIS stops it after repeated "
                   "failures, e.g. an expired service-account password): start it in IIS "
                   "Manager";
        if (code >= 300 && code < 400)
            return op + ": " + status + " from " + url + ", redirecting to " +
                   (a.x.redirect_url.empty() ? "(no Location)" : a.x.redirect_url) +
                   ": give the final SCEP URL";
        if (code == 200 && looks_like_html(a.x.body))
            return op + ": " + url +
                   " answered with an HTML page, not SCEP: the URL points at a web page (an "
                   "IIS default page, a portal), not NDES's pkiclient.exe";
        return op + ": " + status + " from " + url + ": not a SCEP answer";
    }

    void add_answer_evidence(const std::string& op, const WebAnswer& a) {
        if (const HttpHead* h = a.head()) {
            r.evidence.push_back(op + ": " + h->status_line);
            auto type = media_type(a);
            r.evidence.push_back(op + " Content-Type: " + (type.empty() ? "(none)" : type));
        }
    }

    void got_caps(WebAnswer a) {
        cancel_request = nullptr;
        r.evidence.insert(r.evidence.end(), a.evidence.begin(), a.evidence.end());
        if (a.failure) return deliver(std::move(*a.failure)); // the connection or TLS
        add_answer_evidence("GetCACaps", a);
        long code = a.x.response_code;
        if (code != 200 || looks_like_html(a.x.body)) {
            // Older servers lack GetCACaps (RFC 8894 3.5.2); GetCACert decides.
            findings.push_back({Status::warn, Reason::scep_error, http_problem("GetCACaps", a)});
        } else {
            std::string line;
            for (char c : a.x.body + "\n") {
                if (c == '\n' || c == '\r') {
                    line.erase(0, line.find_first_not_of(" \t"));
                    line.erase(line.find_last_not_of(" \t") + 1);
                    if (!line.empty()) caps.push_back(line);
                    line.clear();
                } else {
                    line += c;
                }
            }
            judge_caps(media_type(a));
        }
        auto self = shared_from_this();
        cancel_request = web_request(ctx, operation("GetCACert"),
                                     [self](WebAnswer a) { self->got_cert(std::move(a)); });
    }

    bool has_cap(const std::string& name) const {
        for (const auto& c : caps)
            if (lower(c) == lower(name)) return true;
        return false;
    }

    void judge_caps(const std::string& type) {
        r.evidence.push_back("GetCACaps: " + (caps.empty() ? "(empty)" : list_text(caps)));
        if (type.empty())
            r.evidence.push_back("GetCACaps came without a Content-Type (tolerated; RFC 8894 "
                                 "asks for text/plain)");
        else if (type != "text/plain")
            r.evidence.push_back("GetCACaps came as " + type +
                                 " (tolerated; RFC 8894 asks for text/plain)");
        if (caps.empty()) {
            findings.push_back({Status::warn, Reason::scep_error,
                                "GetCACaps lists no capabilities: a SCEP server "
                                "older than RFC 8894 (MD5 and DES only)"});
            return;
        }
        if (!has_cap("SHA-256") && !has_cap("SHA-512"))
            findings.push_back({Status::warn, Reason::scep_error,
                                "GetCACaps offers neither SHA-256 nor SHA-512: "
                                "requests would be signed with SHA-1 or MD5"});
        if (!has_cap("POSTPKIOperation"))
            r.evidence.push_back("no POSTPKIOperation: requests go by GET, whose URL length "
                                 "limits large requests");
    }

    void got_cert(WebAnswer a) {
        cancel_request = nullptr;
        if (a.failure) {
            // What GetCACaps showed stays in front of the failure's evidence.
            auto& ev = a.failure->evidence;
            ev.insert(ev.begin(), r.evidence.begin(), r.evidence.end());
            return deliver(std::move(*a.failure));
        }
        r.evidence.push_back(a.evidence.front()); // the address is known from GetCACaps
        add_answer_evidence("GetCACert", a);
        long code = a.x.response_code;
        if (code != 200 || looks_like_html(a.x.body)) {
            r.status = Status::fail;
            r.reason = Reason::scep_error;
            r.summary = http_problem("GetCACert", a);
            if (auto b = body_excerpt(a.x.body, a.x.body_bytes)) r.evidence.push_back(*b);
            for (const auto& f : findings)
                r.evidence.push_back(f.text);
            return deliver(std::move(r));
        }
        std::string form;
        auto certs = scep_ca_certificates(a.x.body, form);
        if (certs.empty()) {
            r.status = Status::fail;
            r.reason = Reason::scep_error;
            r.summary = "GetCACert: " + a.route.url + " answered 200 with " +
                        std::to_string(a.x.body_bytes) +
                        " bytes that are neither a DER certificate nor a PKCS#7 bundle";
            return deliver(std::move(r));
        }
        judge_certs(certs, form, media_type(a), a.route.url);
    }

    void judge_certs(const std::vector<X509Ptr>& certs, const std::string& form,
                     const std::string& type, const std::string& url) {
        bool bundle = certs.size() > 1 || form == "a PKCS#7 bundle";
        std::string expected =
            bundle ? "application/x-x509-ca-ra-cert" : "application/x-x509-ca-cert";
        r.evidence.push_back("GetCACert: " + form +
                             (form == "one DER certificate"
                                  ? std::string()
                                  : " of " + std::to_string(certs.size()) + " certificate(s)"));
        if (type != expected)
            r.evidence.push_back("GetCACert came " +
                                 (type.empty() ? "without a Content-Type" : "as " + type) +
                                 " (tolerated; " + form + " should be " + expected + ")");
        EvidenceBlock block{"Certificates from GetCACert at " + url, {}};
        int cas = 0, ras = 0;
        std::optional<Finding> worst;
        double min_days = 1e9;
        std::string ca_name;
        // A hostile server could send hundreds: NDES sends three.
        constexpr std::size_t max_listed = 20;
        if (certs.size() > max_listed)
            r.evidence.push_back("only the first " + std::to_string(max_listed) + " of " +
                                 std::to_string(certs.size()) + " certificates are listed");
        for (std::size_t i = 0; i < certs.size() && i < max_listed; ++i) {
            const X509Ptr& c = certs[i];
            CertInfo info = inspect(c.get());
            std::string role = info.is_ca ? "CA" : "RA";
            (info.is_ca ? cas : ras)++;
            if (info.is_ca && ca_name.empty()) ca_name = display_name(info);
            r.evidence.push_back(role + ": " + info.subject + ", issued by " + info.issuer +
                                 ", expires " + expiry_text(info));
            block.lines.push_back(role + " certificate:");
            for (auto& l : describe_lines(info))
                block.lines.push_back("  " + l);
            min_days = std::min(min_days, info.days_left);
            std::string fix = info.is_ca ? "renew the CA certificate and give UEM the new one"
                                         : "renew the NDES RA certificates (templates Exchange "
                                           "Enrollment Agent (Offline request) and CEP "
                                           "Encryption) and restart the SCEP application pool";
            Finding f;
            if (info.days_left < 0)
                f = {Status::fail, Reason::expired,
                     "expired: the " + role + " certificate \"" + display_name(info) +
                         "\" expired " + expiry_text(info) + ": " + fix};
            else if (X509_cmp_current_time(X509_get0_notBefore(c.get())) > 0)
                f = {Status::fail, Reason::not_yet_valid,
                     "not yet valid: the " + role + " certificate \"" + display_name(info) +
                         "\" is valid only from " + info.not_before +
                         ": check this machine's clock and the server's"};
            else if (info.days_left < ctx.env.tls.expiry_warn_days)
                f = {info.days_left < ctx.env.tls.expiry_fail_days ? Status::fail : Status::warn,
                     Reason::expiring_soon,
                     "expiring soon: the " + role + " certificate \"" + display_name(info) +
                         "\" expires " + expiry_text(info) + ": " + fix};
            if (f.status != Status::pass && (!worst || f.status < worst->status)) worst = f;
        }
        r.blocks.push_back(std::move(block));
        r.measurements.push_back({"certificate days left", min_days, "days"});
        r.measurements.push_back({"total", ms_since(start), "ms"});
        if (bundle && ras == 0)
            findings.push_back({Status::warn, Reason::scep_error,
                                "the CA/RA bundle holds no RA certificate: NDES "
                                "sends its RA certificates with the CA's"});
        if (worst) findings.insert(findings.begin(), *worst);
        std::string what = (ca_name.empty() ? "no CA certificate" : "CA \"" + ca_name + "\"") +
                           (ras ? " and " + std::to_string(ras) + " RA certificate(s)" : "");
        r.status = Status::pass;
        r.reason = Reason::ok;
        r.summary = "SCEP answers at " + base.url() + ": " + what +
                    (caps.empty() ? "" : "; capabilities " + list_text(caps));
        const Finding* shown = nullptr;
        for (const auto& f : findings)
            if (f.status < r.status) { // Status runs from worst to best
                r.status = f.status;
                r.reason = f.reason;
                r.summary = f.text;
                shown = &f;
            }
        for (const auto& f : findings)
            if (&f != shown) r.evidence.push_back(f.text);
        deliver(std::move(r));
    }
};

std::string arg_text(const ProbeArgs& a, const char* name) {
    return a.has(name) ? a.text(name) : std::string();
}

// url, or host (one of them is given: check_args) with port and path.
WebTarget read_target(const ProbeArgs& a) {
    WebTarget t;
    if (!arg_text(a, "url").empty()) {
        t = *parse_http_url(a.text("url"));
    } else {
        t.host = a.text("host");
        t.port = a.port("port");
        t.path = arg_text(a, "path");
        if (t.path.empty() || t.path.front() != '/') t.path.insert(0, "/");
    }
    // The operation goes in the query: a URL copied with one loses it.
    t.path = t.path.substr(0, t.path.find('?'));
    return t;
}

} // namespace

ProbeKind scep_probe() {
    ProbeKind k;
    k.name = "scep";
    k.description = "SCEP / NDES: GetCACaps and GetCACert, listing the CA and RA certificates "
                    "(the UEM console's Test Connection for a Generic SCEP authority)";
    k.params = {
        {"host", ParamType::host, false, "", "the NDES / SCEP server (or give url)"},
        {"port", ParamType::port, false, "443", "HTTPS port"},
        {"path", ParamType::text, false, ndes_path, "the SCEP path on host"},
        {.name = "url",
         .help = "the full SCEP URL (http or https), as entered in UEM; overrides host, port and "
                 "path",
         .form = ValueForm{"http(s) URL",
                           "an http:// or https:// URL such as https://ndes.example.com" +
                               std::string(ndes_path),
                           [](std::string_view v) {
                               return v.empty() || parse_http_url(std::string(v)).has_value();
                           }}},
        {"ca_identifier", ParamType::text, false, "",
         "sent as message= with both operations, for servers hosting several CAs"},
    };
    k.check_args = [](const ArgValues& v) -> std::optional<ArgProblem> {
        auto given = [&](const char* n) { return v.count(n) && !v.at(n).empty(); };
        if (!given("url") && !given("host"))
            return ArgProblem{"host", "the NDES server's name, or url (the full SCEP URL)"};
        return std::nullopt;
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto run = std::make_shared<ScepRun>(ctx, std::move(done));
        run->base = read_target(args);
        if (args.has("ca_identifier")) run->ca_identifier = args.text("ca_identifier");
        run->run();
        return [run] { run->cancel(); };
    };
    return k;
}

} // namespace pf
