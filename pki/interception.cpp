#include "pki/interception.hpp"
#include "base/embedded_data.hpp"
#include "base/text.hpp"
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <memory>
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

void read_pem_file(const std::string& path, std::vector<X509Ptr>& out) {
    auto certs = read_pem_certs(path);
    out.insert(out.end(), certs.begin(), certs.end());
}

std::string short_fp(const std::string& sha256) {
    return sha256.size() > 23 ? sha256.substr(0, 23) + "…" : sha256;
}

std::string in_quotes(const std::string& s) {
    return "'" + s + "'";
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

const std::string& tls_inspection_products_text() {
    return embedded_data("tls_inspection_products");
}

const std::vector<InspectionProduct>& inspection_products() {
    static const std::vector<InspectionProduct> all =
        parse_inspection_products(tls_inspection_products_text());
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
        r.problem = "this platform has no public root bundle to compare with";
        return r;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::is_directory(r.location, ec)) {
        for (fs::recursive_directory_iterator it(r.location, ec), end; !ec && it != end;
             it.increment(ec)) {
            auto ext = lower(it->path().extension().string());
            if (it->is_regular_file(ec) && (ext == ".crt" || ext == ".pem"))
                read_pem_file(it->path().string(), r.roots);
        }
    } else if (fs::exists(r.location, ec)) {
        read_pem_file(r.location, r.roots);
    } else {
        r.problem = "there is no public root bundle at " + r.location;
        return r;
    }
    if (r.roots.empty()) r.problem = "no certificate could be read from " + r.location;
    return r;
}

bool contains_root(const PublicRoots& roots, X509* cert) {
    // Subject and key rather than the whole certificate: a root re-issued
    // with new dates (or a cross-signed copy) is still the same root.
    for (const auto& r : roots.roots)
        if (X509_NAME_cmp(X509_get_subject_name(r.get()), X509_get_subject_name(cert)) == 0 &&
            EVP_PKEY_eq(X509_get0_pubkey(r.get()), X509_get0_pubkey(cert)) == 1)
            return true;
    return false;
}

