// Certificate files as an admin is about to install them: every case the
// certificate renewal guide and the EAS certificate authentication guide's client certificates can
// go wrong with, made here with OpenSSL, judged by the library and by the cert-file probe.
#include "probes/tls/cert_file_probe.hpp"
#include "support/certs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace pf;
using pft::any_contains;
using pft::contains;

namespace {

// The file read with the password as the plan would hand it over.
CertFile load_with_password(const std::string& path, std::optional<std::string> password) {
    if (!password) return load_cert_file(path, nullptr);
    Secret s(*password, "env:TEST");
    return load_cert_file(path, &s);
}

const std::string secret = "Pfx-S3cret-Wombat";

// root → intermediate → leaves; the root is the whole trust store.
struct Pki {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Cert Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight Cert CA 1", .ca = true});
    CertCheckOptions opts;
    int n = 0;

    Pki() {
        opts.tls.trust.system_file = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
    }
    pft::Issued leaf(pft::CertSpec spec = {}) {
        if (spec.cn.empty()) spec.cn = "cn.uem.example";
        if (spec.dns_sans.empty() && spec.ip_sans.empty()) spec.dns_sans = {spec.cn};
        if (spec.ekus.empty()) spec.ekus = {"serverAuth"};
        return f.issue(inter, spec);
    }
    std::string name(const std::string& ext) { return dir.file("c" + std::to_string(++n) + ext); }
    std::string pfx(const pft::Issued& leaf, std::vector<const pft::Issued*> chain) {
        return pft::CertFactory::write_pkcs12(name(".pfx"), leaf, chain, secret);
    }
    std::string full_pfx(const pft::Issued& leaf) { return pfx(leaf, {&inter, &root}); }
    // A PEM file with the chain given and the key of key_of.
    std::string pem(std::vector<const pft::Issued*> certs, const pft::Issued* key_of) {
        auto path = pft::CertFactory::write_pem(name(".pem"), certs);
        if (key_of) {
            std::ofstream(path, std::ios::app) << key_of->key_pem();
        }
        return path;
    }
    std::vector<CertCheck> checks(const std::string& path,
                                  std::optional<std::string> password = secret) {
        return check_cert_file(load_with_password(path, password), opts);
    }
};

const CertCheck& find(const std::vector<CertCheck>& v, const std::string& id) {
    for (const auto& c : v)
        if (c.id == id) return c;
    BOOST_FAIL("no check " << id);
    return v.front();
}

// Every check of a good file passes; the named one has the verdict and
// words given.
void only_problem(const std::vector<CertCheck>& v, const std::string& id, Status s,
                  const std::string& words) {
    for (const auto& c : v) {
        if (c.id == id) {
            BOOST_TEST(c.status == s, id << ": " << c.summary);
            BOOST_TEST(contains(c.summary, words), id << ": " << c.summary);
        } else {
            BOOST_TEST(c.status == Status::pass, c.id << ": " << c.summary);
        }
    }
}

std::string sha1_hex(X509* x) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    X509_digest(x, EVP_sha1(), md, &len);
    std::string out;
    char buf[3];
    for (unsigned i = 0; i < len; ++i) {
        std::snprintf(buf, sizeof buf, "%02X", md[i]);
        out += buf;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cert_file)

BOOST_AUTO_TEST_CASE(a_pfx_with_its_chain_passes_and_gives_the_arm_cert_id) {
    Pki p;
    auto leaf = p.leaf();
    auto path = p.full_pfx(leaf);
    CertFile f = load_with_password(path, secret);
    BOOST_TEST(f.format == "PKCS#12");
    BOOST_TEST(static_cast<bool>(f.key));
    BOOST_TEST(f.rest.size() == 2u);
    auto v = check_cert_file(f, p.opts);
    BOOST_TEST(v.size() == 5u);
    for (const auto& c : v)
        BOOST_TEST(c.status == Status::pass, c.id << ": " << c.summary);
    BOOST_TEST(contains(find(v, "chain").summary, "complete: 'cn.uem.example' > 'Preflight Cert "
                                                  "CA 1' > 'Preflight Cert Root'"));
    BOOST_TEST(contains(find(v, "key").summary, "matches 'cn.uem.example'"));
    // IIS and ARM's certId: 40 uppercase hex digits, no spaces or colons.
    std::string id = arm_cert_id_line(f);
    BOOST_TEST(id == "certId (ARM): " + sha1_hex(leaf.cert()));
    BOOST_TEST(id.find(' ', 14) == std::string::npos);
    auto rows = certificate_rows(f);
    BOOST_TEST(rows.size() == 3u);
    BOOST_TEST(rows[0].role == "leaf");
    BOOST_TEST(rows[1].role == "intermediate");
    BOOST_TEST(rows[2].role == "root");
    BOOST_TEST(rows[0].sha1_thumbprint == sha1_hex(leaf.cert()));
    BOOST_TEST(rows[0].key == "EC 256");
}

BOOST_AUTO_TEST_CASE(pem_and_der_files_are_read) {
    Pki p;
    auto leaf = p.leaf();
    // The chain in any order: the file is for the certificate the key opens.
    auto pem = p.pem({&p.inter, &leaf}, &leaf);
    CertFile f = load_with_password(pem, std::nullopt);
    BOOST_TEST(f.format == "PEM");
    BOOST_TEST(display_name(f.leaf.get()) == "cn.uem.example");
    for (const auto& c : check_cert_file(f, p.opts))
        BOOST_TEST(c.status == Status::pass, c.id << ": " << c.summary);

    auto der = p.name(".cer");
    unsigned char* bytes = nullptr;
    int len = i2d_X509(leaf.cert(), &bytes);
    std::ofstream(der, std::ios::binary).write(reinterpret_cast<char*>(bytes), len);
    OPENSSL_free(bytes);
    CertFile d = load_with_password(der, std::nullopt);
    BOOST_TEST(d.format == "DER");
    auto v = check_cert_file(d, p.opts);
    // A lone certificate: no key to install it with, and no intermediate.
    BOOST_TEST(find(v, "key").status == Status::warn);
    BOOST_TEST(contains(find(v, "key").summary, "no private key"));
    BOOST_TEST(find(v, "chain").status == Status::fail);
}

BOOST_AUTO_TEST_CASE(an_encrypted_pem_key_opens_with_its_password_only) {
    Pki p;
    auto leaf = p.leaf();
    auto path = pft::CertFactory::write_pem(p.name(".pem"), {&leaf, &p.inter});
    {
        std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_file(path.c_str(), "a"), BIO_free);
        BOOST_TEST_REQUIRE(PEM_write_bio_PKCS8PrivateKey(b.get(), leaf.key(), EVP_aes_256_cbc(),
                                                         nullptr, 0, nullptr,
                                                         const_cast<char*>(secret.c_str())) == 1);
    }
    for (const auto& c : p.checks(path, secret))
        BOOST_TEST(c.status == Status::pass, c.id << ": " << c.summary);
    try {
        load_with_password(path, std::string("wrong-one"));
        BOOST_FAIL("opened with a wrong password");
    } catch (const CertFileError& e) {
        BOOST_TEST((e.kind == CertFileError::Kind::wrong_password));
        BOOST_TEST(std::string(e.what()) ==
                   path + ": wrong password for the encrypted private key");
    }
    try {
        load_with_password(path, std::nullopt);
        BOOST_FAIL("opened without a password");
    } catch (const CertFileError& e) {
        BOOST_TEST((e.kind == CertFileError::Kind::password_needed));
    }
}

