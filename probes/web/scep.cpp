#include "probes/web/scep.hpp"
#include "base/catalog.hpp"
#include "base/text.hpp"
#include "core/run_environment.hpp"
#include "net/probe_util.hpp"
#include "pki/cert_info.hpp"
#include "pki/tls_verify.hpp"
#include "probes/web/web_request.hpp"
#include <algorithm>
#include <cctype>
#include <openssl/cms.h>
#include <openssl/pem.h>

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
        form = evidence_line(msg("scep.form_pkcs7"));
        return out;
    }
    p = reinterpret_cast<const unsigned char*>(body.data());
    if (X509* c = d2i_X509(nullptr, &p, static_cast<long>(body.size()))) {
        out.emplace_back(c, &X509_free);
        form = evidence_line(msg("scep.form_der"));
        return out;
    }
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(body.data(), int(body.size())),
                                                  &BIO_free);
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        out.emplace_back(c, &X509_free);
    form = out.empty() ? "" : evidence_line(msg("scep.form_pem"));
    return out;
}

namespace {

struct Finding {
    Status status = Status::pass;
    Reason reason = Reason::ok;
    Message text;
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
    Message http_problem(const std::string& op, const WebAnswer& a) const {
        long code = a.x.response_code;
        std::string status = status_text(code, a.head());
        std::string url = a.route.url;
        if (code == 404)
            return msg("scep.not_found", {{"op", op}, {"url", url}, {"ndes_path", ndes_path}});
        if (code == 403) {
            if (auto iis = iis_substatus(a.x.body))
                return msg("scep.iis_forbidden", {{"op", op},
                                                  {"code", iis->code},
                                                  {"meaning", iis->meaning},
                                                  {"url", url},
                                                  {"fix", iis->fix}});
            return msg("scep.forbidden", {{"op", op}, {"url", url}});
        }
        if (code == 401)
            return msg("scep.credentials_asked", {{"op", op}, {"status", status}, {"url", url}});
        if (code == 500)
            return msg("scep.ndes_failed", {{"op", op}, {"status", status}, {"url", url}});
        if (code == 503)
            return msg("scep.pool_stopped", {{"op", op}, {"status", status}, {"url", url}});
        if (code >= 300 && code < 400)
            return a.x.redirect_url.empty()
                       ? msg("scep.redirect_without_location",
                             {{"op", op}, {"status", status}, {"url", url}})
                       : msg("scep.redirect", {{"op", op},
                                               {"status", status},
                                               {"url", url},
                                               {"location", a.x.redirect_url}});
        if (code == 200 && looks_like_html(a.x.body))
            return msg("scep.html_page", {{"op", op}, {"url", url}});
        return msg("scep.not_scep", {{"op", op}, {"status", status}, {"url", url}});
    }

    void add_answer_evidence(const std::string& op, const WebAnswer& a) {
        if (const HttpHead* h = a.head()) {
            add_evidence(r, msg("scep.status_line", {{"op", op}, {"line", h->status_line}}));
            auto type = media_type(a);
            add_evidence(r, type.empty() ? msg("scep.no_content_type", {{"op", op}})
                                         : msg("scep.content_type", {{"op", op}, {"type", type}}));
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
        add_evidence(r, caps.empty() ? msg("scep.caps_empty")
                                     : msg("scep.caps", {{"caps", list_text(caps)}}));
        if (type.empty())
            add_evidence(r, msg("scep.caps_without_type"));
        else if (type != "text/plain")
            add_evidence(r, msg("scep.caps_type", {{"type", type}}));
        if (caps.empty()) {
            findings.push_back({Status::warn, Reason::scep_error, msg("scep.no_capabilities")});
            return;
        }
        if (!has_cap("SHA-256") && !has_cap("SHA-512"))
            findings.push_back({Status::warn, Reason::scep_error, msg("scep.no_sha2")});
        if (!has_cap("POSTPKIOperation")) add_evidence(r, msg("scep.no_post"));
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
            set_message(r, http_problem("GetCACert", a));
            if (auto b = body_excerpt(a.x.body, a.x.body_bytes)) r.evidence.push_back(*b);
            for (const auto& f : findings)
                add_evidence(r, f.text);
            return deliver(std::move(r));
        }
        std::string form;
        auto certs = scep_ca_certificates(a.x.body, form);
        if (certs.empty()) {
            r.status = Status::fail;
            r.reason = Reason::scep_error;
            set_message(
                r, msg("scep.not_certificates", {{"url", a.route.url}, {"bytes", a.x.body_bytes}}));
            return deliver(std::move(r));
        }
        judge_certs(certs, form, media_type(a), a.route.url);
    }

