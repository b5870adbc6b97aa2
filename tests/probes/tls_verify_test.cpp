#include "pki/tls_verify.hpp"
#include "support/certs.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>

using namespace pf;

namespace pf {
// Boost.Test's customisation point, so a failed comparison prints the diagnosis.
inline std::ostream& boost_test_print_type(std::ostream& o, TlsDiagnosis d) {
    return o << to_string(d);
}
inline std::ostream& boost_test_print_type(std::ostream& o, Status s) {
    return o << to_string(s);
}
} // namespace pf

using pft::any_contains;
using pft::contains;

namespace {

// A private PKI: root → intermediate → leaves, with the root as the only
// trusted certificate (an injected store, never the machine's).
struct Pki {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Test Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight Test CA 1", .ca = true});
    TlsSettings tls;

    Pki() { tls.trust.system_file = pft::CertFactory::write_pem(dir.file("root.pem"), {&root}); }
    pft::Issued leaf(pft::CertSpec spec) {
        if (spec.dns_sans.empty() && spec.ip_sans.empty()) {
            spec.dns_sans = {"acc.example"};
            spec.ip_sans = {"127.0.0.1"};
        }
        if (spec.cn.empty()) spec.cn = "acc.example";
        return f.issue(inter, spec);
    }
    static std::vector<X509Ptr> chain(std::initializer_list<const pft::Issued*> certs) {
        std::vector<X509Ptr> out;
        for (const auto* c : certs)
            out.push_back(share_x509(c->cert()));
        return out;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(tls_verify)

BOOST_AUTO_TEST_CASE(a_complete_chain_to_a_trusted_root_is_trusted) {
    Pki p;
    auto leaf = p.leaf({});
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::trusted, v.summary);
    BOOST_TEST(v.status == Status::pass);
    BOOST_TEST(v.trusted);
    BOOST_TEST(v.name_ok);
    BOOST_TEST(v.path.size() == 3u); // completed with the root from the store
    BOOST_TEST(contains(v.summary, "'acc.example' of acc.example is trusted"), v.summary);
    BOOST_TEST(contains(v.summary, "root 'Preflight Test Root'"), v.summary);
}

BOOST_AUTO_TEST_CASE(an_ip_literal_is_checked_against_ip_names) {
    Pki p;
    auto leaf = p.leaf({});
    BOOST_TEST(verify_chain(Pki::chain({&leaf, &p.inter}), "127.0.0.1", p.tls).status ==
               Status::pass);
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "127.0.0.2", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::name_mismatch, v.summary);
}

BOOST_AUTO_TEST_CASE(a_wrong_name_lists_the_names_the_certificate_has) {
    Pki p;
    auto leaf = p.leaf({.cn = "other.example", .dns_sans = {"other.example", "www.other.example"}});
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::name_mismatch, v.summary);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(v.trusted); // the chain itself is fine
    BOOST_TEST(contains(v.summary, "does not name acc.example (it names DNS:other.example, "
                                   "DNS:www.other.example)"),
               v.summary);
}

BOOST_AUTO_TEST_CASE(an_expired_leaf_says_when) {
    Pki p;
    auto leaf = p.leaf({.not_before_days = -100, .not_after_days = -5});
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::expired, v.summary);
    BOOST_TEST(contains(v.summary, "the server's certificate 'acc.example' of acc.example expired "
                                   "5 days ago"),
               v.summary);
}

BOOST_AUTO_TEST_CASE(an_expired_intermediate_is_named_as_such) {
    Pki p;
    auto old_ca = p.f.issue(
        p.root, {.cn = "Old CA", .not_before_days = -400, .not_after_days = -1, .ca = true});
    auto leaf = p.f.issue(old_ca, {.cn = "acc.example", .dns_sans = {"acc.example"}});
    auto v = verify_chain(Pki::chain({&leaf, &old_ca}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::expired, v.summary);
    BOOST_TEST(contains(v.summary, "the intermediate certificate 'Old CA'"), v.summary);
}

BOOST_AUTO_TEST_CASE(a_certificate_from_the_future_points_at_the_clock) {
    Pki p;
    auto leaf = p.leaf({.not_before_days = 3, .not_after_days = 300});
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::not_yet_valid, v.summary);
    BOOST_TEST(contains(v.summary, "check this machine's clock"), v.summary);
}