BOOST_AUTO_TEST_CASE(expiry_warns_below_60_days_and_fails_below_30) {
    Pki p;
    only_problem(p.checks(p.full_pfx(p.leaf({.not_before_days = -400, .not_after_days = -3}))),
                 "expiry", Status::fail, "expired: the certificate 'cn.uem.example' expired ");
    only_problem(p.checks(p.full_pfx(p.leaf({.not_after_days = 45}))), "expiry", Status::warn,
                 "expiring soon: the certificate 'cn.uem.example' expires in 4");
    only_problem(p.checks(p.full_pfx(p.leaf({.not_after_days = 10}))), "expiry", Status::fail,
                 "expiring soon: the certificate 'cn.uem.example' expires in ");
    // The thresholds are the caller's.
    p.opts.tls.expiry_warn_days = 20;
    p.opts.tls.expiry_fail_days = 5;
    only_problem(p.checks(p.full_pfx(p.leaf({.not_after_days = 10}))), "expiry", Status::warn,
                 "warning below 20 days, failure below 5");
}

// The leaf alone being valid is not enough: a client checks the dates of
// every certificate it chains through.
BOOST_AUTO_TEST_CASE(an_intermediate_not_yet_valid_or_expired_fails_the_expiry_check) {
    Pki p;
    auto future = p.f.issue(p.root, {.cn = "Future CA", .not_before_days = 2, .ca = true});
    auto leaf1 = p.f.issue(
        future, {.cn = "cn.uem.example", .dns_sans = {"cn.uem.example"}, .ekus = {"serverAuth"}});
    auto v = p.checks(p.pfx(leaf1, {&future, &p.root}));
    only_problem(v, "expiry", Status::fail,
                 "not yet valid: the intermediate certificate 'Future CA' of the chain is valid "
                 "only from ");
    auto old = p.f.issue(
        p.root, {.cn = "Old CA", .not_before_days = -400, .not_after_days = -2, .ca = true});
    auto leaf2 = p.f.issue(
        old, {.cn = "cn.uem.example", .dns_sans = {"cn.uem.example"}, .ekus = {"serverAuth"}});
    only_problem(p.checks(p.pfx(leaf2, {&old, &p.root})), "expiry", Status::fail,
                 "expired: the intermediate certificate 'Old CA' expired ");
}

