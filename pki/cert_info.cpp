#include "pki/cert_info.hpp"
#include "base/catalog.hpp"
#include "base/human_format.hpp"
#include "base/message_words.hpp"
#include "base/text.hpp"
#include <array>
#include <asio/ip/address_v6.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

namespace pf {

namespace {

std::string hex(const unsigned char* p, std::size_t n, const char* sep) {
    static const char digits[] = "0123456789ABCDEF";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        if (i) out += sep;
        out += digits[p[i] >> 4];
        out += digits[p[i] & 15];
    }
    return out;
}

std::string asn1_utf8(const ASN1_STRING* s) {
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

std::string iso_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return "?";
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    const unsigned char* p = ASN1_STRING_get0_data(ip);
    int n = ASN1_STRING_length(ip);
    if (n == 4)
        return std::to_string(p[0]) + "." + std::to_string(p[1]) + "." + std::to_string(p[2]) +
               "." + std::to_string(p[3]);
    if (n == 16) {
        asio::ip::address_v6::bytes_type b;
        std::copy(p, p + 16, b.begin());
        return asio::ip::make_address_v6(b).to_string();
    }
    return render(msg("cert_info.odd_address", {{"bytes", n}}));
}

void read_sans(X509* x, CertInfo& info) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
    if (!names) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* g = sk_GENERAL_NAME_value(names, i);
        switch (g->type) {
        case GEN_DNS:
            info.dns_sans.push_back(asn1_utf8(g->d.dNSName));
            break;
        case GEN_IPADD:
            info.ip_sans.push_back(ip_text(g->d.iPAddress));
            break;
        case GEN_EMAIL:
            info.email_sans.push_back(asn1_utf8(g->d.rfc822Name));
            break;
        case GEN_OTHERNAME: {
            const OTHERNAME* o = g->d.otherName;
            char oid[80];
            OBJ_obj2txt(oid, sizeof oid, o->type_id, 1);
            if (std::string(oid) == "1.3.6.1.4.1.311.20.2.3" && o->value &&
                o->value->type == V_ASN1_UTF8STRING)
                info.upn_sans.push_back(asn1_utf8(o->value->value.utf8string));
            break;
        }
        default:
            break;
        }
    }
    GENERAL_NAMES_free(names);
}

void read_ekus(X509* x, CertInfo& info) {
    auto* ekus =
        static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr));
    if (!ekus) return;
    for (int i = 0; i < sk_ASN1_OBJECT_num(ekus); ++i) {
        const ASN1_OBJECT* o = sk_ASN1_OBJECT_value(ekus, i);
        int nid = OBJ_obj2nid(o);
        if (nid != NID_undef) {
            info.ekus.emplace_back(OBJ_nid2sn(nid));
        } else {
            char oid[80];
            OBJ_obj2txt(oid, sizeof oid, o, 1);
            info.ekus.emplace_back(oid);
        }
    }
    EXTENDED_KEY_USAGE_free(ekus);
}

void read_key(X509* x, CertInfo& info) {
    EVP_PKEY* k = X509_get0_pubkey(x);
    if (!k) {
        info.key_type = "unknown";
        return;
    }
    switch (EVP_PKEY_get_base_id(k)) {
    case EVP_PKEY_RSA:
        info.key_type = "RSA";
        break;
    case EVP_PKEY_RSA_PSS:
        info.key_type = "RSA-PSS";
        break;
    case EVP_PKEY_EC:
        info.key_type = "EC";
        break;
    case EVP_PKEY_ED25519:
        info.key_type = "Ed25519";
        break;
    case EVP_PKEY_ED448:
        info.key_type = "Ed448";
        break;
    case EVP_PKEY_DSA:
        info.key_type = "DSA";
        break;
    default:
        info.key_type = OBJ_nid2sn(EVP_PKEY_get_base_id(k));
        break;
    }
    info.key_bits = EVP_PKEY_get_bits(k);
}

// The technical SAN type names (DNS, IP, UPN) are the same in every
// language, as OpenSSL and Windows print them; email has a label a reader's
// language names.
// A certificate row's list, the same in every language.
std::string comma_joined(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::vector<std::string> with_prefix(const std::vector<std::string>& v, const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& s : v)
        out.push_back(prefix + s);
    return out;
}

} // namespace

std::string name_text(const X509_NAME* name) {
    if (!name) return {};
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new(BIO_s_mem()), BIO_free);
    // RFC 2253 order and escaping, but UTF-8 left readable rather than
    // escaped as \XX, and ", " between parts as Windows shows them.
    unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC |
                          XN_FLAG_DN_REV | XN_FLAG_FN_SN | XN_FLAG_DUMP_UNKNOWN_FIELDS;
    X509_NAME_print_ex(b.get(), name, 0, flags);
    char* data = nullptr;
    long n = BIO_get_mem_data(b.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

CertInfo inspect(X509* x) {
    CertInfo info;
    info.subject = name_text(X509_get_subject_name(x));
    info.issuer = name_text(X509_get_issuer_name(x));
    read_sans(x, info);
    info.not_before = iso_time(X509_get0_notBefore(x));
    info.not_after = iso_time(X509_get0_notAfter(x));
    int days = 0, secs = 0;
    if (ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(x)) == 1)
        info.days_left = days + secs / 86400.0;

    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(x, EVP_sha256(), md, &n) == 1) info.sha256 = hex(md, n, ":");
    if (X509_digest(x, EVP_sha1(), md, &n) == 1) info.sha1_thumbprint = hex(md, n, "");
    unsigned char* spki = nullptr;
    int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
    if (spki_len > 0) {
        unsigned int dn = 0;
        if (EVP_Digest(spki, static_cast<std::size_t>(spki_len), md, &dn, EVP_sha256(), nullptr))
            info.spki_sha256 = base64({reinterpret_cast<const char*>(md), dn});
        OPENSSL_free(spki);
    }
    read_key(x, info);
    int sig = X509_get_signature_nid(x);
    info.signature_algorithm = sig == NID_undef ? "unknown" : OBJ_nid2ln(sig);
    info.is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;
    info.self_signed = X509_self_signed(x, 1) == 1;
    read_ekus(x, info);
    return info;
}

