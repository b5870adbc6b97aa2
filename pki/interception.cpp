#include "pki/interception.hpp"
#include "base/catalog.hpp"
#include "base/embedded_data.hpp"
#include "base/text.hpp"
#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <memory>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sstream>
#include <stdexcept>

namespace pf {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep))
        if (auto t = trim(part); !t.empty()) out.push_back(t);
    return out;
}

// The DER of every CERTIFICATE block of a PEM file, without parsing it.
void read_pem_der(const std::string& path, std::vector<std::string>& out) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_file(path.c_str(), "r"), BIO_free);
    if (!b) return;
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    while (PEM_read_bio(b.get(), &name, &header, &data, &len) == 1) {
        if (std::strcmp(name, PEM_STRING_X509) == 0 ||
            std::strcmp(name, PEM_STRING_X509_OLD) == 0 ||
            std::strcmp(name, PEM_STRING_X509_TRUSTED) == 0)
            out.emplace_back(reinterpret_cast<const char*>(data), static_cast<std::size_t>(len));
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    }
    ERR_clear_error(); // the end of the file reads as an error
}

std::string der_of(X509* cert) {
    unsigned char* out = nullptr;
    int n = i2d_X509(cert, &out);
    if (n <= 0) return {};
    std::string der(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    return der;
}

std::string der_of(const X509_NAME* name) {
    unsigned char* out = nullptr;
    int n = i2d_X509_NAME(name, &out);
    if (n <= 0) return {};
    std::string der(reinterpret_cast<const char*>(out), static_cast<std::size_t>(n));
    OPENSSL_free(out);
    return der;
}

bool same_root(X509* a, X509* b) {
    // Subject and key rather than the whole certificate: a root re-issued
    // with new dates (or a cross-signed copy) is still the same root.
    return X509_NAME_cmp(X509_get_subject_name(a), X509_get_subject_name(b)) == 0 &&
           EVP_PKEY_eq(X509_get0_pubkey(a), X509_get0_pubkey(b)) == 1;
}

std::string short_fp(const std::string& sha256) {
    return sha256.size() > 23 ? sha256.substr(0, 23) + "…" : sha256;
}

// The --ca-file that holds root (subject and key), if one does.
std::optional<std::string> ca_file_holding(const TrustMaterial& trust, X509* root) {
    for (const auto& [file, certs] : trust.ca_files()) {
        PublicRoots given;
        given.roots = certs;
        if (contains_root(given, root)) return file;
    }
    return std::nullopt;
}

} // namespace

std::vector<InspectionProduct> parse_inspection_products(const std::string& text) {
    std::vector<InspectionProduct> out;
    std::istringstream in(text);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        auto parts = split(line, '|');
        if (parts.size() < 2)
            throw std::runtime_error("tls_inspection_products.txt:" + std::to_string(n) +
                                     ": expected 'Product name|pattern|…'");
        InspectionProduct p{parts[0], {}};
        for (std::size_t i = 1; i < parts.size(); ++i)
            p.patterns.push_back(lower(parts[i]));
        out.push_back(std::move(p));
    }
    return out;
}

std::string_view tls_inspection_products_text() {
    return embedded_data("tls_inspection_products");
}

const std::vector<InspectionProduct>& inspection_products() {
    static const std::vector<InspectionProduct> all =
        parse_inspection_products(std::string(tls_inspection_products_text()));
    return all;
}

const InspectionProduct* match_product(const std::string& subject,
                                       const std::vector<InspectionProduct>& products,
                                       std::string* pattern) {
    std::string s = lower(subject);
    for (const auto& p : products)
        for (const auto& pat : p.patterns)
            if (s.find(pat) != std::string::npos) {
                if (pattern) *pattern = pat;
                return &p;
            }
    return nullptr;
}

PublicRoots load_public_roots(const std::string& location) {
    PublicRoots r;
    r.location = location.empty() ? default_public_roots() : location;
    if (r.location.empty()) {
        r.problem = render(msg("interception.no_public_bundle"));
        return r;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(r.location, ec)) {
        for (fs::recursive_directory_iterator it(r.location, ec), end; !ec && it != end;
             it.increment(ec)) {
            auto ext = lower(it->path().extension().string());
            if (it->is_regular_file(ec) && (ext == ".crt" || ext == ".pem"))
                read_pem_der(it->path().string(), r.der);
        }
    } else if (fs::exists(r.location, ec)) {
        read_pem_der(r.location, r.der);
    } else {
        r.problem = render(msg("interception.public_bundle_missing", {{"location", r.location}}));
        return r;
    }
    std::sort(r.der.begin(), r.der.end());
    if (r.der.empty())
        r.problem =
            render(msg("interception.public_bundle_unreadable", {{"location", r.location}}));
    return r;
}

