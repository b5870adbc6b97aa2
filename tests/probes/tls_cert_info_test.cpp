#include "pki/cert_info.hpp"
#include "support/certs.hpp"
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <memory>
#include <openssl/pem.h>

using namespace pf;

namespace {

// Made once with the openssl tool (the key was thrown away); its values
// below are what `openssl x509 -fingerprint` and the HPKP recipe
// (openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)
// print, so inspect() is checked against an independent implementation.
const char* fixture_pem = R"(-----BEGIN CERTIFICATE-----
MIICWzCCAgKgAwIBAgIUR4tAs5MRTYZDRCa+uGz1E21qp3YwCgYIKoZIzj0EAwIw
QzELMAkGA1UEBhMCREUxGjAYBgNVBAoMEVByZWZsaWdodCBGaXh0dXJlMRgwFgYD
VQQDDA9maXh0dXJlLmV4YW1wbGUwIBcNMjYxMTIyMDM0OTQ1WhgPMjEyNjEwMjkw
MzQ5NDVaMEMxCzAJBgNVBAYTAkRFMRowGAYDVQQKDBFQcmVmbGlnaHQgRml4dHVy
ZTEYMBYGA1UEAwwPZml4dHVyZS5leGFtcGxlMFkwEwYHKoZIzj0CAQYIKoZIzj0D
AQcDQgAEgm5hTWPGNdvZWlUfToKgvonDuyvEHPg+BPaWsX+x2DRm+VGcTSnHCn5H
Z85qroOh4Ia9WFqD84uLguEmAfygVKOB0TCBzjAdBgNVHQ4EFgQUpyqx+z3rfBin
zgoAanQjUPFpZnIwHwYDVR0jBBgwFoAUpyqx+z3rfBinzgoAanQjUPFpZnIwDwYD
VR0TAQH/BAUwAwEB/zBcBgNVHREEVTBTgg9maXh0dXJlLmV4YW1wbGWCESouZml4
dHVyZS5leGFtcGxlhwTAAAIHhxAgAQ24AAAAAAAAAAAAAAABgRVhZG1pbkBmaXh0
dXJlLmV4YW1wbGUwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMAoGCCqG
SM49BAMCA0cAMEQCIEBhuJs/VCMctKhtWB0NNU6nCPZBQF/QzuUyADe3QeADAiBV
3h3629mbvEvskasu8WWe8GyQkuQveU4bvFddvSlYzA==
-----END CERTIFICATE-----
)";

std::shared_ptr<X509> parse(const char* pem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_mem_buf(pem, -1), BIO_free);
    return std::shared_ptr<X509>(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr), X509_free);
}