BOOST_AUTO_TEST_CASE(a_leaf_sent_without_its_intermediate_is_an_incomplete_chain) {
    Pki p;
    auto leaf = p.leaf({});
    auto v = verify_chain(Pki::chain({&leaf}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::incomplete_chain, v.summary);
    BOOST_TEST(v.status == Status::fail);
    BOOST_TEST(contains(v.summary, "not the intermediate certificate 'CN=Preflight Test CA 1'"),
               v.summary);
    BOOST_TEST(contains(v.summary, "must send its intermediate"), v.summary);
}

BOOST_AUTO_TEST_CASE(a_self_signed_leaf_is_self_signed) {
    Pki p;
    auto self = p.f.root({.cn = "acc.example", .dns_sans = {"acc.example"}});
    auto v = verify_chain(Pki::chain({&self}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::self_signed, v.summary);
    BOOST_TEST(!v.trusted);
    BOOST_TEST(contains(v.summary, "self-signed certificate 'acc.example'"), v.summary);
}

BOOST_AUTO_TEST_CASE(a_chain_to_an_unknown_root_is_untrusted) {
    Pki p;
    pft::CertFactory f;
    auto other_root = f.root({.cn = "Corporate Inspection Root"});
    auto leaf = f.issue(other_root, {.cn = "acc.example", .dns_sans = {"acc.example"}});
    auto v = verify_chain(Pki::chain({&leaf, &other_root}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::untrusted_root, v.summary);
    BOOST_TEST(contains(v.summary, "ends at 'CN=Corporate Inspection Root', which is not in the "
                                   "trust store"),
               v.summary);
    BOOST_TEST(v.path.size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_leaf_expiring_within_the_warning_days_warns) {
    Pki p;
    auto leaf = p.leaf({.not_after_days = 45});
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::expiring_soon, v.summary);
    BOOST_TEST(v.status == Status::warn);
    bool days =
        contains(v.summary, "expires in 44 days") || contains(v.summary, "expires in 45 days");
    BOOST_TEST(days, v.summary);
    BOOST_TEST(contains(v.summary, "warning below 60 days, failure below 30"), v.summary);
}

BOOST_AUTO_TEST_CASE(a_leaf_expiring_within_the_failure_days_fails) {
    Pki p;
    auto leaf = p.leaf({.not_after_days = 10});
    auto v = verify_chain(Pki::chain({&leaf, &p.inter}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::expiring_soon, v.summary);
    BOOST_TEST(v.status == Status::fail);
}

BOOST_AUTO_TEST_CASE(thresholds_come_from_the_settings_and_cover_the_whole_chain) {
    Pki p;
    auto short_ca = p.f.issue(p.root, {.cn = "Short CA", .not_after_days = 20, .ca = true});
    auto leaf = p.f.issue(short_ca, {.cn = "acc.example", .dns_sans = {"acc.example"}});
    auto v = verify_chain(Pki::chain({&leaf, &short_ca}), "acc.example", p.tls);
    BOOST_TEST(v.status == Status::fail, v.summary);
    BOOST_TEST(contains(v.summary, "the intermediate certificate 'Short CA'"), v.summary);
    p.tls.expiry_warn_days = 15;
    p.tls.expiry_fail_days = 5;
    BOOST_TEST(verify_chain(Pki::chain({&leaf, &short_ca}), "acc.example", p.tls).status ==
               Status::pass);
}

BOOST_AUTO_TEST_CASE(every_problem_is_in_the_evidence) {
    Pki p;
    auto leaf = p.leaf({.cn = "other.example",
                        .dns_sans = {"other.example"},
                        .not_before_days = -100,
                        .not_after_days = -5});
    auto v = verify_chain(Pki::chain({&leaf}), "acc.example", p.tls);
    BOOST_TEST(v.diagnosis == TlsDiagnosis::incomplete_chain, v.summary);
    BOOST_TEST(any_contains(v.evidence, "certificate has expired"));
    BOOST_TEST(any_contains(v.evidence, "name: acc.example is not among DNS:other.example"));
}

BOOST_AUTO_TEST_CASE(an_unreadable_trust_store_throws) {
    Pki p;
    auto leaf = p.leaf({});
    p.tls.trust.system_file = p.dir.write("bad.pem", "not a certificate");
    BOOST_CHECK_THROW(verify_chain(Pki::chain({&leaf}), "acc.example", p.tls), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
