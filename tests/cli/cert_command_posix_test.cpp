// `preflight cert FILE…` as an admin runs it before a renewal: the verdict of
// every certificate check in the console, HTML, JUnit and JSON outputs, the
// thumbprint line ready for ARM's certId, Nagios exit codes, and a PFX
// password that never appears in any output.
#include "support/certs.hpp"
#include "support/processes.hpp"
#include "support/report_run.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>

using pft::contains;
using pft::json;
using pft::preflight_run;
using pft::Run;
using pft::verdict_everywhere;
using pft::words_everywhere;

namespace {

const std::string secret = "Renewal-Pfx-Pa55phrase";

struct Files {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight CLI Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight CLI CA 1", .ca = true});
    std::string root_pem = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
    int n = 0;

    Files() { setenv("PF_CERT_TEST_PASSWORD", secret.c_str(), 1); }
    ~Files() { unsetenv("PF_CERT_TEST_PASSWORD"); }

    pft::Issued leaf(pft::CertSpec spec = {}) {
        if (spec.cn.empty()) spec.cn = "arm.uem.example";
        if (spec.dns_sans.empty()) spec.dns_sans = {spec.cn};
        if (spec.ekus.empty()) spec.ekus = {"serverAuth"};
        return f.issue(inter, spec);
    }
    std::string pfx(const std::string& name, const pft::Issued& leaf,
                    std::vector<const pft::Issued*> chain) {
        return pft::CertFactory::write_pkcs12(dir.file(name), leaf, chain, secret);
    }
    std::string pfx(const std::string& name, const pft::Issued& leaf) {
        return pfx(name, leaf, {&inter, &root});
    }
    // `preflight cert` with every report, the password from the environment
    // and the test root as the whole trust store.
    std::unique_ptr<Run> cert(const std::string& tag, std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"--password", "env:PF_CERT_TEST_PASSWORD", "--trust-store", root_pem});
        return preflight_run(dir, tag, args, "cert");
    }
};

// The password in no output: console, errors, or any report file.
void no_password_anywhere(const Run& r, const std::string& password) {
    for (const auto& [what, text] : {std::pair{"stdout", &r.proc.out},
                                     {"stderr", &r.proc.err},
                                     {"HTML", &r.html},
                                     {"JUnit", &r.junit_text},
                                     {"JSON", &r.json_text}})
        BOOST_TEST(!contains(*text, password), what << " shows the password");
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_cert)

BOOST_AUTO_TEST_CASE(a_good_pfx_passes_every_check_and_prints_the_arm_cert_id) {
    Files fs;
    auto leaf = fs.leaf();
    auto path = fs.pfx("arm.pfx", leaf);
    auto r = fs.cert("good", {"--profile", "server", "--host", "arm.uem.example", path});
    BOOST_TEST(r->proc.exit_code == 0, r->proc.out << r->proc.err);
    for (auto id : {"file1.key", "file1.chain", "file1.expiry", "file1.key_size", "file1.signature",
                    "file1.eku", "file1.name"})
        verdict_everywhere(*r, id, "pass");
    words_everywhere(*r, "file1.chain",
                     "complete: 'arm.uem.example' > 'Preflight CLI CA 1' > 'Preflight CLI Root'");
    // One JUnit testcase per certificate check.
    std::size_t cases = 0;
    for (auto s : r->junit.child("testsuites").children("testsuite"))
        for (auto tc : s.children("testcase")) {
            (void)tc;
            ++cases;
        }
    BOOST_TEST(cases == 7u);

    // Ready to paste: uppercase hex, no spaces or colons.
    const auto& rows = r->check("file1.key")["certificates"];
    BOOST_TEST_REQUIRE(rows.size() == 3u);
    std::string thumb = rows[0]["sha1_thumbprint"].get<std::string>();
    BOOST_TEST(thumb.size() == 40u);
    BOOST_TEST(thumb.find_first_not_of("0123456789ABCDEF") == std::string::npos, thumb);
    BOOST_TEST(contains(r->proc.out, "\n  certId (ARM): " + thumb + "\n"), r->proc.out);
    BOOST_TEST(rows[0]["role"] == "leaf");
    BOOST_TEST(rows[2]["role"] == "root");
    BOOST_TEST(rows[0]["sha256"].get<std::string>().size() == 95u);
    // The HTML certificate table carries the same thumbprint.
    BOOST_TEST(contains(r->html, "<h2>Certificates</h2>"));
    BOOST_TEST(contains(r->html, "<td class=\"thumb\">" + thumb + "</td>"));
    BOOST_TEST(contains(r->junit_details("file1.key"), "certId (ARM): " + thumb));
    no_password_anywhere(*r, secret);
}