// A bundle with the root first and the leaf last made each step up the
// chain search the whole file: ten times the certificates took a hundred
// times as long (10,000: 38 s). Ten times as many may now take about ten
// times as long.
BOOST_AUTO_TEST_CASE(a_long_bundle_in_reverse_order_is_read_in_linear_time) {
    pft::TempDir dir;
    pft::CertFactory f;
    std::vector<pft::Issued> chain{f.root({.cn = "c0"})};
    while (chain.size() < 10000)
        chain.push_back(
            f.issue(chain.back(), {.cn = "c" + std::to_string(chain.size()), .ca = true}));
    auto seconds = [&](std::size_t n) {
        std::vector<const pft::Issued*> certs;
        for (std::size_t i = 0; i < n; ++i)
            certs.push_back(&chain[i]);
        auto path = pft::CertFactory::write_pem(dir.file(std::to_string(n) + ".pem"), certs);
        auto t0 = std::chrono::steady_clock::now();
        auto file = load_cert_file(path, nullptr);
        BOOST_TEST(file.rest.size() == n - 1);
        check_cert_file(file, {});
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    double small = seconds(1000), large = seconds(10000);
    BOOST_TEST(large < 30 * small,
               "1,000 certificates " << small << " s, 10,000 " << large << " s");
}

BOOST_AUTO_TEST_CASE(a_missing_intermediate_is_an_incomplete_chain) {
    Pki p;
    auto leaf = p.leaf();
    only_problem(p.checks(p.pfx(leaf, {})), "chain", Status::fail, "incomplete chain: ");
    auto v = p.checks(p.pfx(leaf, {}));
    BOOST_TEST(contains(find(v, "chain").summary, "not the certificate 'CN=Preflight Cert CA 1'"));
    BOOST_TEST(contains(find(v, "chain").summary, "intermediate certificates"));
}

BOOST_AUTO_TEST_CASE(a_pfx_without_the_root_is_complete_unless_the_whole_chain_is_required) {
    Pki p;
    auto leaf = p.leaf();
    auto path = p.pfx(leaf, {&p.inter});
    only_problem(p.checks(path), "chain", Status::pass, "'Preflight Cert Root' (trust store)");
    // AWCM's installer wants the entire chain in the file.
    p.opts.full_chain = true;
    only_problem(p.checks(path), "chain", Status::warn,
                 "not the entire chain: " + path + " lacks 'Preflight Cert Root'");
    only_problem(p.checks(p.full_pfx(leaf)), "chain", Status::pass, "complete");
}

BOOST_AUTO_TEST_CASE(a_root_in_the_file_that_this_machine_does_not_trust_warns) {
    Pki p;
    pft::CertFactory other;
    auto root = other.root({.cn = "Private Root"});
    auto leaf = other.issue(root, {.cn = "cn.uem.example", .dns_sans = {"cn.uem.example"}});
    only_problem(p.checks(p.pfx(leaf, {&root})), "chain", Status::warn,
                 "untrusted root: the chain of 'cn.uem.example' is complete up to the root "
                 "'Private Root'");
}

BOOST_AUTO_TEST_CASE(a_key_that_does_not_match_fails) {
    Pki p;
    auto leaf = p.leaf();
    auto stranger = p.leaf({.cn = "other.uem.example"});
    only_problem(p.checks(p.pem({&leaf, &p.inter}, &stranger), std::nullopt), "key", Status::fail,
                 "key mismatch: the private key in ");
}

BOOST_AUTO_TEST_CASE(rsa_1024_and_a_sha1_signature_fail) {
    Pki p;
    only_problem(p.checks(p.full_pfx(p.leaf({.key = "rsa1024"}))), "key_size", Status::fail,
                 "weak key: 'cn.uem.example' has a RSA key of 1024 bits");
    auto rsa = p.checks(p.full_pfx(p.leaf({.key = "rsa2048"})));
    BOOST_TEST(find(rsa, "key_size").summary == "RSA 2048 bits");
    only_problem(p.checks(p.full_pfx(p.leaf({.digest = "sha1"}))), "signature", Status::fail,
                 "weak signature: 'cn.uem.example' is signed with SHA-1");
}

BOOST_AUTO_TEST_CASE(a_wrong_password_or_a_corrupt_file_is_a_clear_error) {
    Pki p;
    auto path = p.full_pfx(p.leaf());
    auto error_of = [](const std::string& file, std::optional<std::string> pw) {
        try {
            load_with_password(file, pw);
        } catch (const CertFileError& e) {
            return std::pair{e.kind, std::string(e.what())};
        }
        return std::pair{CertFileError::Kind::unsupported, std::string("(opened)")};
    };
    auto [kind, what] = error_of(path, "not-the-password");
    BOOST_TEST((kind == CertFileError::Kind::wrong_password));
    BOOST_TEST(what == path + ": wrong PKCS#12 password");
    auto [kind2, what2] = error_of(path, std::nullopt);
    BOOST_TEST((kind2 == CertFileError::Kind::password_needed));
    BOOST_TEST(contains(what2, "protected by a password, and none was given"));

    pft::TempDir d;
    auto junk = d.write("junk.pfx", std::string("\x30\x82\x01\x00garbage", 11));
    auto [kind3, what3] = error_of(junk, secret);
    BOOST_TEST((kind3 == CertFileError::Kind::not_a_certificate));
    BOOST_TEST(what3 == junk + ": not a certificate (PEM, DER or PKCS#12 expected)");
    // A truncated .pfx: the first half of a good one.
    auto whole = pft::read_file(path);
    auto cut = d.write("cut.pfx", whole.substr(0, whole.size() / 2));
    BOOST_TEST((error_of(cut, secret).first == CertFileError::Kind::not_a_certificate));
    auto empty = d.write("empty.pem", "");
    BOOST_TEST(error_of(empty, secret).second == empty + ": the file is empty");
    auto key_only = d.write("key.pem", p.root.key_pem());
    BOOST_TEST(error_of(key_only, secret).second == key_only + ": holds no certificate");
    BOOST_TEST(error_of(d.file("missing.pem"), secret).second ==
               d.file("missing.pem") +
                   ": cannot use it as a certificate file: No such file or directory");
#ifndef _WIN32
    // Not a regular file: refused without reading it (it would never end).
    BOOST_TEST(error_of("/dev/zero", secret).second ==
               "/dev/zero: cannot use it as a certificate file: it is a device, not a regular "
               "file");
#endif
}

BOOST_AUTO_TEST_CASE(eas_client_certificates_need_client_auth_and_email_and_upn_sans) {
    Pki p;
    p.opts.profile = CertProfile::eas_client;
    auto client = [&](std::vector<std::string> ekus, bool email, bool upn) {
        pft::CertSpec s{.cn = "alice"};
        if (email) s.email_sans = {"alice@corp.example"};
        if (upn) s.upn_sans = {"alice@corp.local"};
        s.ekus = std::move(ekus);
        return p.checks(p.full_pfx(p.f.issue(p.inter, s)));
    };
    auto good = client({"clientAuth"}, true, true);
    BOOST_TEST(good.size() == 7u);
    for (const auto& c : good)
        BOOST_TEST(c.status == Status::pass, c.id << ": " << c.summary);
    BOOST_TEST(find(good, "san").summary ==
               "'alice' has Email alice@corp.example and Principal name alice@corp.local");

    only_problem(client({"serverAuth"}, true, true), "eku", Status::fail,
                 "missing EKU: 'alice' does not contain Client Authentication (clientAuth) in "
                 "the Enhanced Key Usage section (it has serverAuth)");
    // No EKU extension at all is not good enough for the EAS certificate authentication guide
    // either.
    only_problem(client({}, true, true), "eku", Status::fail, "(it has none)");
    only_problem(client({"clientAuth"}, false, true), "san", Status::fail,
                 "has no Subject Alternative Name with an Email:");
    only_problem(client({"clientAuth"}, true, false), "san", Status::fail,
                 "with a Principal name:");
    only_problem(client({"clientAuth"}, false, false), "san", Status::fail,
                 "with an Email and a Principal name: the template is incorrect or the "
                 "certificate authority has not been configured to accept SAN");
}

BOOST_AUTO_TEST_CASE(server_certificates_need_server_auth_and_the_host_name) {
    Pki p;
    p.opts.profile = CertProfile::server;
    p.opts.host = "cn.uem.example";
    auto path = p.full_pfx(p.leaf());
    auto v = p.checks(path);
    BOOST_TEST(v.size() == 7u);
    for (const auto& c : v)
        BOOST_TEST(c.status == Status::pass, c.id << ": " << c.summary);
    p.opts.host = "ds.uem.example";
    only_problem(p.checks(path), "name", Status::fail,
                 "name mismatch: 'cn.uem.example' does not name ds.uem.example (it names "
                 "DNS:cn.uem.example)");
    // The name in the common name only: not enough.
    auto cn_only = p.f.issue(p.inter, {.cn = "cn.uem.example", .ekus = {"serverAuth"}});
    p.opts.host = "cn.uem.example";
    only_problem(p.checks(p.full_pfx(cn_only)), "name", Status::fail,
                 "request the certificate with cn.uem.example in its subjectAltName");
    only_problem(p.checks(p.full_pfx(p.leaf({.ekus = {"clientAuth"}}))), "eku", Status::fail,
                 "does not contain Server Authentication (serverAuth)");
}

BOOST_AUTO_TEST_CASE(apns_certificates_give_their_topic_from_the_subject_uid) {
    Pki p;
    p.opts.profile = CertProfile::apns;
    auto apns = p.leaf({.cn = "APSP:1b2c3d4e",
                        .dns_sans = {"unused.example"},
                        .ekus = {"clientAuth"},
                        .uid = "com.apple.mgmt.External.1b2c3d4e"});
    auto v = p.checks(p.full_pfx(apns));
    only_problem(v, "topic", Status::pass, "APNs topic com.apple.mgmt.External.1b2c3d4e");
    only_problem(p.checks(p.full_pfx(p.leaf())), "topic", Status::fail,
                 "not an APNs certificate: the subject of 'cn.uem.example' has no UID");
    // An APNs certificate is valid one year: one about to lapse is caught.
    auto old = p.leaf({.cn = "APSP:1b2c3d4e",
                       .dns_sans = {"unused.example"},
                       .not_before_days = -355,
                       .not_after_days = 10,
                       .uid = "com.apple.mgmt.External.1b2c3d4e"});
    BOOST_TEST(find(p.checks(p.full_pfx(old)), "expiry").status == Status::fail);
}

// The plan reads the password from its source before the probe starts
// (tests/core/plan_test.cpp; tests/cli give env: and file: sources).
BOOST_AUTO_TEST_CASE(the_probe_opens_the_file_with_its_password_and_never_shows_it) {
    Pki p;
    RunEnvironment env;
    env.tls = p.opts.tls;
    const std::string right = secret, wrong = "Wrong-Guess-123";
    const ProbeKind kind = cert_file_probe();
    auto good = p.full_pfx(p.leaf());
    auto r = test::run_probe(kind, env, {{"path", good}, {"password", right}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "passes all 5 checks"), r.summary);
    // The sentence comes from the catalog, so a translation can replace it.
    BOOST_TEST(r.message.key == "cert_file.passes_all");
    BOOST_TEST(any_contains(r.evidence, "certId (ARM): "));
    BOOST_TEST(r.certificates.size() == 3u);

    auto expiring = p.full_pfx(p.leaf({.not_after_days = 45}));
    r = test::run_probe(
        kind, env,
        {{"path", expiring}, {"password", right}, {"expiry_warn", "40"}, {"expiry_fail", "20"}});
    BOOST_TEST(r.status == Status::pass, "the check's own thresholds: " << r.summary);

    r = test::run_probe(kind, env, {{"path", good}, {"password", wrong}});
    BOOST_TEST(r.status == Status::error);
    BOOST_TEST(r.summary == good + ": wrong PKCS#12 password");

    BOOST_TEST(!contains(r.summary, wrong));

    r = test::run_probe(kind, env, {{"path", p.dir.file("none.pfx")}});
    BOOST_TEST(r.status == Status::error);
    BOOST_TEST(contains(r.summary, "cannot use it as a certificate file"));
}

// check=ID, as `preflight cert` runs each check of a file on its own.
BOOST_AUTO_TEST_CASE(one_check_alone_and_whether_the_file_opens) {
    Pki p;
    RunEnvironment env;
    env.tls = p.opts.tls;
    const ProbeKind kind = cert_file_probe();
    auto weak = p.full_pfx(p.leaf({.key = "rsa1024"}));
    auto r = test::run_probe(kind, env, {{"path", weak}, {"password", secret}, {"check", "load"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST((r.reason == Reason::ok));
    BOOST_TEST(r.summary == weak + " opens as PKCS#12, with a private key");
    // `preflight cert` prints the certId line from the load check's message.
    const auto& args = r.message.args;
    BOOST_TEST(std::any_of(args.begin(), args.end(), [](const auto& a) {
        return a.first == "cert_id" && a.second.starts_with("certId (ARM): ");
    }));
    BOOST_TEST(r.certificates.size() == 3u);
    BOOST_TEST(any_contains(r.evidence, "certId (ARM): "));

    r = test::run_probe(kind, env, {{"path", weak}, {"password", secret}, {"check", "key_size"}});
    BOOST_TEST(r.status == Status::fail, r.summary);
    BOOST_TEST(contains(r.summary, "weak key"), r.summary);
    BOOST_TEST(r.message.key == "cert.weak_key");
    BOOST_TEST(r.certificates.empty());
    r = test::run_probe(kind, env, {{"path", weak}, {"password", secret}, {"check", "chain"}});
    BOOST_TEST(r.status == Status::pass, r.summary);

    // A missing file is the run's input; a corrupt one a finding.
    r = test::run_probe(kind, env, {{"path", p.dir.file("none.pfx")}, {"check", "load"}});
    BOOST_TEST(r.status == Status::error);
    BOOST_TEST((r.reason == Reason::bad_input));
    auto junk = p.dir.write("junk.pem", "not a certificate\n");
    r = test::run_probe(kind, env, {{"path", junk}, {"check", "key"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST((r.reason == Reason::file_problem));

    // A check of another profile is refused before the run.
    BOOST_TEST(test::declaration_refuses(kind, {{"path", weak}, {"check", "topic"}}) ==
               "check: expected a check of profile none (topic is one of profile apns)");
    BOOST_TEST(test::declaration_refuses(
                   kind, {{"path", weak}, {"check", "eku"}, {"profile", "eas-client"}}) == "");
}

BOOST_AUTO_TEST_SUITE_END()
