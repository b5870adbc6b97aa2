#include "probes/tls/cert_checks.hpp"
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
    return "'" + s + "'";
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
        t += (i ? " > " : "") + q(display_name(p.info[i])) + (p.in_file[i] ? "" : " (trust store)");
    return t;
}

CertCheck key_check(const CertFile& f, const CertInfo& leaf) {
    CertCheck c{"key",        "Private key present and matching the certificate",
                Status::pass, Reason::ok,
                {},           {}};
    if (!f.key) {
        c.status = Status::warn;
        c.reason = Reason::key_missing;
        c.summary = "no private key: " + f.path + " holds only the certificate " +
                    q(display_name(leaf)) +
                    "; IIS, the AWCM installer and ARM import it with its private key, as a .pfx "
                    "(certificate with private key)";
        return c;
    }
    bool match = X509_check_private_key(f.leaf.get(), f.key.get()) == 1;
    ERR_clear_error();
    if (!match) {
        c.status = Status::fail;
        c.reason = Reason::key_mismatch;
        c.summary = "key mismatch: the private key in " + f.path +
                    " does not belong to the certificate " + q(display_name(leaf)) +
                    ": export the certificate together with its own key (the key of its "
                    "certificate request)";
        return c;
    }
    c.summary = "the private key (" + leaf.key_type + " " + std::to_string(leaf.key_bits) +
                " bits) matches " + q(display_name(leaf));
    return c;
}

CertCheck chain_check(const CertFile& f, const Path& p, bool full_chain, const TlsSettings& tls) {
    CertCheck c{"chain", "Chain complete up to a root", Status::pass, Reason::ok, {}, {}};
    c.evidence.push_back("chain: " + chain_text(p));
    const CertInfo& top = p.info.back();
    for (int e : p.errors)
        c.evidence.push_back(std::string("verify: ") + X509_verify_cert_error_string(e));
    if (!f.unrelated.empty()) {
        std::string names;
        for (const auto& n : f.unrelated)
            names += (names.empty() ? "" : ", ") + q(n);
        c.evidence.push_back("not part of the chain, ignored: " + names);
    }
    std::string leaf = q(display_name(p.info.front()));
    if (p.has({X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
               X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE})) {
        c.status = Status::fail;
        c.reason = Reason::incomplete_chain;
        c.summary = "incomplete chain: " + f.path + " holds " + leaf + " but not the certificate " +
                    q(top.issuer) + " that issued " + q(display_name(top)) +
                    ", and the trust store does not have it either: export the file with every "
                    "certificate of the certification path (the intermediate certificates)";
        return c;
    }
    if (p.contains_error(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT)) {
        c.status = Status::warn;
        c.reason = Reason::self_signed;
        c.summary = "self-signed: " + leaf +
                    " is its own issuer, which no device trusts unless the certificate is pushed "
                    "to it: use a certificate from a public certificate authority";
        return c;
    }
    if (p.contains_error(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)) {
        c.status = Status::warn;
        c.reason = Reason::untrusted_root;
        c.summary = "untrusted root: the chain of " + leaf + " is complete up to the root " +
                    q(display_name(top)) + " in the file, but " + store_name(tls.trust) +
                    " does not hold that root: a public SSL certificate comes from a root every "
                    "device trusts";
        return c;
    }
    const std::initializer_list<int> harmless = {
        X509_V_ERR_INVALID_PURPOSE, X509_V_ERR_EE_KEY_TOO_SMALL, X509_V_ERR_CA_KEY_TOO_SMALL,
        X509_V_ERR_CA_MD_TOO_WEAK};
    for (int e : p.errors)
        if (std::find(harmless.begin(), harmless.end(), e) == harmless.end()) {
            c.status = Status::fail;
            c.reason = Reason::certificate_invalid;
            c.summary =
                "the chain of " + leaf + " does not verify: " + X509_verify_cert_error_string(e);
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
        c.summary = "not the entire chain: " + f.path + " lacks " + missing +
                    "; the AWCM installer needs a .pfx or .p12 file holding the new SSL "
                    "certificate's entire chain: export it with all certificates of the path";
        return c;
    }
    c.summary = "complete: " + chain_text(p);
    return c;
}