    void judge_certs(const std::vector<X509Ptr>& certs, const std::string& form,
                     const std::string& type, const std::string& url) {
        bool bundle = certs.size() > 1 || form == evidence_line(msg("scep.form_pkcs7"));
        std::string expected =
            bundle ? "application/x-x509-ca-ra-cert" : "application/x-x509-ca-cert";
        add_evidence(r,
                     form == evidence_line(msg("scep.form_der"))
                         ? msg("scep.cert_form", {{"form", form}})
                         : msg("scep.cert_form_count", {{"form", form}, {"count", certs.size()}}));
        if (type != expected)
            add_evidence(
                r, type.empty()
                       ? msg("scep.cert_without_type", {{"form", form}, {"expected", expected}})
                       : msg("scep.cert_type",
                             {{"type", type}, {"form", form}, {"expected", expected}}));
        EvidenceBlock block{evidence_line(msg("scep.block_title", {{"url", url}})), {}};
        int cas = 0, ras = 0;
        std::optional<Finding> worst;
        double min_days = 1e9;
        std::string ca_name;
        // A hostile server could send hundreds: NDES sends three.
        constexpr std::size_t max_listed = 20;
        if (certs.size() > max_listed)
            add_evidence(
                r, msg("scep.listed_first", {{"shown", max_listed}, {"count", certs.size()}}));
        for (std::size_t i = 0; i < certs.size() && i < max_listed; ++i) {
            const X509Ptr& c = certs[i];
            CertInfo info = inspect(c.get());
            std::string role = info.is_ca ? evidence_line(msg("scep.role_ca"))
                                          : evidence_line(msg("scep.role_ra"));
            (info.is_ca ? cas : ras)++;
            if (info.is_ca && ca_name.empty()) ca_name = display_name(info);
            add_evidence(r, msg("scep.certificate", {{"role", role},
                                                     {"subject", info.subject},
                                                     {"issuer", info.issuer},
                                                     {"expiry", expiry_text(info)}}));
            block.lines.push_back(evidence_line(msg("scep.block_certificate", {{"role", role}})));
            for (auto& l : describe_lines(info))
                block.lines.push_back(evidence_line(msg("evidence.indented", {{"line", l}})));
            min_days = std::min(min_days, info.days_left);
            std::string fix = info.is_ca ? evidence_line(msg("scep.renew_ca"))
                                         : evidence_line(msg("scep.renew_ra"));
            Finding f;
            if (info.days_left < 0)
                f = {Status::fail, Reason::expired,
                     msg("scep.expired", {{"role", role},
                                          {"name", display_name(info)},
                                          {"when", expiry_text(info)},
                                          {"fix", fix}})};
            else if (X509_cmp_current_time(X509_get0_notBefore(c.get())) > 0)
                f = {
                    Status::fail, Reason::not_yet_valid,
                    msg("scep.not_yet_valid",
                        {{"role", role}, {"name", display_name(info)}, {"from", info.not_before}})};
            else if (info.days_left < ctx.env.tls.expiry_warn_days)
                f = {info.days_left < ctx.env.tls.expiry_fail_days ? Status::fail : Status::warn,
                     Reason::expiring_soon,
                     msg("scep.expiring_soon", {{"role", role},
                                                {"name", display_name(info)},
                                                {"when", expiry_text(info)},
                                                {"fix", fix}})};
            if (f.status != Status::pass && (!worst || f.status < worst->status)) worst = f;
        }
        r.blocks.push_back(std::move(block));
        r.measurements.push_back({"certificate days left", min_days, "days"});
        r.measurements.push_back({"total", ms_since(start), "ms"});
        if (bundle && ras == 0)
            findings.push_back({Status::warn, Reason::scep_error, msg("scep.no_ra")});
        if (worst) findings.insert(findings.begin(), *worst);
        std::string what = evidence_line(
            ca_name.empty() ? (ras ? msg("scep.no_ca_with_ra", {{"ras", ras}}) : msg("scep.no_ca"))
                            : (ras ? msg("scep.ca_with_ra", {{"name", ca_name}, {"ras", ras}})
                                   : msg("scep.ca", {{"name", ca_name}})));
        r.status = Status::pass;
        r.reason = Reason::ok;
        set_message(r, caps.empty()
                           ? msg("scep.answers", {{"url", base.url()}, {"what", what}})
                           : msg("scep.answers_with_caps",
                                 {{"url", base.url()}, {"what", what}, {"caps", list_text(caps)}}));
        const Finding* shown = nullptr;
        for (const auto& f : findings)
            if (f.status < r.status) { // Status runs from worst to best
                r.status = f.status;
                r.reason = f.reason;
                set_message(r, f.text);
                shown = &f;
            }
        for (const auto& f : findings)
            if (&f != shown) add_evidence(r, f.text);
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
    k.verifies_chains = true;
    k.description = msg("probe.scep.description");
    k.params = {
        {"host", ParamType::host, false, "", msg("param.scep.host")},
        {"port", ParamType::port, false, "443", msg("param.scep.port")},
        {"path", ParamType::text, false, ndes_path, msg("param.scep.path")},
        {.name = "url",
         .help = msg("param.scep.url"),
         .form = ValueForm{"http(s) URL",
                           msg("param.scep.url_form",
                               {{"example", "https://ndes.example.com" + std::string(ndes_path)}}),
                           [](std::string_view v) {
                               return v.empty() || parse_http_url(std::string(v)).has_value();
                           }}},
        {"ca_identifier", ParamType::text, false, "", msg("param.scep.ca_identifier")},
    };
    k.check_args = [](const ArgValues& v) -> std::optional<ArgProblem> {
        auto given = [&](const char* n) { return v.count(n) && !v.at(n).empty(); };
        if (!given("url") && !given("host"))
            return ArgProblem{"host", msg("param.scep.host_or_url")};
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