bool contains_root(const PublicRoots& roots, X509* cert) {
    for (const auto& r : roots.roots)
        if (same_root(r.get(), cert)) return true;
    if (roots.der.empty()) return false;
    auto der = der_of(cert);
    if (std::binary_search(roots.der.begin(), roots.der.end(), der)) return true;
    // Not the same bytes: a re-issued copy still carries the subject's
    // encoding verbatim, so only such candidates are parsed.
    auto subject = der_of(X509_get_subject_name(cert));
    if (subject.empty()) return false;
    for (const auto& candidate : roots.der) {
        if (candidate.find(subject) == std::string::npos) continue;
        const auto* p = reinterpret_cast<const unsigned char*>(candidate.data());
        std::unique_ptr<X509, decltype(&X509_free)> parsed(
            d2i_X509(nullptr, &p, static_cast<long>(candidate.size())), X509_free);
        if (parsed && same_root(parsed.get(), cert)) return true;
    }
    ERR_clear_error();
    return false;
}

Interception detect_interception(const InterceptionInput& in) {
    Interception out;
    std::vector<Message> findings; // most telling first: (a), (b), (c), (d)
    // Findings from the checklist's pins alone may mean a new CA, not a proxy.
    std::size_t pin_findings = 0;
    const TlsVerdict& v = *in.verdict;
    auto evidence = [&](const Message& m) { out.evidence.push_back(render(m)); };

    // (a) An issuer, anywhere in the chain sent or built, names a product.
    // The leaf's own subject is the server's, so it is never matched.
    std::vector<std::string> issuers;
    for (const auto& c : in.sent)
        issuers.push_back(name_text(X509_get_issuer_name(c.get())));
    for (const auto& c : v.path_info)
        issuers.push_back(c.issuer);
    std::string product_issuer, pattern;
    const InspectionProduct* product = nullptr;
    for (const auto& i : issuers)
        if ((product = match_product(i, inspection_products(), &pattern))) {
            product_issuer = i;
            break;
        }
    if (product) {
        out.product = product->name;
        findings.push_back(msg("interception.by_product", {{"product", product->name}}));
        evidence(msg("interception.product_issuer", {{"host", in.host},
                                                     {"issuer", product_issuer},
                                                     {"product", product->name},
                                                     {"pattern", pattern}}));
    } else {
        evidence(msg("interception.no_product"));
    }

    // (b) A chain this machine trusts, ending at a root the public programme
    // does not know: a root someone added, as inspection deployments do.
    if (in.private_ca) {
        evidence(msg("interception.public_check_private_ca", {{"host", in.host}}));
    } else if (!v.trusted) {
        evidence(msg("interception.public_check_untrusted"));
    } else {
        std::unique_ptr<TrustMaterial> own;
        if (!in.trust) own = std::make_unique<TrustMaterial>(*in.tls);
        const TrustMaterial& trust = in.trust ? *in.trust : *own;
        const PublicRoots& pub = trust.public_roots();
        X509* root = v.path.back().get();
        std::string subject = v.path_info.back().subject;
        if (!pub.problem.empty()) {
            evidence(msg("interception.public_check_not_made", {{"problem", pub.problem}}));
        } else if (contains_root(pub, root)) {
            evidence(msg("interception.public_root",
                         {{"subject", subject}, {"location", pub.location}}));
        } else if (auto given = ca_file_holding(trust, root)) {
            // The admin gave this root for this run: nothing was added to the
            // machine, but a host not declared private_ca (a public SaaS
            // host such as AWCM or the Console) has no business ending there.
            findings.push_back(msg("interception.given_root",
                                   {{"host", in.host}, {"subject", subject}, {"file", *given}}));
            evidence(msg("interception.given_root_evidence", {{"subject", subject},
                                                              {"location", pub.location},
                                                              {"file", *given},
                                                              {"host", in.host}}));
        } else {
            findings.push_back(msg("interception.added_root", {{"subject", subject}}));
            evidence(
                msg("interception.added_root_evidence",
                    {{"subject", subject}, {"location", pub.location}, {"count", pub.size()}}));
        }
    }

    // (c) Pins set by the checklist.
    const std::string leaf_issuer =
        in.sent.empty() ? "" : name_text(X509_get_issuer_name(in.sent.front().get()));
    if (!in.pin_issuer.empty()) {
        if (lower(leaf_issuer).find(lower(in.pin_issuer)) == std::string::npos) {
            ++pin_findings;
            findings.push_back(msg("interception.issuer_pin_mismatch",
                                   {{"pin", in.pin_issuer}, {"issuer", leaf_issuer}}));
            evidence(msg("interception.issuer_pin_missing",
                         {{"pin", in.pin_issuer}, {"issuer", leaf_issuer}}));
        } else {
            evidence(msg("interception.issuer_pin_found",
                         {{"pin", in.pin_issuer}, {"issuer", leaf_issuer}}));
        }
    }
    if (!in.pin_spki.empty()) {
        auto pins = split(in.pin_spki, ',');
        std::vector<std::string> have;
        for (const auto& c : in.sent)
            have.push_back(inspect(c.get()).spki_sha256);
        for (const auto& c : v.path_info)
            have.push_back(c.spki_sha256);
        bool ok = std::any_of(pins.begin(), pins.end(), [&](const std::string& p) {
            return std::find(have.begin(), have.end(), p) != have.end();
        });
        std::string leaf_pin = have.empty() ? "" : have.front();
        if (!ok) {
            ++pin_findings;
            findings.push_back(
                msg("interception.key_pin_mismatch",
                    {{"pin", in.pin_spki}, {"key", leaf_pin}, {"issuer", leaf_issuer}}));
            evidence(msg("interception.key_pin_missing", {{"pin", in.pin_spki}}));
        } else {
            evidence(msg("interception.key_pin_found"));
        }
    }

    // (d) The proxy's leaf against the one the server itself sends.
    if (in.proxy_leaf) {
        const CertInfo& p = *in.proxy_leaf;
        if (!in.direct_leaf) {
            evidence(msg("interception.direct_not_made", {{"problem", in.direct_problem}}));
        } else if (in.direct_leaf->sha256 == p.sha256) {
            evidence(msg("interception.direct_same",
                         {{"host", in.host}, {"fingerprint", short_fp(p.sha256)}}));
        } else if (in.direct_leaf->issuer == p.issuer) {
            // Same CA, another certificate: several servers (or a renewal in
            // progress) behind one name, not a proxy re-signing.
            evidence(msg("interception.direct_same_issuer",
                         {{"via_proxy", short_fp(p.sha256)},
                          {"direct", short_fp(in.direct_leaf->sha256)},
                          {"issuer", p.issuer}}));
        } else {
            findings.push_back(
                msg("interception.proxy_resigns", {{"via_proxy", short_fp(p.sha256)},
                                                   {"issuer", p.issuer},
                                                   {"direct", short_fp(in.direct_leaf->sha256)}}));
            evidence(
                msg("interception.direct_differs", {{"proxy", in.proxy_display},
                                                    {"via_proxy", p.sha256},
                                                    {"issuer", p.issuer},
                                                    {"direct", in.direct_leaf->sha256},
                                                    {"direct_issuer", in.direct_leaf->issuer}}));
        }
    }

    if (findings.empty()) return out;
    bool pins_only = pin_findings == findings.size();
    out.detected = true;
    out.message = findings.front();
    out.headline = render(out.message);
    std::string all = out.headline;
    for (std::size_t i = 1; i < findings.size(); ++i)
        all = render(
            msg("interception.findings_joined", {{"findings", all}, {"next", part(findings[i])}}));
    std::string target = in.host + ":" + std::to_string(in.port);
    out.alert =
        render(pins_only ? msg("interception.alert_pins",
                               {{"findings", all}, {"target", target}, {"host", in.host}})
                         : msg("interception.alert", {{"findings", all}, {"target", target}}));
    return out;
}

void add_interceptor(ProbeResult& r, const Interception& x) {
    if (x.detected && !x.product.empty()) r.message.args.emplace_back("interceptor", x.product);
}

} // namespace pf
