#include "support/certs.hpp"
#include <fstream>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace pft {

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::string msg = "certs: " + what;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        msg += "; ";
        msg += buf;
    }
    throw std::runtime_error(msg);
}

template <class T> T* check(T* p, const std::string& what) {
    if (!p) fail(what);
    return p;
}

void check(int ok, const std::string& what) {
    if (ok <= 0) fail(what);
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

std::string bio_text(BIO* b) {
    char* data = nullptr;
    long n = BIO_get_mem_data(b, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) throw std::runtime_error("certs: cannot write " + path);
}

bool is_rsa(EVP_PKEY* k) {
    return EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA;
}

void add_name_entry(X509_NAME* n, const char* field, const std::string& value) {
    if (value.empty()) return;
    check(X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                     0),
          std::string("subject ") + field);
}

void add_ext(X509* x, X509V3_CTX* ctx, int nid, const std::string& value) {
    X509_EXTENSION* ext =
        check(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()), "extension " + value);
    int ok = X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok, "adding extension " + value);
}

GENERAL_NAME* ia5_name(int type, const std::string& v) {
    GENERAL_NAME* g = check(GENERAL_NAME_new(), "GENERAL_NAME_new");
    ASN1_IA5STRING* s = check(ASN1_IA5STRING_new(), "ASN1_IA5STRING_new");
    ASN1_STRING_set(s, v.data(), static_cast<int>(v.size()));
    GENERAL_NAME_set0_value(g, type, s);
    return g;
}

// Built by hand rather than from a "DNS:a,IP:b" string so that a value with
// a comma or colon cannot be misparsed.
void add_sans(X509* x, const CertSpec& spec) {
    if (spec.dns_sans.empty() && spec.ip_sans.empty() && spec.email_sans.empty() &&
        spec.upn_sans.empty())
        return;
    GENERAL_NAMES* names = check(GENERAL_NAMES_new(), "GENERAL_NAMES_new");
    for (const auto& d : spec.dns_sans)
        sk_GENERAL_NAME_push(names, ia5_name(GEN_DNS, d));
    for (const auto& ip : spec.ip_sans) {
        ASN1_OCTET_STRING* a = check(a2i_IPADDRESS(ip.c_str()), "IP address " + ip);
        GENERAL_NAME* g = check(GENERAL_NAME_new(), "GENERAL_NAME_new");
        GENERAL_NAME_set0_value(g, GEN_IPADD, a);
        sk_GENERAL_NAME_push(names, g);
    }
    for (const auto& e : spec.email_sans)
        sk_GENERAL_NAME_push(names, ia5_name(GEN_EMAIL, e));
    for (const auto& upn : spec.upn_sans) {
        ASN1_TYPE* value = check(ASN1_TYPE_new(), "ASN1_TYPE_new");
        ASN1_UTF8STRING* s = check(ASN1_UTF8STRING_new(), "ASN1_UTF8STRING_new");
        ASN1_STRING_set(s, upn.data(), static_cast<int>(upn.size()));
        ASN1_TYPE_set(value, V_ASN1_UTF8STRING, s);
        GENERAL_NAME* g = check(GENERAL_NAME_new(), "GENERAL_NAME_new");
        check(GENERAL_NAME_set0_othername(g, OBJ_txt2obj("1.3.6.1.4.1.311.20.2.3", 1), value),
              "UPN otherName");
        sk_GENERAL_NAME_push(names, g);
    }
    int ok = X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
    GENERAL_NAMES_free(names);
    check(ok, "subjectAltName");
}

void set_validity(X509* x, const CertSpec& spec) {
    check(X509_time_adj_ex(X509_getm_notBefore(x), static_cast<int>(spec.not_before_days), 0,
                           nullptr) != nullptr,
          "notBefore");
    check(X509_time_adj_ex(X509_getm_notAfter(x), static_cast<int>(spec.not_after_days), 0,
                           nullptr) != nullptr,
          "notAfter");
}

// Random, positive, 127 bits: two certificates of one issuer never share a
// serial, which a client would treat as the same certificate.
void set_serial(X509* x) {
    unsigned char bytes[16];
    check(RAND_bytes(bytes, sizeof bytes), "RAND_bytes");
    bytes[0] &= 0x7f;
    BIGNUM* bn = check(BN_bin2bn(bytes, sizeof bytes, nullptr), "BN_bin2bn");
    ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
    BN_free(bn);
    check(serial != nullptr, "serial");
}

} // namespace

KeyPair KeyPair::generate(const std::string& type) {
    EVP_PKEY* k = nullptr;
    if (type == "ec256")
        k = EVP_EC_gen("P-256");
    else if (type == "ec384")
        k = EVP_EC_gen("P-384");
    else if (type.rfind("rsa", 0) == 0 && type.size() > 3) {
        unsigned bits = static_cast<unsigned>(std::stoul(type.substr(3)));
        if (bits != 1024 && bits != 2048 && bits != 3072 && bits != 4096)
            throw std::runtime_error("certs: unsupported key type " + type);
        k = EVP_RSA_gen(bits);
    } else
        throw std::runtime_error("certs: unsupported key type " + type);
    check(k, "generating a " + type + " key");
    return KeyPair{std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free)};
}