BOOST_AUTO_TEST_CASE(each_file_fault_has_its_verdict_in_every_output) {
    Files fs;
    auto good = fs.pfx("good.pfx", fs.leaf());
    auto days45 = fs.pfx("45.pfx", fs.leaf({.not_after_days = 45}));
    auto days10 = fs.pfx("10.pfx", fs.leaf({.not_after_days = 10}));
    auto expired = fs.pfx("expired.pfx", fs.leaf({.not_before_days = -400, .not_after_days = -1}));
    auto lone = fs.pfx("lone.pfx", fs.leaf(), {});
    auto weak = fs.pfx("weak.pfx", fs.leaf({.key = "rsa1024"}));
    auto sha1 = fs.pfx("sha1.pfx", fs.leaf({.key = "rsa2048", .digest = "sha1"}));
    auto other = fs.leaf({.cn = "other.uem.example"});
    auto mismatch = pft::CertFactory::write_pem(fs.dir.file("mismatch.pem"), {&other, &fs.inter});
    std::ofstream(mismatch, std::ios::app) << fs.leaf().key_pem();

    auto warn = fs.cert("warn", {good, days45});
    BOOST_TEST(warn->proc.exit_code == 1, warn->proc.out);
    verdict_everywhere(*warn, "file1.expiry", "pass");
    verdict_everywhere(*warn, "file2.expiry", "warn");
    words_everywhere(*warn, "file2.expiry",
                     "expiring soon: the certificate 'arm.uem.example' "
                     "expires in 4");

    auto r = fs.cert("faults", {days10, expired, lone, weak, sha1, mismatch});
    BOOST_TEST(r->proc.exit_code == 2);
    struct Case {
        std::string id, words;
    };
    for (const auto& c : std::vector<Case>{
             {"file1.expiry", "expiring soon: the certificate 'arm.uem.example' expires in "},
             {"file2.expiry", "expired: the certificate 'arm.uem.example' expired"},
             {"file3.chain", "incomplete chain: "},
             {"file4.key_size", "weak key: 'arm.uem.example' has a RSA key of 1024 bits"},
             {"file5.signature", "is signed with SHA-1"},
             {"file6.key", "key mismatch: "},
         }) {
        verdict_everywhere(*r, c.id, "fail");
        words_everywhere(*r, c.id, c.words);
    }
    verdict_everywhere(*r, "file3.key", "pass");
    no_password_anywhere(*r, secret);
}

BOOST_AUTO_TEST_CASE(eas_client_certificates_are_checked_as_the_eas_guide_requires) {
    Files fs;
    auto make = [&](const std::string& name, std::vector<std::string> ekus, bool sans) {
        pft::CertSpec s{.cn = "bob"};
        if (sans) {
            s.email_sans = {"bob@corp.example"};
            s.upn_sans = {"bob@corp.local"};
        }
        s.ekus = std::move(ekus);
        return fs.pfx(name, fs.f.issue(fs.inter, s));
    };
    auto r = fs.cert("eas", {"--profile", "eas-client", make("good.p12", {"clientAuth"}, true),
                             make("server.p12", {"serverAuth"}, true),
                             make("nosan.p12", {"clientAuth"}, false)});
    BOOST_TEST(r->proc.exit_code == 2);
    verdict_everywhere(*r, "file1.eku", "pass");
    verdict_everywhere(*r, "file1.san", "pass");
    words_everywhere(*r, "file1.san", "Email bob@corp.example and Principal name bob@corp.local");
    verdict_everywhere(*r, "file2.eku", "fail");
    words_everywhere(*r, "file2.eku", "does not contain Client Authentication (clientAuth)");
    verdict_everywhere(*r, "file3.san", "fail");
    words_everywhere(*r, "file3.san",
                     "no Subject Alternative Name with an Email and a Principal "
                     "name");
    // The guide's own words are the requirement.
    BOOST_TEST(contains(r->check("file2.eku")["requirement"].get<std::string>(),
                        "Confirm the certificate contains the Client Authentication in the "
                        "Enhanced Key Usage section"));
    // The guides are named by their titles, in every output.
    for (const auto* text : {&r->proc.out, &r->html, &r->junit_text, &r->json_text}) {
        BOOST_TEST(!contains(*text, "seed"));
        BOOST_TEST(!contains(*text, "Seed"));
    }
    BOOST_TEST(contains(r->html, "Updating Certificates for Workspace ONE UEM Services"));
}