Interception detect_interception(const InterceptionInput& in) {
    Interception out;
    std::vector<std::string> findings; // most telling first: (a), (b), (c), (d)
    // Findings from the checklist's pins alone may mean a new CA, not a proxy.
    std::size_t pin_findings = 0;
    const TlsVerdict& v = *in.verdict;

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
        findings.push_back("TLS interception by " + product->name);
        out.evidence.push_back("inspection product: the chain of " + in.host + " is issued by " +
                               in_quotes(product_issuer) + ", a " + product->name +
                               " CA (matches " + in_quotes(pattern) + ")");
    } else {
        out.evidence.push_back("inspection product: no issuer of the chain names a known "
                               "TLS-inspection product");
    }

    // (b) A chain this machine trusts, ending at a root the public programme
    // does not know: a root someone added, as inspection deployments do.
    if (in.private_ca) {
        out.evidence.push_back("public-root check: not made (private_ca: " + in.host +
                               " uses the organisation's own CA)");
    } else if (!v.trusted) {
        out.evidence.push_back("public-root check: not made (the chain is not trusted here)");
    } else {
        std::unique_ptr<TrustMaterial> own;
        if (!in.trust) own = std::make_unique<TrustMaterial>(*in.tls);
        const TrustMaterial& trust = in.trust ? *in.trust : *own;
        const PublicRoots& pub = trust.public_roots();
        X509* root = v.path.back().get();
        std::string subject = v.path_info.back().subject;
        if (!pub.problem.empty()) {
            out.evidence.push_back("public-root check: not made (" + pub.problem + ")");
        } else if (contains_root(pub, root)) {
            out.evidence.push_back("public-root check: the root " + in_quotes(subject) +
                                   " is in the public bundle " + pub.location);
        } else if (auto given = ca_file_holding(trust, root)) {
            // The admin gave this root for this run: nothing was added to the
            // machine, but a host not declared private_ca (a public SaaS
            // host such as AWCM or the Console) has no business ending there.
            findings.push_back("intercepted: the chain of " + in.host + " ends at the root " +
                               in_quotes(subject) + " given with --ca-file " + *given +
                               ", not at a public root");
            out.evidence.push_back(
                "public-root check: the root " + in_quotes(subject) +
                " is not in the public "
                "bundle " +
                pub.location +
                "; it is trusted only because it was given on the "
                "command line (--ca-file " +
                *given + "), not added to this machine. " + in.host +
                " is not declared private_ca: a public (SaaS) host presents a chain from a "
                "public CA, so a private root at its end means a device in between re-signs "
                "its traffic, and the ACC, which trusts only the Windows store, will not trust "
                "it unless that root is deployed there");
        } else {
            findings.push_back("intercepted: the chain ends at a locally added root " +
                               in_quotes(subject));
            out.evidence.push_back("public-root check: the root " + in_quotes(subject) +
                                   " is trusted here but is not in the public bundle " +
                                   pub.location + " (" + std::to_string(pub.roots.size()) +
                                   " roots): it was added to this machine");
        }
    }

    // (c) Pins set by the checklist.
    const std::string leaf_issuer =
        in.sent.empty() ? "" : name_text(X509_get_issuer_name(in.sent.front().get()));
    if (!in.pin_issuer.empty()) {
        if (lower(leaf_issuer).find(lower(in.pin_issuer)) == std::string::npos) {
            ++pin_findings;
            findings.push_back("intercepted or replaced: expected issuer " +
                               in_quotes(in.pin_issuer) + ", got " + in_quotes(leaf_issuer));
            out.evidence.push_back("issuer pin: " + in_quotes(in.pin_issuer) + " is not in " +
                                   in_quotes(leaf_issuer));
        } else {
            out.evidence.push_back("issuer pin: " + in_quotes(leaf_issuer) + " contains " +
                                   in_quotes(in.pin_issuer));
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
            findings.push_back("intercepted or replaced: expected key pin " + in.pin_spki +
                               ", got " + leaf_pin + " (leaf issued by " + in_quotes(leaf_issuer) +
                               ")");
            out.evidence.push_back("key pin: no certificate of the chain has the key " +
                                   in.pin_spki);
        } else {
            out.evidence.push_back("key pin: the chain holds a pinned key");
        }
    }

    // (d) The proxy's leaf against the one the server itself sends.
    if (in.proxy_leaf) {
        const CertInfo& p = *in.proxy_leaf;
        if (!in.direct_leaf) {
            out.evidence.push_back("direct comparison: not made: " + in.direct_problem);
        } else if (in.direct_leaf->sha256 == p.sha256) {
            out.evidence.push_back("direct comparison: the leaf via the proxy is the one " +
                                   in.host + " sends directly (" + short_fp(p.sha256) + ")");
        } else if (in.direct_leaf->issuer == p.issuer) {
            // Same CA, another certificate: several servers (or a renewal in
            // progress) behind one name, not a proxy re-signing.
            out.evidence.push_back("direct comparison: the leaf via the proxy (" +
                                   short_fp(p.sha256) + ") differs from the direct one (" +
                                   short_fp(in.direct_leaf->sha256) + ") but both are issued by " +
                                   in_quotes(p.issuer) +
                                   ": several certificates behind one name, not re-signing");
        } else {
            findings.push_back("the proxy re-signs: leaf via proxy " + short_fp(p.sha256) +
                               " issued by " + in_quotes(p.issuer) + ", direct " +
                               short_fp(in.direct_leaf->sha256));
            out.evidence.push_back(
                "direct comparison: via the proxy " + in.proxy_display + " the leaf is " +
                p.sha256 + " issued by " + in_quotes(p.issuer) + "; directly it is " +
                in.direct_leaf->sha256 + " issued by " + in_quotes(in.direct_leaf->issuer));
        }
    }

    if (findings.empty()) return out;
    bool pins_only = pin_findings == findings.size();
    out.detected = true;
    out.headline = findings.front();
    std::string all = findings.front();
    for (std::size_t i = 1; i < findings.size(); ++i)
        all += "; " + findings[i];
    std::string target = in.host + ":" + std::to_string(in.port);
    out.alert = all + ". Ask the network team to exempt " + target +
                " from TLS inspection: the ACC pins nothing and trusts only the Windows "
                "certificate store, so behind inspection it either fails with a trust error or "
                "talks to the inspecting device instead of the real server, and AWCM needs an "
                "unbroken, long-lived TLS connection from the ACC to itself";
    if (pins_only)
        out.alert += " (if " + in.host +
                     " has really moved to another certificate authority, update the check's pin "
                     "instead)";
    return out;
}

} // namespace pf
