#pragma once
#include "base/probe_result.hpp"
#include "core/run_environment.hpp"
#include "pki/cert_info.hpp"
#include "pki/tls_verify.hpp"
#include "pki/trust_material.hpp"
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

// A TLS-inspection product and the names its re-signing CA usually carries.
struct InspectionProduct {
    std::string name;                  // "Zscaler"
    std::vector<std::string> patterns; // case-insensitive substrings of an issuer subject
};

// "Product|pattern|pattern…" per line; '#' starts a comment. Throws
// std::runtime_error naming the line when one has no pattern.
std::vector<InspectionProduct> parse_inspection_products(const std::string& text);

// pki/data/tls_inspection_products.txt, compiled in.
std::string_view tls_inspection_products_text();
const std::vector<InspectionProduct>& inspection_products();

// The first product with a pattern in subject (pattern set to the one that
// matched), or nullptr.
const InspectionProduct* match_product(const std::string& subject,
                                       const std::vector<InspectionProduct>& products,
                                       std::string* pattern = nullptr);

// Reads the public bundle at location (TrustMaterial::public_roots keeps it
// for the run).
PublicRoots load_public_roots(const std::string& location);
// The platform's public bundle (tls_platform_*.cpp); empty when it has none.
std::string default_public_roots();
// Whether cert (subject and key) is among roots.
bool contains_root(const PublicRoots& roots, X509* cert);

struct InterceptionInput {
    std::string host;
    std::uint16_t port = 443;
    std::vector<X509Ptr> sent; // the chain as sent, leaf first
    const TlsVerdict* verdict = nullptr;
    const TlsSettings* tls = nullptr;
    // The run's (run_trust); when null, tls's locations are read for this call.
    const TrustMaterial* trust = nullptr;
    // A server of the organisation's own PKI: a locally added root is
    // expected there, so (b) is not made.
    bool private_ca = false;
    std::string pin_issuer; // a substring the leaf's issuer must contain
    std::string pin_spki;   // base64 SHA-256 SPKI pins, comma-separated: one must be in the chain
    // (d): the leaf seen through the proxy and seen directly. With
    // proxy_leaf set and no direct_leaf, direct_problem says why.
    std::optional<CertInfo> proxy_leaf, direct_leaf;
    std::string direct_problem;
    std::string proxy_display;
};

struct Interception {
    bool detected = false;
    // "TLS interception by Zscaler"; the first (most specific) finding.
    std::string headline;
    Message message; // the headline as data
    // The product an issuer of the chain names ("Zscaler"), empty if none:
    // monitoring shows it beside the reason code, so it is data, not only
    // words of the headline.
    std::string product;
    // For ProbeResult::alert: the findings and what to ask the network team.
    std::string alert;
    std::vector<std::string> evidence; // every test made or not made, and why
};

Interception detect_interception(const InterceptionInput& in);

// Adds the product of a detected interception to r's message as the
// argument "interceptor" (JSON's args, the Nagios status line), whatever
// sentence the message is: call after the message is set.
void add_interceptor(ProbeResult& r, const Interception& x);

} // namespace pf