BOOST_AUTO_TEST_CASE(a_wrong_password_or_a_corrupt_file_is_reported_not_a_crash) {
    Files fs;
    auto path = fs.pfx("good.pfx", fs.leaf());
    auto junk = fs.dir.write("junk.pfx", "this is not a certificate\n");
    const std::string wrong = "Not-The-Pa55word";
    setenv("PF_CERT_WRONG", wrong.c_str(), 1);
    auto r = preflight_run(
        fs.dir, "wrong",
        {"--password", "env:PF_CERT_WRONG", "--trust-store", fs.root_pem, path, junk}, "cert");
    unsetenv("PF_CERT_WRONG");
    BOOST_TEST(r->proc.exit_code == 2);
    verdict_everywhere(*r, "file1.load", "error");
    words_everywhere(*r, "file1.load", path + ": wrong PKCS#12 password");
    verdict_everywhere(*r, "file2.load", "fail");
    words_everywhere(*r, "file2.load", "not a certificate (PEM, DER or PKCS#12 expected)");
    no_password_anywhere(*r, wrong);
    no_password_anywhere(*r, secret);

    // From a file: the same password opens it.
    auto pwfile = fs.dir.write("pw.txt", secret + "\n");
    auto ok = pft::run({PREFLIGHT_BINARY, "cert", "--password", "file:" + pwfile, "--trust-store",
                        fs.root_pem, path});
    BOOST_TEST(ok.exit_code == 0, ok.out << ok.err);
    BOOST_TEST(!contains(ok.out + ok.err, secret));
}

BOOST_AUTO_TEST_CASE(bad_input_exits_3_without_echoing_a_password) {
    Files fs;
    auto path = fs.pfx("good.pfx", fs.leaf());
    auto no_host = pft::run({PREFLIGHT_BINARY, "cert", "--profile", "server", path});
    BOOST_TEST(no_host.exit_code == 3);
    BOOST_TEST(contains(no_host.err, "--profile server needs --host NAME"), no_host.err);
    auto bad_profile = pft::run({PREFLIGHT_BINARY, "cert", "--profile", "client", path});
    BOOST_TEST(bad_profile.exit_code == 3);
    auto missing = pft::run({PREFLIGHT_BINARY, "cert", fs.dir.file("none.pfx")});
    BOOST_TEST(missing.exit_code == 3);
    // The password itself on the command line is refused, and not repeated.
    auto literal = pft::run({PREFLIGHT_BINARY, "cert", "--password", secret, path});
    BOOST_TEST(literal.exit_code == 3);
    BOOST_TEST(contains(literal.err, "expected env:NAME, file:PATH or prompt"), literal.err);
    BOOST_TEST(!contains(literal.out + literal.err, secret));
}

// A scheduled check of the files to be installed runs under a monitoring
// system's timeout, as `run` does: --max-time, range-checked the same way.
BOOST_AUTO_TEST_CASE(max_time_bounds_a_scheduled_cert_check) {
    Files fs;
    auto path = fs.pfx("good.pfx", fs.leaf());
    auto r = fs.cert("budget", {"--max-time", "30", path});
    BOOST_TEST(r->proc.exit_code == 0, r->proc.out << r->proc.err);
    verdict_everywhere(*r, "file1.expiry", "pass");
    for (std::string bad : {"1", "0", "86401", "ten"}) {
        auto refused = pft::run({PREFLIGHT_BINARY, "cert", "--max-time", bad, path});
        BOOST_TEST(refused.exit_code == 3, bad);
        BOOST_TEST(contains(refused.err, "--max-time"), bad << ": " << refused.err);
    }
}

BOOST_AUTO_TEST_SUITE_END()