bool has(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

bool any_line_starts(const std::vector<std::string>& lines, const std::string& prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

} // namespace

BOOST_AUTO_TEST_SUITE(tls_cert_info)

BOOST_AUTO_TEST_CASE(a_fixed_certificate_matches_the_openssl_tool) {
    auto x = parse(fixture_pem);
    BOOST_REQUIRE(x);
    CertInfo c = inspect(x.get());
    BOOST_TEST(c.subject == "CN=fixture.example, O=Preflight Fixture, C=DE");
    BOOST_TEST(c.issuer == c.subject);
    BOOST_TEST(c.sha256 == "B8:65:AF:C8:17:40:69:D9:FF:DF:42:5E:8D:F1:0C:71:4E:6B:5B:9C:F4:CE:7E:"
                           "2C:AF:24:34:39:81:5F:CE:83");
    BOOST_TEST(c.sha1_thumbprint == "654D225940C29AA342264A8112A8A83151690FEC");
    BOOST_TEST(c.spki_sha256 == "afNPbzPW0HJQs+bLu7ON5bYlooNtIF/UIgl7tLGA6tQ=");
    BOOST_TEST(c.not_before == "2026-11-22T03:49:45Z");
    BOOST_TEST(c.not_after == "2126-10-29T03:49:45Z");
    BOOST_TEST(c.key_type == "EC");
    BOOST_TEST(c.key_bits == 256);
    BOOST_TEST(c.signature_algorithm == "ecdsa-with-SHA256");
    BOOST_TEST(c.is_ca); // openssl req -x509 adds CA:TRUE
    BOOST_TEST(c.self_signed);
    BOOST_TEST((c.dns_sans == std::vector<std::string>{"fixture.example", "*.fixture.example"}));
    BOOST_TEST((c.ip_sans == std::vector<std::string>{"192.0.2.7", "2001:db8::1"}));
    BOOST_TEST((c.email_sans == std::vector<std::string>{"admin@fixture.example"}));
    BOOST_TEST((c.ekus == std::vector<std::string>{"serverAuth", "clientAuth"}));
    BOOST_TEST(display_name(c) == "fixture.example");
    BOOST_TEST(display_name(x.get()) == "fixture.example");
}

BOOST_AUTO_TEST_CASE(factory_certificates_show_key_names_and_validity) {
    pft::CertFactory f;
    auto root = f.root({.cn = "Test Root", .org = "Preflight Tests", .key = "rsa2048"});
    auto leaf = f.issue(root, {.cn = "acc.example",
                               .dns_sans = {"acc.example"},
                               .email_sans = {"ops@example.com"},
                               .upn_sans = {"svc-acc@corp.example"},
                               .not_before_days = -10,
                               .not_after_days = 45,
                               .ekus = {"serverAuth"},
                               .key = "ec384"});
    CertInfo r = inspect(root.cert());
    BOOST_TEST(r.key_type == "RSA");
    BOOST_TEST(r.key_bits == 2048);
    BOOST_TEST(r.signature_algorithm == "sha256WithRSAEncryption");
    BOOST_TEST(r.is_ca);
    BOOST_TEST(r.self_signed);
    BOOST_TEST(r.subject == "CN=Test Root, O=Preflight Tests");

    CertInfo l = inspect(leaf.cert());
    BOOST_TEST(l.issuer == r.subject);
    BOOST_TEST(!l.is_ca);
    BOOST_TEST(!l.self_signed);
    BOOST_TEST(l.key_type == "EC");
    BOOST_TEST(l.key_bits == 384);
    BOOST_TEST(l.signature_algorithm == "sha256WithRSAEncryption"); // signed by the RSA root
    BOOST_TEST(has(l.upn_sans, "svc-acc@corp.example"));
    BOOST_TEST(has(l.email_sans, "ops@example.com"));
    BOOST_TEST(l.days_left > 44.9);
    BOOST_TEST(l.days_left < 45.1);
    std::string fp = l.sha256;
    fp.erase(std::remove(fp.begin(), fp.end(), ':'), fp.end());
    BOOST_TEST(fp == leaf.sha256_fingerprint());
    BOOST_TEST(l.spki_sha256.size() == 44u); // base64 of 32 bytes
    BOOST_TEST(l.sha1_thumbprint.size() == 40u);
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_has_negative_days) {
    pft::CertFactory f;
    auto root = f.root({.cn = "Test Root"});
    auto old = f.issue(root, {.cn = "old.example", .not_before_days = -30, .not_after_days = -3});
    CertInfo c = inspect(old.cert());
    BOOST_TEST(c.days_left < -2.9);
    BOOST_TEST(expiry_text(c).find("3 days ago") == 0u, expiry_text(c));
}

BOOST_AUTO_TEST_CASE(describe_lines_give_what_an_admin_compares) {
    auto x = parse(fixture_pem);
    auto lines = describe_lines(inspect(x.get()));
    BOOST_TEST(any_line_starts(lines, "Subject: CN=fixture.example"));
    BOOST_TEST(any_line_starts(lines, "Names: DNS:fixture.example, DNS:*.fixture.example, "
                                      "IP:192.0.2.7, IP:2001:db8::1, email:admin@fixture.example"));
    BOOST_TEST(
        any_line_starts(lines, "SHA-1 thumbprint: 654D225940C29AA342264A8112A8A83151690FEC"));
    BOOST_TEST(any_line_starts(lines, "SPKI SHA-256 (pin): afNPbzPW0HJQs+bLu7ON5bYlooNtIF/"));
    BOOST_TEST(any_line_starts(lines, "Role: CA, self-signed; EKU serverAuth, clientAuth"));
    BOOST_TEST(any_line_starts(lines, "Valid: 2026-11-22T03:49:45Z to 2126-10-29T03:49:45Z"));
}

BOOST_AUTO_TEST_CASE(names_text_falls_back_to_the_subject) {
    pft::CertFactory f;
    auto root = f.root({.cn = "Test Root"});
    auto bare = f.issue(root, {.cn = "bare.example"});
    BOOST_TEST(names_text(inspect(bare.cert())) == "no subjectAltName; subject CN=bare.example");
}

BOOST_AUTO_TEST_SUITE_END()