CertCheck expiry_check(const Path& p, const TlsSettings& tls) {
    CertCheck c{"expiry", "Days left before expiry", Status::pass, Reason::ok, {}, {}};
    std::size_t soonest = 0;
    for (std::size_t i = 0; i < p.info.size(); ++i) {
        if (p.info[i].days_left < p.info[soonest].days_left) soonest = i;
        c.evidence.push_back(q(display_name(p.info[i])) + " valid " + p.info[i].not_before +
                             " to " + p.info[i].not_after);
    }
    const CertInfo& s = p.info[soonest];
    std::string who =
        (soonest == 0 ? "the certificate " : "the " + chain_role(s, soonest) + " certificate ") +
        q(display_name(s));
    std::string thresholds = "warning below " + std::to_string(tls.expiry_warn_days) +
                             " days, failure below " + std::to_string(tls.expiry_fail_days);
    // Every certificate of the chain must be valid now: a client rejects a
    // chain whose intermediate starts tomorrow as surely as a leaf that does.
    std::size_t early = p.certs.size();
    for (std::size_t i = 0; i < p.certs.size() && early == p.certs.size(); ++i)
        if (X509_cmp_current_time(X509_get0_notBefore(p.certs[i].get())) > 0) early = i;
    if (early == 0) {
        c.status = Status::fail;
        c.reason = Reason::not_yet_valid;
        c.summary = "not yet valid: " + q(display_name(p.info.front())) + " is valid only from " +
                    p.info.front().not_before + ": check this machine's clock (UTC)";
    } else if (early < p.certs.size()) {
        const CertInfo& e = p.info[early];
        c.status = Status::fail;
        c.reason = Reason::not_yet_valid;
        c.summary = "not yet valid: the " + chain_role(e, early) + " certificate " +
                    q(display_name(e)) + " of the chain is valid only from " + e.not_before +
                    ", so clients reject the chain until then: have the CA reissue it with a "
                    "start date in the past, or check this machine's clock (UTC)";
    } else if (s.days_left < 0) {
        c.status = Status::fail;
        c.reason = Reason::expired;
        c.summary = "expired: " + who + " expired " + expiry_text(s) + ": renew it";
    } else if (s.days_left < tls.expiry_warn_days) {
        c.status = s.days_left < tls.expiry_fail_days ? Status::fail : Status::warn;
        c.reason = Reason::expiring_soon;
        c.summary = "expiring soon: " + who + " expires " + expiry_text(s) +
                    ": renew it before then (" + thresholds + ")";
    } else {
        c.summary = who + " expires " + expiry_text(s) + " (" + thresholds + ")";
    }
    return c;
}

bool is_root(const Path& p, std::size_t i) {
    return i > 0 && p.info[i].self_signed;
}

CertCheck key_size_check(const Path& p) {
    CertCheck c{"key_size", "RSA keys of at least 2048 bits", Status::pass, Reason::ok, {}, {}};
    for (std::size_t i = 0; i < p.info.size(); ++i) {
        const CertInfo& x = p.info[i];
        c.evidence.push_back(q(display_name(x)) + ": " + x.key_type + " " +
                             std::to_string(x.key_bits) + " bits");
        bool rsa = x.key_type == "RSA" || x.key_type == "RSA-PSS" || x.key_type == "DSA";
        bool weak = rsa ? x.key_bits < 2048 : x.key_type == "EC" && x.key_bits < 256;
        if (weak && !is_root(p, i) && c.status == Status::pass) {
            c.status = Status::fail;
            c.reason = Reason::weak_certificate;
            c.summary = "weak key: " + q(display_name(x)) + " has a " + x.key_type + " key of " +
                        std::to_string(x.key_bits) +
                        " bits; at least 2048 bits are required: request a new certificate with "
                        "a 2048-bit key";
        }
    }
    if (c.status == Status::pass)
        c.summary =
            p.info.front().key_type + " " + std::to_string(p.info.front().key_bits) + " bits";
    return c;
}

CertCheck signature_check(const Path& p) {
    CertCheck c{
        "signature", "No MD5 or SHA-1 signatures below the root", Status::pass, Reason::ok, {}, {}};
    for (std::size_t i = 0; i < p.certs.size(); ++i) {
        const CertInfo& x = p.info[i];
        c.evidence.push_back(q(display_name(x)) + ": " + x.signature_algorithm);
        int md = NID_undef;
        X509_get_signature_info(p.certs[i].get(), &md, nullptr, nullptr, nullptr);
        bool weak = md == NID_md5 || md == NID_sha1 || md == NID_md5_sha1;
        if (weak && !is_root(p, i) && c.status == Status::pass) {
            c.status = Status::fail;
            c.reason = Reason::weak_certificate;
            c.summary = "weak signature: " + q(display_name(x)) + " is signed with " +
                        (md == NID_sha1 ? "SHA-1" : "MD5") + " (" + x.signature_algorithm +
                        "), which clients reject: have it reissued with SHA-256";
        }
    }
    if (c.status == Status::pass) c.summary = "signed with " + p.info.front().signature_algorithm;
    return c;
}

