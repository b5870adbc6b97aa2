#include "pki/cert_file.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/read_file.hpp"
#include <algorithm>
#include <fstream>
#include <iterator>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>
#include <unordered_map>

namespace pf {

namespace {

using Kind = CertFileError::Kind;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

Bio memory_bio(const std::string& data) {
    return Bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), BIO_free);
}

std::shared_ptr<EVP_PKEY> own(EVP_PKEY* k) {
    return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free);
}

X509Ptr own(X509* x) {
    return X509Ptr(x, X509_free);
}

// OpenSSL's reason for the last failure, for errors that are not the
// admin's doing. Its messages never hold a password.
std::string openssl_reason() {
    unsigned long e = ERR_peek_last_error();
    std::string r = e ? ERR_reason_error_string(e) ? ERR_reason_error_string(e) : "unknown" : "";
    ERR_clear_error();
    return r;
}

int pem_password(char* buf, int size, int, void* u) {
    const auto* pw = static_cast<const std::string*>(u);
    if (!pw || pw->size() > static_cast<std::size_t>(size)) return -1;
    std::copy(pw->begin(), pw->end(), buf);
    return static_cast<int>(pw->size());
}

struct Loaded {
    std::string format;
    std::vector<X509Ptr> certs;
    std::shared_ptr<EVP_PKEY> key;
};

Loaded read_pem(const std::string& path, const std::string& data, const std::string* password) {
    Loaded l{"PEM", {}, nullptr};
    // Each reader skips the PEM blocks of other types.
    auto certs = memory_bio(data);
    while (X509* x = PEM_read_bio_X509(certs.get(), nullptr, nullptr, nullptr))
        l.certs.push_back(own(x));
    ERR_clear_error();
    if (data.find("PRIVATE KEY-----") != std::string::npos) {
        auto keys = memory_bio(data);
        l.key = own(PEM_read_bio_PrivateKey(keys.get(), nullptr, pem_password,
                                            const_cast<std::string*>(password)));
        if (!l.key) {
            ERR_clear_error();
            bool encrypted = data.find("ENCRYPTED") != std::string::npos;
            if (encrypted && !password)
                throw CertFileError(Kind::password_needed,
                                    render(msg("cert_file.key_password_needed", {{"path", path}})));
            if (encrypted)
                throw CertFileError(Kind::wrong_password,
                                    render(msg("cert_file.key_wrong_password", {{"path", path}})));
            throw CertFileError(Kind::not_a_certificate,
                                render(msg("cert_file.key_unreadable", {{"path", path}})));
        }
    }
    if (l.certs.empty()) {
        throw CertFileError(Kind::not_a_certificate,
                            render(data.find("-----BEGIN PKCS7") != std::string::npos
                                       ? msg("cert_file.pkcs7_bundle", {{"path", path}})
                                       : msg("cert_file.no_certificate", {{"path", path}})));
    }
    return l;
}

// Windows exports made before 2019 encrypt with RC2 or 3DES, which OpenSSL
// 3 keeps in its legacy provider.
bool load_legacy_provider() {
    static bool loaded = OSSL_PROVIDER_try_load(nullptr, "legacy", 1) != nullptr;
    ERR_clear_error();
    return loaded;
}

Loaded read_pkcs12(const std::string& path, PKCS12* p12, const std::string* password) {
    // An empty password and no password are different MACs; Windows uses
    // either for an "empty" one, so both are tried when none is given.
    std::vector<const char*> tries;
    if (password)
        tries.push_back(password->c_str());
    else
        tries = {"", nullptr};
    const char* pass = password ? password->c_str() : "";
    bool opened = !PKCS12_mac_present(p12);
    for (const char* t : tries)
        if (!opened && PKCS12_verify_mac(p12, t, t ? -1 : 0) == 1) {
            pass = t;
            opened = true;
        }
    ERR_clear_error();
    if (!opened) {
        if (password)
            throw CertFileError(Kind::wrong_password,
                                render(msg("cert_file.pkcs12_wrong_password", {{"path", path}})));
        throw CertFileError(Kind::password_needed,
                            render(msg("cert_file.pkcs12_password_needed", {{"path", path}})));
    }
    EVP_PKEY* key = nullptr;
    X509* cert = nullptr;
    STACK_OF(X509)* ca = nullptr;
    bool parsed = PKCS12_parse(p12, pass, &key, &cert, &ca) == 1;
    if (!parsed && load_legacy_provider()) parsed = PKCS12_parse(p12, pass, &key, &cert, &ca) == 1;
    if (!parsed)
        throw CertFileError(Kind::unsupported,
                            render(msg("cert_file.pkcs12_undecryptable",
                                       {{"path", path}, {"reason", openssl_reason()}})));
    Loaded l{"PKCS#12", {}, own(key)};
    if (cert) l.certs.push_back(own(cert));
    for (int i = 0; ca && i < sk_X509_num(ca); ++i)
        l.certs.push_back(own(sk_X509_value(ca, i)));
    sk_X509_free(ca); // the certificates now belong to l
    if (l.certs.empty())
        throw CertFileError(Kind::not_a_certificate,
                            render(msg("cert_file.pkcs12_no_certificate", {{"path", path}})));
    return l;
}

