#include "probes/tls/cert_checks.hpp"
#include "base/catalog.hpp"
#include <algorithm>
#include <asio/ip/address.hpp>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace pf {

bool parse_cert_profile(const std::string& text, CertProfile& out) {
    for (auto p :
         {CertProfile::none, CertProfile::server, CertProfile::eas_client, CertProfile::apns})
        if (text == to_string(p)) {
            out = p;
            return true;
        }
    return false;
}

std::string_view to_string(CertProfile p) {
    switch (p) {
    case CertProfile::none:
        return "none";
    case CertProfile::server:
        return "server";
    case CertProfile::eas_client:
        return "eas-client";
    case CertProfile::apns:
        return "apns";
    }
    return "?";
}

namespace {

std::string q(const std::string& s) {
    return render(msg("cert.quoted", {{"name", s}}));
}

// "leaf", "intermediate", "root" in the reader's language.
std::string role_words(const CertInfo& info, std::size_t i) {
    if (i == 0) return render(msg("cert.role_leaf"));
    return render(info.self_signed ? msg("cert.role_root") : msg("cert.role_intermediate"));
}

std::string title(const Message& m) {
    return render(m);
}

// The check's sentence, from the catalog.
void say(CertCheck& c, Message m) {
    c.summary = render(m);
    c.message = std::move(m);
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// The chain from the leaf to where building stopped, with the errors met
// on the way. Dates are left to the expiry check.
struct Path {
    std::vector<X509Ptr> certs;
    std::vector<CertInfo> info;
    std::vector<bool> in_file;
    std::vector<int> errors;
    bool has(std::initializer_list<int> codes) const {
        return std::any_of(codes.begin(), codes.end(), [&](int c) { return contains_error(c); });
    }
    bool contains_error(int c) const {
        return std::find(errors.begin(), errors.end(), c) != errors.end();
    }
};

int record_error(int ok, X509_STORE_CTX* ctx) {
    if (!ok)
        static_cast<std::vector<int>*>(X509_STORE_CTX_get_app_data(ctx))
            ->push_back(X509_STORE_CTX_get_error(ctx));
    return 1;
}

Path build_path(const CertFile& f, const CertCheckOptions& o) {
    TrustHandle trust = o.trust ? o.trust : std::make_shared<const TrustMaterial>(o.tls);
    auto free_stack = [](STACK_OF(X509) * s) { sk_X509_free(s); };
    std::unique_ptr<STACK_OF(X509), decltype(free_stack)> untrusted(sk_X509_new_null(), free_stack);
    for (const auto& c : f.rest)
        sk_X509_push(untrusted.get(), c.get());
    std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> ctx(X509_STORE_CTX_new(),
                                                                        X509_STORE_CTX_free);
    X509_STORE_CTX_init(ctx.get(), trust->store(), f.leaf.get(), untrusted.get());
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_NO_CHECK_TIME);
    Path p;
    X509_STORE_CTX_set_app_data(ctx.get(), &p.errors);
    X509_STORE_CTX_set_verify_cb(ctx.get(), record_error);
    X509_verify_cert(ctx.get());
    if (STACK_OF(X509)* chain = X509_STORE_CTX_get1_chain(ctx.get())) {
        for (int i = 0; i < sk_X509_num(chain); ++i)
            p.certs.push_back(share_x509(sk_X509_value(chain, i)));
        sk_X509_pop_free(chain, X509_free);
    }
    ERR_clear_error();
    if (p.certs.empty()) p.certs.push_back(f.leaf);
    for (std::size_t i = 0; i < p.certs.size(); ++i) {
        p.info.push_back(inspect(p.certs[i].get()));
        bool mine = i == 0 || std::any_of(f.rest.begin(), f.rest.end(), [&](const X509Ptr& c) {
                        return X509_cmp(c.get(), p.certs[i].get()) == 0;
                    });
        p.in_file.push_back(mine);
    }
    return p;
}

std::string chain_text(const Path& p) {
    std::string t;
    for (std::size_t i = 0; i < p.info.size(); ++i)
        t = render(
            i == 0 ? (p.in_file[i]
                          ? msg("cert.chain_first", {{"name", display_name(p.info[i])}})
                          : msg("cert.chain_first_from_store", {{"name", display_name(p.info[i])}}))
                   : (p.in_file[i] ? msg("cert.chain_next",
                                         {{"chain", t}, {"name", display_name(p.info[i])}})
                                   : msg("cert.chain_next_from_store",
                                         {{"chain", t}, {"name", display_name(p.info[i])}})));
    return t;
}

CertCheck key_check(const CertFile& f, const CertInfo& leaf) {
    CertCheck c{"key", title(msg("cert.title_key")), Status::pass, Reason::ok, {}, {}, {}};
    if (!f.key) {
        c.status = Status::warn;
        c.reason = Reason::key_missing;
        say(c, msg("cert.no_private_key", {{"path", f.path}, {"name", display_name(leaf)}}));
        return c;
    }
    bool match = X509_check_private_key(f.leaf.get(), f.key.get()) == 1;
    ERR_clear_error();
    if (!match) {
        c.status = Status::fail;
        c.reason = Reason::key_mismatch;
        say(c, msg("cert.key_mismatch", {{"path", f.path}, {"name", display_name(leaf)}}));
        return c;
    }
    say(c,
        msg("cert.key_matches",
            {{"key_type", leaf.key_type}, {"bits", leaf.key_bits}, {"name", display_name(leaf)}}));
    return c;
}

CertCheck chain_check(const CertFile& f, const Path& p, bool full_chain, const TlsSettings& tls) {
    CertCheck c{"chain", title(msg("cert.title_chain")), Status::pass, Reason::ok, {}, {}, {}};
    auto evidence = [&](const Message& m) { c.evidence.push_back(render(m)); };
    evidence(msg("cert.chain_evidence", {{"chain", chain_text(p)}}));
    const CertInfo& top = p.info.back();
    for (int e : p.errors)
        evidence(msg("cert.verify_error", {{"error", X509_verify_cert_error_string(e)}}));
    if (!f.unrelated.empty()) {
        std::string names;
        for (const auto& n : f.unrelated)
            names += (names.empty() ? "" : ", ") + q(n);
        evidence(msg("cert.unrelated_ignored", {{"names", names}}));
    }
    std::string leaf = display_name(p.info.front());
    if (p.has({X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
               X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE})) {
        c.status = Status::fail;
        c.reason = Reason::incomplete_chain;
        say(c, msg("cert.incomplete_chain", {{"path", f.path},
                                             {"name", leaf},
                                             {"issuer", top.issuer},
                                             {"top", display_name(top)}}));
        return c;
    }
    if (p.contains_error(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)) {
        c.status = Status::warn;
        c.reason = Reason::self_signed;
        say(c, msg("cert.self_signed", {{"name", leaf}}));
        return c;
    }
    if (p.contains_error(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)) {
        c.status = Status::warn;
        c.reason = Reason::untrusted_root;
        say(c,
            msg("cert.untrusted_root",
                {{"name", leaf}, {"root", display_name(top)}, {"store", store_name(tls.trust)}}));
        return c;
    }
    const std::initializer_list<int> harmless = {
        X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_EE_KEY_TOO_SMALL, X509_V_ERR_CA_KEY_TOO_SMALL,
        X509_V_ERR_CA_MD_TOO_WEAK};
    for (int e : p.errors)
        if (std::find(harmless.begin(), harmless.end(), e) == harmless.end()) {
            c.status = Status::fail;
            c.reason = Reason::certificate_invalid;
            say(c, msg("cert.chain_does_not_verify",
                       {{"name", leaf}, {"error", X509_verify_cert_error_string(e)}}));
            return c;
        }
    std::string missing;
    for (std::size_t i = 1; i < p.info.size(); ++i)
        if (!p.in_file[i]) missing += (missing.empty() ? "" : ", ") + q(display_name(p.info[i]));
    if (full_chain && !missing.empty()) {
        bool only_root =
            std::count(p.in_file.begin(), p.in_file.end(), false) == 1 && !p.in_file.back();
        c.status = only_root ? Status::warn : Status::fail;
        c.reason = Reason::incomplete_chain;
        say(c, msg("cert.not_entire_chain", {{"path", f.path}, {"missing", missing}}));
        return c;
    }
    say(c, msg("cert.chain_complete", {{"chain", chain_text(p)}}));
    return c;
}

CertCheck expiry_check(const Path& p, const TlsSettings& tls) {
    CertCheck c{"expiry", title(msg("cert.title_expiry")), Status::pass, Reason::ok, {}, {}, {}};
    std::size_t soonest = 0;
    for (std::size_t i = 0; i < p.info.size(); ++i) {
        if (p.info[i].days_left < p.info[soonest].days_left) soonest = i;
        c.evidence.push_back(render(msg("cert.validity", {{"name", display_name(p.info[i])},
                                                          {"from", p.info[i].not_before},
                                                          {"to", p.info[i].not_after}})));
    }
    const CertInfo& s = p.info[soonest];
    std::string who =
        soonest == 0 ? render(msg("cert.the_leaf", {{"name", display_name(s)}}))
                     : render(msg("cert.the_chain_member",
                                  {{"role", role_words(s, soonest)}, {"name", display_name(s)}}));
    std::string thresholds =
        render(msg("cert.expiry_thresholds",
                   {{"warn", tls.expiry_warn_days}, {"fail", tls.expiry_fail_days}}));
    // Every certificate of the chain must be valid now: a client rejects a
    // chain whose intermediate starts tomorrow as surely as a leaf that does.
    std::size_t early = p.certs.size();
    for (std::size_t i = 0; i < p.certs.size() && early == p.certs.size(); ++i)
        if (X509_cmp_current_time(X509_get0_notBefore(p.certs[i].get())) > 0) early = i;
    if (early == 0) {
        c.status = Status::fail;
        c.reason = Reason::not_yet_valid;
        say(c, msg("cert.leaf_not_yet_valid",
                   {{"name", display_name(p.info.front())}, {"from", p.info.front().not_before}}));
    } else if (early < p.certs.size()) {
        const CertInfo& e = p.info[early];
        c.status = Status::fail;
        c.reason = Reason::not_yet_valid;
        say(c, msg("cert.chain_not_yet_valid", {{"role", role_words(e, early)},
                                                {"name", display_name(e)},
                                                {"from", e.not_before}}));
    } else if (s.days_left < 0) {
        c.status = Status::fail;
        c.reason = Reason::expired;
        say(c, msg("cert.expired", {{"certificate", who}, {"when", expiry_text(s)}}));
    } else if (s.days_left < tls.expiry_warn_days) {
        c.status = s.days_left < tls.expiry_fail_days ? Status::fail : Status::warn;
        c.reason = Reason::expiring_soon;
        say(c, msg("cert.expiring_soon",
                   {{"certificate", who}, {"when", expiry_text(s)}, {"thresholds", thresholds}}));
    } else {
        say(c, msg("cert.expires",
                   {{"certificate", who}, {"when", expiry_text(s)}, {"thresholds", thresholds}}));
    }
    return c;
}

bool is_root(const Path& p, std::size_t i) {
    return i > 0 && p.info[i].self_signed;
}

CertCheck key_size_check(const Path& p) {
    CertCheck c{"key_size", title(msg("cert.title_key_size")), Status::pass, Reason::ok, {}, {},
                {}};
    for (std::size_t i = 0; i < p.info.size(); ++i) {
        const CertInfo& x = p.info[i];
        c.evidence.push_back(render(
            msg("cert.key_of",
                {{"name", display_name(x)}, {"key_type", x.key_type}, {"bits", x.key_bits}})));
        bool rsa = x.key_type == "RSA" || x.key_type == "RSA-PSS" || x.key_type == "DSA";
        bool weak = rsa ? x.key_bits < 2048 : x.key_type == "EC" && x.key_bits < 256;
        if (weak && !is_root(p, i) && c.status == Status::pass) {
            c.status = Status::fail;
            c.reason = Reason::weak_certificate;
            say(c,
                msg("cert.weak_key",
                    {{"name", display_name(x)}, {"key_type", x.key_type}, {"bits", x.key_bits}}));
        }
    }
    if (c.status == Status::pass)
        say(c, msg("cert.key_size",
                   {{"key_type", p.info.front().key_type}, {"bits", p.info.front().key_bits}}));
    return c;
}

CertCheck signature_check(const Path& p) {
    CertCheck c{"signature", title(msg("cert.title_signature")), Status::pass, Reason::ok, {}, {},
                {}};
    for (std::size_t i = 0; i < p.certs.size(); ++i) {
        const CertInfo& x = p.info[i];
        c.evidence.push_back(
            render(msg("cert.signature_of",
                       {{"name", display_name(x)}, {"algorithm", x.signature_algorithm}})));
        int md = NID_undef;
        X509_get_signature_info(p.certs[i].get(), &md, nullptr, nullptr, nullptr);
        bool weak = md == NID_md5 || md == NID_sha1 || md == NID_md5_sha1;
        if (weak && !is_root(p, i) && c.status == Status::pass) {
            c.status = Status::fail;
            c.reason = Reason::weak_certificate;
            say(c, msg("cert.weak_signature", {{"name", display_name(x)},
                                               {"hash", md == NID_sha1 ? "SHA-1" : "MD5"},
                                               {"algorithm", x.signature_algorithm}}));
        }
    }
    if (c.status == Status::pass)
        say(c, msg("cert.signed_with", {{"algorithm", p.info.front().signature_algorithm}}));
    return c;
}

CertCheck eku_check(const CertInfo& leaf, const std::string& eku, const std::string& words,
                    bool required_explicitly) {
    CertCheck c{"eku",
                title(msg("cert.title_eku", {{"usage", words}, {"oid", eku}})),
                Status::pass,
                Reason::ok,
                {},
                {},
                {}};
    std::string have;
    for (const auto& e : leaf.ekus)
        have += (have.empty() ? "" : ", ") + e;
    c.evidence.push_back(render(have.empty() ? msg("cert.eku_evidence_none")
                                             : msg("cert.eku_evidence", {{"ekus", have}})));
    if (contains(leaf.ekus, eku)) {
        say(c, msg("cert.has_eku", {{"name", display_name(leaf)}, {"usage", words}, {"oid", eku}}));
    } else if (leaf.ekus.empty() && !required_explicitly) {
        say(c, msg("cert.any_purpose", {{"name", display_name(leaf)}}));
    } else {
        c.status = Status::fail;
        c.reason = Reason::weak_certificate;
        say(c, msg("cert.missing_eku",
                   {{"name", display_name(leaf)},
                    {"usage", words},
                    {"oid", eku},
                    {"present", have.empty() ? render(msg("cert.eku_none")) : have}}));
    }
    return c;
}

// Clients look for the name in the subjectAltName only; a name in the
// common name alone no longer counts.
CertCheck name_check(const CertFile& f, const CertInfo& leaf, const std::string& host) {
    CertCheck c{"name", title(msg("cert.title_name")), Status::pass, Reason::ok, {}, {}, {}};
    if (host.empty()) {
        c.status = Status::skip;
        c.reason = Reason::not_configured;
        say(c, msg("cert.no_host_given"));
        return c;
    }
    std::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    bool ok = !ec ? X509_check_ip_asc(f.leaf.get(), ip.to_string().c_str(), 0) == 1
                  : X509_check_host(f.leaf.get(), host.c_str(), host.size(),
                                    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, nullptr) == 1;
    c.evidence.push_back(render(msg("cert.names_evidence", {{"names", names_text(leaf)}})));
    if (ok) {
        say(c, msg("cert.name_matches", {{"host", host}, {"names", names_text(leaf)}}));
    } else {
        c.status = Status::fail;
        c.reason = Reason::name_mismatch;
        say(c, msg("cert.name_mismatch",
                   {{"name", display_name(leaf)}, {"host", host}, {"names", names_text(leaf)}}));
    }
    return c;
}

CertCheck san_check(const CertInfo& leaf) {
    CertCheck c{"san", title(msg("cert.title_san")), Status::pass, Reason::ok, {}, {}, {}};
    std::string emails, upns;
    for (const auto& e : leaf.email_sans)
        emails += (emails.empty() ? "" : ", ") + e;
    for (const auto& u : leaf.upn_sans)
        upns += (upns.empty() ? "" : ", ") + u;
    c.evidence.push_back(render(emails.empty() ? msg("cert.emails_none")
                                               : msg("cert.emails", {{"emails", emails}})));
    c.evidence.push_back(
        render(upns.empty() ? msg("cert.upns_none") : msg("cert.upns", {{"upns", upns}})));
    if (!emails.empty() && !upns.empty()) {
        say(c, msg("cert.san_present",
                   {{"name", display_name(leaf)}, {"emails", emails}, {"upns", upns}}));
    } else {
        std::string missing = upns.empty() && emails.empty() ? render(msg("cert.san_lacks_both"))
                              : emails.empty()               ? render(msg("cert.san_lacks_email"))
                                                             : render(msg("cert.san_lacks_upn"));
        c.status = Status::fail;
        c.reason = Reason::missing_san;
        say(c, msg("cert.missing_san", {{"name", display_name(leaf)}, {"missing", missing}}));
    }
    return c;
}

std::string subject_uid(X509* x) {
    const X509_NAME* n = X509_get_subject_name(x);
    int i = X509_NAME_get_index_by_NID(n, NID_userId, -1);
    if (i < 0) return {};
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

CertCheck topic_check(const CertFile& f, const CertInfo& leaf) {
    CertCheck c{"topic", title(msg("cert.title_topic")), Status::pass, Reason::ok, {}, {}, {}};
    std::string uid = subject_uid(f.leaf.get());
    if (uid.empty()) {
        c.status = Status::fail;
        c.reason = Reason::wrong_certificate_type;
        say(c, msg("cert.not_apns", {{"name", display_name(leaf)}}));
    } else {
        say(c, msg("cert.apns_topic", {{"topic", uid}, {"name", display_name(leaf)}}));
    }
    return c;
}

} // namespace

std::vector<CertCheck> check_cert_file(const CertFile& f, const CertCheckOptions& o) {
    Path p = build_path(f, o);
    const CertInfo& leaf = p.info.front();
    std::vector<CertCheck> out{key_check(f, leaf), chain_check(f, p, o.full_chain, o.tls),
                               expiry_check(p, o.tls), key_size_check(p), signature_check(p)};
    switch (o.profile) {
    case CertProfile::none:
        break;
    case CertProfile::server:
        out.push_back(eku_check(leaf, "serverAuth", render(msg("cert.usage_server_auth")), false));
        out.push_back(name_check(f, leaf, o.host));
        break;
    case CertProfile::eas_client:
        out.push_back(eku_check(leaf, "clientAuth", render(msg("cert.usage_client_auth")), true));
        out.push_back(san_check(leaf));
        break;
    case CertProfile::apns:
        out.push_back(topic_check(f, leaf));
        break;
    }
    return out;
}

std::vector<CertificateRow> certificate_rows(const CertFile& f) {
    std::vector<CertificateRow> rows;
    std::vector<X509Ptr> all{f.leaf};
    all.insert(all.end(), f.rest.begin(), f.rest.end());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CertInfo info = inspect(all[i].get());
        rows.push_back(
            certificate_row(info, f.path + " #" + std::to_string(i), chain_role(info, i)));
    }
    return rows;
}

std::vector<EvidenceBlock> certificate_blocks(const CertFile& f) {
    EvidenceBlock b{
        render(f.key ? msg("cert.block_with_key", {{"path", f.path}, {"format", f.format}})
                     : msg("cert.block_without_key", {{"path", f.path}, {"format", f.format}})),
        {}};
    std::vector<X509Ptr> all{f.leaf};
    all.insert(all.end(), f.rest.begin(), f.rest.end());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CertInfo info = inspect(all[i].get());
        b.lines.push_back(
            render(msg("cert.block_certificate", {{"index", i}, {"role", role_words(info, i)}})));
        for (const auto& l : describe_lines(info))
            b.lines.push_back(render(msg("tls.block_detail", {{"line", l}})));
    }
    return {b};
}

std::string arm_cert_id_line(const CertFile& f) {
    return render(msg("cert.arm_cert_id", {{"thumbprint", inspect(f.leaf.get()).sha1_thumbprint}}));
}

} // namespace pf
