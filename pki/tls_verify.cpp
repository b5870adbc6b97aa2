#include "pki/tls_verify.hpp"
#include "base/catalog.hpp"
#include "pki/trust_store.hpp"
#include <algorithm>
#include <asio/ip/address.hpp>
#include <cmath>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace pf {

X509Ptr share_x509(X509* cert) {
    X509_up_ref(cert);
    return X509Ptr(cert, X509_free);
}

std::string_view to_string(TlsDiagnosis d) {
    switch (d) {
    case TlsDiagnosis::trusted:
        return "trusted";
    case TlsDiagnosis::untrusted_root:
        return "untrusted root";
    case TlsDiagnosis::self_signed:
        return "self-signed";
    case TlsDiagnosis::expired:
        return "expired";
    case TlsDiagnosis::not_yet_valid:
        return "not yet valid";
    case TlsDiagnosis::name_mismatch:
        return "name mismatch";
    case TlsDiagnosis::incomplete_chain:
        return "incomplete chain";
    case TlsDiagnosis::expiring_soon:
        return "expiring soon";
    case TlsDiagnosis::other:
        return "verification error";
    }
    return "?";
}

Reason tls_reason(TlsDiagnosis d) {
    switch (d) {
    case TlsDiagnosis::trusted:
        return Reason::ok;
    case TlsDiagnosis::untrusted_root:
        return Reason::untrusted_root;
    case TlsDiagnosis::self_signed:
        return Reason::self_signed;
    case TlsDiagnosis::expired:
        return Reason::expired;
    case TlsDiagnosis::not_yet_valid:
        return Reason::not_yet_valid;
    case TlsDiagnosis::name_mismatch:
        return Reason::name_mismatch;
    case TlsDiagnosis::incomplete_chain:
        return Reason::incomplete_chain;
    case TlsDiagnosis::expiring_soon:
        return Reason::expiring_soon;
    case TlsDiagnosis::other:
        break;
    }
    return Reason::certificate_invalid;
}

Reason verify_error_reason(long error) {
    switch (error) {
    case X509_V_OK:
        return Reason::ok;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        return Reason::self_signed;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        return Reason::untrusted_root;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
        return Reason::incomplete_chain;
    case X509_V_ERR_CERT_HAS_EXPIRED:
        return Reason::expired;
    case X509_V_ERR_CERT_NOT_YET_VALID:
        return Reason::not_yet_valid;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
        return Reason::name_mismatch;
    default:
        return Reason::certificate_invalid;
    }
}

namespace {

struct VerifyError {
    int error = 0;
    int depth = 0;
    X509Ptr cert;
};

// Records every error and lets verification go on, so that one run finds
// all of them (an expired certificate under an untrusted root, say) and the
// verifier still builds as much of the chain as it can.
int collect_errors(int ok, X509_STORE_CTX* ctx) {
    if (ok) return 1;
    auto* errors = static_cast<std::vector<VerifyError>*>(X509_STORE_CTX_get_app_data(ctx));
    VerifyError e{X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx), nullptr};
    if (X509* c = X509_STORE_CTX_get_current_cert(ctx)) e.cert = share_x509(c);
    bool seen = std::any_of(errors->begin(), errors->end(), [&](const VerifyError& o) {
        return o.error == e.error && o.depth == e.depth;
    });
    if (!seen) errors->push_back(std::move(e));
    return 1;
}

bool is_trust_error(int e) {
    switch (e) {
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_REJECTED:
        return true;
    default:
        return false;
    }
}

// How a certificate of the path is named in a verdict.
MessageArg role(int depth, std::size_t path_size) {
    if (depth == 0) return part(msg("verify.role_server"));
    if (static_cast<std::size_t>(depth) + 1 == path_size) return part(msg("verify.role_root"));
    return part(msg("verify.role_intermediate"));
}

// Who fixes an expired certificate, by its place in the chain.
MessageArg renewal(int depth, std::size_t path_size) {
    if (depth == 0) return part(msg("verify.renew_server"));
    if (static_cast<std::size_t>(depth) + 1 == path_size) return part(msg("verify.renew_root"));
    return part(msg("verify.renew_intermediate"));
}

void say(TlsVerdict& v, Message m) {
    v.summary = render(m);
    v.message = std::move(m);
}

bool name_matches(X509* leaf, const std::string& host) {
    std::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    if (!ec) return X509_check_ip_asc(leaf, ip.to_string().c_str(), 0) == 1;
    return X509_check_host(leaf, host.c_str(), host.size(), 0, nullptr) == 1;
}