std::string display_name(X509* cert) {
    const X509_NAME* n = X509_get_subject_name(cert);
    int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
    if (i >= 0) return asn1_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i)));
    return name_text(n);
}

std::string display_name(const CertInfo& info) {
    // The subject is "CN=x, O=y": the most specific part first.
    const std::string& s = info.subject;
    auto at = s.rfind("CN=", 0) == 0 ? 0 : s.find(", CN=");
    if (at == std::string::npos) return s;
    auto from = at == 0 ? 3 : at + 5;
    auto end = from;
    while (end < s.size() && !(s[end] == ',' && s[end - 1] != '\\'))
        ++end;
    return s.substr(from, end - from);
}

std::string names_text(const CertInfo& info) {
    auto names = with_prefix(info.dns_sans, "DNS:");
    for (auto& ip : with_prefix(info.ip_sans, "IP:"))
        names.push_back(std::move(ip));
    if (names.empty()) return render(msg("cert_info.no_san", {{"subject", info.subject}}));
    return join_list(names);
}

namespace {

// Whole days, rounded down (a certificate expiring in 9.9 days has 9 left),
// and hours when less than one.
std::string relative_expiry(double d) {
    double a = std::fabs(d);
    if (a < 1) {
        auto hours = std::llround(a * 24);
        return render(d < 0 ? msg("cert_info.hours_ago", {{"hours", hours}})
                            : msg("cert_info.in_hours", {{"hours", hours}}));
    }
    auto days = static_cast<long long>(std::floor(a));
    if (days == 1)
        return render(d < 0 ? msg("cert_info.one_day_ago") : msg("cert_info.in_one_day"));
    return render(d < 0 ? msg("cert_info.days_ago", {{"days", days}})
                        : msg("cert_info.in_days", {{"days", days}}));
}

} // namespace

std::string expiry_text(const CertInfo& info) {
    return render(msg("cert_info.expiry", {{"relative", relative_expiry(info.days_left)},
                                           {"date", date_text(info.not_after)}}));
}

// An email SAN is named by the catalog's label in a sentence, by the
// technical "email:" in a certificate row (data the machine outputs keep).
static std::vector<std::string> all_names(const CertInfo& c, bool for_sentence) {
    auto names = with_prefix(c.dns_sans, "DNS:");
    for (const auto& ip : with_prefix(c.ip_sans, "IP:"))
        names.push_back(ip);
    for (const auto& e : c.email_sans)
        names.push_back(for_sentence ? render(msg("cert_info.san_email", {{"address", e}}))
                                     : "email:" + e);
    for (const auto& upn : with_prefix(c.upn_sans, "UPN:"))
        names.push_back(upn);
    return names;
}

std::vector<std::string> describe_lines(const CertInfo& c) {
    std::vector<std::string> lines;
    auto line = [&](const Message& m) { lines.push_back(render(m)); };
    line(msg("cert_info.subject", {{"subject", c.subject}}));
    line(msg("cert_info.issuer", {{"issuer", c.issuer}}));
    std::string names = join_list(all_names(c, true));
    if (!names.empty()) line(msg("cert_info.names", {{"names", names}}));
    std::string relative = relative_expiry(c.days_left);
    line(c.days_left < 0
             ? msg("cert_info.valid_expired",
                   {{"from", c.not_before}, {"to", c.not_after}, {"relative", relative}})
             : msg("cert_info.valid",
                   {{"from", c.not_before}, {"to", c.not_after}, {"relative", relative}}));
    line(msg(
        "cert_info.key",
        {{"key_type", c.key_type}, {"bits", c.key_bits}, {"algorithm", c.signature_algorithm}}));
    std::string role =
        render(c.is_ca ? msg("cert_info.role_ca") : msg("cert_info.role_end_entity"));
    if (c.self_signed) role = render(msg("cert_info.role_self_signed", {{"role", role}}));
    if (!c.ekus.empty())
        role = render(msg("cert_info.role_eku", {{"role", role}, {"ekus", join_list(c.ekus)}}));
    line(msg("cert_info.role", {{"role", role}}));
    line(msg("cert_info.sha256", {{"sha256", c.sha256}}));
    line(msg("cert_info.sha1", {{"sha1", c.sha1_thumbprint}}));
    line(msg("cert_info.spki", {{"spki", c.spki_sha256}}));
    return lines;
}

CertificateRow certificate_row(const CertInfo& c, std::string source, std::string role) {
    CertificateRow r;
    r.source = std::move(source);
    r.role = std::move(role);
    r.subject = c.subject;
    r.issuer = c.issuer;
    r.names = comma_joined(all_names(c, false));
    r.not_after = c.not_after;
    r.days_left = c.days_left;
    r.key = c.key_type + " " + std::to_string(c.key_bits);
    r.signature = c.signature_algorithm;
    r.ekus = comma_joined(c.ekus);
    r.sha1_thumbprint = c.sha1_thumbprint;
    r.sha256 = c.sha256;
    return r;
}

std::string chain_role(const CertInfo& info, std::size_t i) {
    if (i == 0) return "leaf";
    return info.self_signed ? "root" : "intermediate";
}

} // namespace pf