Loaded read_any(const std::string& path, const std::string& data, const std::string* password) {
    if (data.find("-----BEGIN ") != std::string::npos) return read_pem(path, data, password);
    const auto* begin = reinterpret_cast<const unsigned char*>(data.data());
    const unsigned char* p = begin;
    if (X509* x = d2i_X509(nullptr, &p, static_cast<long>(data.size()))) {
        if (p == begin + data.size()) return Loaded{"DER", {own(x)}, nullptr};
        X509_free(x);
    }
    p = begin;
    if (PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(data.size()))) {
        std::unique_ptr<PKCS12, decltype(&PKCS12_free)> owner(p12, PKCS12_free);
        return read_pkcs12(path, p12, password);
    }
    ERR_clear_error();
    throw CertFileError(Kind::not_a_certificate,
                        render(msg("cert_file.not_a_certificate", {{"path", path}})));
}

bool issued_by(X509* subject, X509* issuer) {
    bool yes = subject != issuer && X509_check_issued(issuer, subject) == X509_V_OK;
    ERR_clear_error();
    return yes;
}

// Certificates by the hash of their subject name, so that finding an
// issuer costs one lookup instead of a pass over the file: a bundle of
// thousands of certificates is read in linear time.
using BySubject = std::unordered_map<unsigned long, std::vector<std::size_t>>;

BySubject by_subject(const std::vector<X509Ptr>& certs) {
    BySubject m;
    for (std::size_t i = 0; i < certs.size(); ++i)
        m[X509_subject_name_hash(certs[i].get())].push_back(i);
    return m;
}

// The certificate the file is for: the one matching the key, else the one
// that issues none of the others.
std::size_t find_leaf(const Loaded& l, const BySubject& subjects) {
    if (l.key)
        for (std::size_t i = 0; i < l.certs.size(); ++i)
            if (X509_check_private_key(l.certs[i].get(), l.key.get()) == 1) return i;
    ERR_clear_error();
    std::vector<bool> issues_another(l.certs.size(), false);
    for (const auto& o : l.certs) {
        auto it = subjects.find(X509_issuer_name_hash(o.get()));
        if (it == subjects.end()) continue;
        for (std::size_t i : it->second)
            if (!issues_another[i] && issued_by(o.get(), l.certs[i].get()))
                issues_another[i] = true;
    }
    auto leaf = std::find(issues_another.begin(), issues_another.end(), false);
    return leaf == issues_another.end() ? 0
                                        : static_cast<std::size_t>(leaf - issues_another.begin());
}

} // namespace

CertFile load_cert_file(const std::string& path, const Secret* password) {
    std::string data;
    try {
        data = read_input_file(path, cert_file_limit, render(msg("input.certificate_file")));
    } catch (const InputError& e) {
        throw CertFileError(Kind::unreadable, e.what());
    }
    if (data.empty())
        throw CertFileError(Kind::not_a_certificate,
                            render(msg("cert_file.empty", {{"path", path}})));

    Loaded l = read_any(path, data, password ? &password->reveal() : nullptr);
    CertFile f;
    f.path = path;
    f.format = l.format;
    f.key = l.key;
    BySubject subjects = by_subject(l.certs);
    std::size_t leaf = find_leaf(l, subjects);
    f.leaf = l.certs[leaf];
    std::vector<bool> used(l.certs.size(), false);
    used[leaf] = true;
    // Walk up from the leaf: each step takes the certificate that issued the last one.
    X509* at = f.leaf.get();
    while (X509_self_signed(at, 0) != 1) {
        auto it = subjects.find(X509_issuer_name_hash(at));
        if (it == subjects.end()) break;
        auto up = std::find_if(it->second.begin(), it->second.end(), [&](std::size_t i) {
            return !used[i] && issued_by(at, l.certs[i].get());
        });
        if (up == it->second.end()) break;
        used[*up] = true;
        f.rest.push_back(l.certs[*up]);
        at = l.certs[*up].get();
    }
    ERR_clear_error();
    for (std::size_t i = 0; i < l.certs.size(); ++i)
        if (!used[i]) f.unrelated.push_back(display_name(l.certs[i].get()));
    return f;
}

} // namespace pf