MessageArg threshold_text(const TlsSettings& tls) {
    return part(msg("cert.expiry_thresholds",
                    {{"warn", tls.expiry_warn_days}, {"fail", tls.expiry_fail_days}}));
}

} // namespace

std::string store_name(const TrustLocations& t) {
    std::string s = render(!t.system_file.empty()  ? msg("verify.store", {{"path", t.system_file}})
                           : !t.system_dir.empty() ? msg("verify.store", {{"path", t.system_dir}})
                                                   : msg("verify.store_system"));
    for (const auto& f : t.ca_files)
        s = render(msg("verify.store_plus", {{"stores", s}, {"path", f}}));
    return s;
}

TlsVerdict verify_chain(const std::vector<X509Ptr>& sent, const std::string& host,
                        const TlsSettings& tls) {
    return verify_chain(sent, host, tls, TrustMaterial(tls));
}

TlsVerdict verify_chain(const std::vector<X509Ptr>& sent, const std::string& host,
                        const TlsSettings& tls, const TrustMaterial& trust) {
    TlsVerdict v;
    v.store_name = trust.name();
    if (sent.empty()) {
        say(v, msg("verify.no_certificate"));
        v.x509_error = X509_V_ERR_UNSPECIFIED;
        return v;
    }
    // sk_X509_free is a macro, hence the lambda; the stack does not own the
    // certificates.
    auto free_stack = [](STACK_OF(X509) * s) { sk_X509_free(s); };
    std::unique_ptr<STACK_OF(X509), decltype(free_stack)> untrusted(sk_X509_new_null(), free_stack);
    for (std::size_t i = 1; i < sent.size(); ++i)
        sk_X509_push(untrusted.get(), sent[i].get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                        X509_STORE_CTX_free);
    X509* leaf = sent.front().get();
    X509_STORE_CTX_init(ctx.get(), trust.store(), leaf, untrusted.get());
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    std::vector<VerifyError> errors;
    X509_STORE_CTX_set_app_data(ctx.get(), &errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), collect_errors);
    X509_verify_cert(ctx.get());
    if (STACK_OF(X509)* chain = X509_STORE_CTX_get1_chain(ctx.get())) {
        for (int i = 0; i < sk_X509_num(chain); ++i)
            v.path.push_back(share_x509(sk_X509_value(chain, i)));
        sk_X509_pop_free(chain, X509_free);
    }
    if (v.path.empty()) v.path.push_back(sent.front());
    for (const auto& c : v.path)
        v.path_info.push_back(inspect(c.get()));

    v.trusted = std::none_of(errors.begin(), errors.end(),
                             [](const VerifyError& e) { return is_trust_error(e.error); });
    v.name_ok = name_matches(leaf, host);
    const CertInfo& leaf_info = v.path_info.front();
    const CertInfo& top = v.path_info.back();
    std::string leaf_name = display_name(leaf_info);
    auto evidence = [&](const Message& m) { v.evidence.push_back(render(m)); };

    for (const auto& e : errors)
        evidence(
            e.cert ? msg("verify.error_at", {{"depth", e.depth},
                                             {"name", display_name(e.cert.get())},
                                             {"error", X509_verify_cert_error_string(e.error)}})
                   : msg("verify.error_at_unknown",
                         {{"depth", e.depth}, {"error", X509_verify_cert_error_string(e.error)}}));
    if (v.trusted)
        evidence(msg("verify.chain_trusted", {{"subject", top.subject}, {"store", v.store_name}}));
    else if (top.self_signed)
        evidence(msg("verify.chain_root_untrusted",
                     {{"subject", top.subject}, {"store", v.store_name}}));
    else
        evidence(msg("verify.chain_stops",
                     {{"subject", top.subject}, {"issuer", top.issuer}, {"store", v.store_name}}));
    evidence(
        v.name_ok
            ? msg("verify.name_matches", {{"host", host}, {"names", names_text(leaf_info)}})
            : msg("verify.name_not_among", {{"host", host}, {"names", names_text(leaf_info)}}));

    v.min_days_left = leaf_info.days_left;
    std::size_t soonest = 0;
    for (std::size_t i = 0; i < v.path_info.size(); ++i)
        if (v.path_info[i].days_left < v.min_days_left) {
            v.min_days_left = v.path_info[i].days_left;
            soonest = i;
        }

    auto first = [&](std::initializer_list<int> codes) -> const VerifyError* {
        for (const auto& e : errors)
            if (std::find(codes.begin(), codes.end(), e.error) != codes.end()) return &e;
        return nullptr;
    };
    auto cert_at = [&](const VerifyError& e) { return e.cert ? inspect(e.cert.get()) : leaf_info; };

    v.status = Status::fail;
    if (!errors.empty()) v.x509_error = errors.front().error;
    if (first({X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT})) {
        v.diagnosis = TlsDiagnosis::self_signed;
        v.x509_error = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
        say(v, msg("verify.self_signed",
                   {{"host", host}, {"name", leaf_name}, {"store", v.store_name}}));
    } else if (const VerifyError* e = first({X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                                             X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
                                             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE})) {
        // Building stopped at a certificate that is not self-issued: its issuer
        // was neither sent nor in the store. With a lone leaf that is almost
        // always a server configured without its intermediate (browsers hide
        // it by fetching the issuer via AIA or from a cache; the ACC does not).
        CertInfo at = cert_at(*e);
        v.x509_error = e->error;
        if (sent.size() == 1) {
            v.diagnosis = TlsDiagnosis::incomplete_chain;
            say(v, msg("verify.incomplete_chain",
                       {{"host", host}, {"name", leaf_name}, {"issuer", at.issuer}}));
        } else {
            v.diagnosis = TlsDiagnosis::untrusted_root;
            say(v, msg("verify.untrusted_chain", {{"host", host},
                                                  {"name", display_name(at)},
                                                  {"issuer", at.issuer},
                                                  {"store", v.store_name}}));
        }
    } else if (const VerifyError* e =
                   first({X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_CERT_UNTRUSTED,
                          X509_V_ERR_CERT_REJECTED})) {
        v.diagnosis = TlsDiagnosis::untrusted_root;
        v.x509_error = e->error;
        say(v, msg("verify.untrusted_root",
                   {{"host", host}, {"subject", top.subject}, {"store", v.store_name}}));
    } else if (const VerifyError* e = first({X509_V_ERR_CERT_HAS_EXPIRED})) {
        CertInfo c = cert_at(*e);
        v.x509_error = e->error;
        v.diagnosis = TlsDiagnosis::expired;
        say(v, msg("verify.expired", {{"role", role(e->depth, v.path.size())},
                                      {"name", display_name(c)},
                                      {"host", host},
                                      {"when", expiry_text(c)},
                                      {"fix", renewal(e->depth, v.path.size())}}));
    } else if (const VerifyError* e = first({X509_V_ERR_CERT_NOT_YET_VALID})) {
        CertInfo c = cert_at(*e);
        v.x509_error = e->error;
        v.diagnosis = TlsDiagnosis::not_yet_valid;
        say(v, msg("verify.not_yet_valid", {{"role", role(e->depth, v.path.size())},
                                            {"name", display_name(c)},
                                            {"host", host},
                                            {"from", c.not_before}}));
    } else if (!v.name_ok) {
        v.diagnosis = TlsDiagnosis::name_mismatch;
        v.x509_error = X509_V_ERR_HOSTNAME_MISMATCH;
        say(v, msg("verify.name_mismatch",
                   {{"name", leaf_name}, {"host", host}, {"names", names_text(leaf_info)}}));
    } else if (!errors.empty()) {
        const VerifyError& e = errors.front();
        v.diagnosis = TlsDiagnosis::other;
        say(v, msg("verify.fails",
                   {{"name", e.cert ? display_name(e.cert.get()) : display_name(leaf_info)},
                    {"host", host},
                    {"error", X509_verify_cert_error_string(e.error)}}));
    } else if (v.min_days_left < tls.expiry_warn_days) {
        const CertInfo& c = v.path_info[soonest];
        v.diagnosis = TlsDiagnosis::expiring_soon;
        v.status = v.min_days_left < tls.expiry_fail_days ? Status::fail : Status::warn;
        say(v,
            msg("verify.expiring_soon", {{"role", role(static_cast<int>(soonest), v.path.size())},
                                         {"name", display_name(c)},
                                         {"host", host},
                                         {"when", expiry_text(c)},
                                         {"thresholds", threshold_text(tls)}}));
    } else {
        v.diagnosis = TlsDiagnosis::trusted;
        v.status = Status::pass;
        say(v, msg("verify.trusted",
                   {{"name", leaf_name},
                    {"host", host},
                    {"issuer", display_name(v.path_info.size() > 1 ? v.path_info[1] : leaf_info)},
                    {"root", display_name(top)},
                    {"when", expiry_text(leaf_info)}}));
    }
    if (v.diagnosis != TlsDiagnosis::expiring_soon && v.min_days_left >= 0 &&
        v.min_days_left < tls.expiry_warn_days)
        evidence(
            msg("verify.also_expires", {{"role", role(static_cast<int>(soonest), v.path.size())},
                                        {"name", display_name(v.path_info[soonest])},
                                        {"when", expiry_text(v.path_info[soonest])}}));
    return v;
}

} // namespace pf