std::string Issued::cert_pem() const {
    Bio b(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_X509(b.get(), cert_.get()), "PEM_write_bio_X509");
    return bio_text(b.get());
}

std::string Issued::key_pem() const {
    Bio b(BIO_new(BIO_s_mem()));
    check(PEM_write_bio_PrivateKey(b.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr),
          "PEM_write_bio_PrivateKey");
    return bio_text(b.get());
}

std::string Issued::sha256_fingerprint() const {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    check(X509_digest(cert_.get(), EVP_sha256(), md, &n), "X509_digest");
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string Issued::subject() const {
    Bio b(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(b.get(), X509_get_subject_name(cert_.get()), 0, XN_FLAG_ONELINE);
    return bio_text(b.get());
}

Issued CertFactory::root(const CertSpec& spec) {
    CertSpec s = spec;
    s.ca = true;
    return make(nullptr, s);
}

Issued CertFactory::issue(const Issued& issuer, const CertSpec& spec) {
    return make(&issuer, spec);
}

Issued CertFactory::make(const Issued* issuer, const CertSpec& spec) {
    KeyPair key = KeyPair::generate(spec.key);
    std::shared_ptr<X509> cert(check(X509_new(), "X509_new"), X509_free);
    X509* x = cert.get();
    check(X509_set_version(x, X509_VERSION_3), "X509_set_version");
    set_serial(x);
    set_validity(x, spec);

    X509_NAME* name = X509_get_subject_name(x);
    // APNs certificates put UID first; the order is what clients display.
    add_name_entry(name, "UID", spec.uid);
    add_name_entry(name, "O", spec.org);
    add_name_entry(name, "CN", spec.cn);
    check(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer->cert()) : name),
          "issuer name");
    check(X509_set_pubkey(x, key.pkey.get()), "X509_set_pubkey");

    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer->cert() : x, x, nullptr, nullptr, 0);
    add_ext(x, &ctx, NID_basic_constraints, spec.ca ? "critical,CA:TRUE" : "CA:FALSE");
    std::string usage = spec.ca                  ? "critical,keyCertSign,cRLSign,digitalSignature"
                        : is_rsa(key.pkey.get()) ? "critical,digitalSignature,keyEncipherment"
                                                 : "critical,digitalSignature";
    add_ext(x, &ctx, NID_key_usage, usage);
    if (!spec.ekus.empty()) {
        std::string ekus;
        for (const auto& e : spec.ekus)
            ekus += (ekus.empty() ? "" : ",") + e;
        add_ext(x, &ctx, NID_ext_key_usage, ekus);
    }
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    // The issuer's SKI: what a verifier uses to pick the issuer among
    // several with one name.
    if (issuer) add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
    add_sans(x, spec);

    const EVP_MD* md = check(EVP_get_digestbyname(spec.digest.c_str()), "digest " + spec.digest);
    // X509_sign, not a context of ours: it applies no security level, so
    // sha1 and md5 signatures can still be made.
    EVP_PKEY* signer = issuer ? issuer->key() : key.pkey.get();
    check(X509_sign(x, signer, md), "signing with " + spec.digest);
    return Issued(cert, key.pkey);
}

std::string CertFactory::write_pem(const std::string& path,
                                   const std::vector<const Issued*>& certs) {
    std::string text;
    for (const Issued* c : certs)
        text += c->cert_pem();
    write_file(path, text);
    return path;
}

std::string CertFactory::write_key(const std::string& path, const Issued& cert) {
    write_file(path, cert.key_pem());
    return path;
}

std::string CertFactory::write_pkcs12(const std::string& path, const Issued& leaf,
                                      const std::vector<const Issued*>& chain,
                                      const std::string& password) {
    STACK_OF(X509)* ca = nullptr;
    if (!chain.empty()) {
        ca = check(sk_X509_new_null(), "sk_X509_new_null");
        for (const Issued* c : chain)
            sk_X509_push(ca, c->cert());
    }
    // mac_iter -1: no MAC yet; it is added below with an explicit SHA-256
    // rather than whatever this OpenSSL's default is.
    PKCS12* p12 = PKCS12_create(password.c_str(), "preflight-test", leaf.key(), leaf.cert(), ca,
                                NID_aes_256_cbc, NID_aes_256_cbc, 2048, -1, 0);
    sk_X509_free(ca); // the certificates stay owned by their Issued
    check(p12, "PKCS12_create");
    std::unique_ptr<PKCS12, decltype(&PKCS12_free)> owner(p12, PKCS12_free);
    check(PKCS12_set_mac(p12, password.c_str(), -1, nullptr, 0, 2048, EVP_sha256()),
          "PKCS12_set_mac");
    Bio b(BIO_new(BIO_s_mem()));
    check(i2d_PKCS12_bio(b.get(), p12), "i2d_PKCS12_bio");
    write_file(path, bio_text(b.get()));
    return path;
}

} // namespace pft