CertCheck eku_check(const CertInfo& leaf, const std::string& eku, const std::string& words,
                    bool required_explicitly) {
    CertCheck c{"eku", words + " EKU (" + eku + ")", Status::pass, Reason::ok, {}, {}};
    std::string have;
    for (const auto& e : leaf.ekus)
        have += (have.empty() ? "" : ", ") + e;
    c.evidence.push_back("Enhanced Key Usage: " + (have.empty() ? "(none)" : have));
    if (contains(leaf.ekus, eku)) {
        c.summary = q(display_name(leaf)) + " has " + words + " (" + eku + ")";
    } else if (leaf.ekus.empty() && !required_explicitly) {
        c.summary = q(display_name(leaf)) + " has no Enhanced Key Usage: valid for any purpose";
    } else {
        c.status = Status::fail;
        c.reason = Reason::weak_certificate;
        c.summary = "missing EKU: " + q(display_name(leaf)) + " does not contain " + words + " (" +
                    eku + ") in the Enhanced Key Usage section (it has " +
                    (have.empty() ? "none" : have) +
                    "): the certificate template is not "
                    "configured correctly";
    }
    return c;
}

// Clients look for the name in the subjectAltName only; a name in the
// common name alone no longer counts.
CertCheck name_check(const CertFile& f, const CertInfo& leaf, const std::string& host) {
    CertCheck c{"name", "Host name in the certificate", Status::pass, Reason::ok, {}, {}};
    if (host.empty()) {
        c.status = Status::skip;
        c.reason = Reason::not_configured;
        c.summary = "no host name given to compare with";
        return c;
    }
    std::error_code ec;
    auto ip = asio::ip::make_address(host, ec);
    bool ok = !ec ? X509_check_ip_asc(f.leaf.get(), ip.to_string().c_str(), 0) == 1
                  : X509_check_host(f.leaf.get(), host.c_str(), host.size(),
                                    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, nullptr) == 1;
    c.evidence.push_back("names: " + names_text(leaf));
    if (ok) {
        c.summary = host + " matches " + names_text(leaf);
    } else {
        c.status = Status::fail;
        c.reason = Reason::name_mismatch;
        c.summary = "name mismatch: " + q(display_name(leaf)) + " does not name " + host +
                    " (it names " + names_text(leaf) + "): request the certificate with " + host +
                    " in its subjectAltName";
    }
    return c;
}

CertCheck san_check(const CertInfo& leaf) {
    CertCheck c{"san", "SAN with Email and UPN", Status::pass, Reason::ok, {}, {}};
    std::string emails, upns;
    for (const auto& e : leaf.email_sans)
        emails += (emails.empty() ? "" : ", ") + e;
    for (const auto& u : leaf.upn_sans)
        upns += (upns.empty() ? "" : ", ") + u;
    c.evidence.push_back("Email: " + (emails.empty() ? "(none)" : emails));
    c.evidence.push_back("Principal name (UPN): " + (upns.empty() ? "(none)" : upns));
    std::string missing;
    if (emails.empty()) missing = "an Email";
    if (upns.empty()) missing += (missing.empty() ? "" : " and ") + std::string("a Principal name");
    if (missing.empty()) {
        c.summary = q(display_name(leaf)) + " has Email " + emails + " and Principal name " + upns;
    } else {
        c.status = Status::fail;
        c.reason = Reason::missing_san;
        c.summary = "missing SAN: " + q(display_name(leaf)) +
                    " has no Subject Alternative Name with " + missing +
                    ": the template is incorrect or the certificate authority has not been "
                    "configured to accept SAN";
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
    CertCheck c{"topic", "APNs topic in the subject UID", Status::pass, Reason::ok, {}, {}};
    std::string uid = subject_uid(f.leaf.get());
    if (uid.empty()) {
        c.status = Status::fail;
        c.reason = Reason::wrong_certificate_type;
        c.summary = "not an APNs certificate: the subject of " + q(display_name(leaf)) +
                    " has no UID, where Apple puts the push topic: create the certificate with "
                    "the APNs wizard of the console";
    } else {
        c.summary = "APNs topic " + uid + " (" + q(display_name(leaf)) + ")";
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
        out.push_back(eku_check(leaf, "serverAuth", "Server Authentication", false));
        out.push_back(name_check(f, leaf, o.host));
        break;
    case CertProfile::eas_client:
        out.push_back(eku_check(leaf, "clientAuth", "Client Authentication", true));
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
    EvidenceBlock b{"Certificates in " + f.path + " (" + f.format + ", " +
                        (f.key ? "with" : "without") + " a private key)",
                    {}};
    std::vector<X509Ptr> all{f.leaf};
    all.insert(all.end(), f.rest.begin(), f.rest.end());
    for (std::size_t i = 0; i < all.size(); ++i) {
        CertInfo info = inspect(all[i].get());
        b.lines.push_back("#" + std::to_string(i) + " (" + chain_role(info, i) + ")");
        for (const auto& l : describe_lines(info))
            b.lines.push_back("   " + l);
    }
    return {b};
}

std::string arm_cert_id_line(const CertFile& f) {
    return "certId (ARM): " + inspect(f.leaf.get()).sha1_thumbprint;
}

} // namespace pf
