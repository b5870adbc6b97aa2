// Secrets as an admin meets them: a password typed where its source belongs
// stops the run before any report exists; sources are what the reports show;
// a wrong password that is a common word leaves the verdict reading as any
// other wrong password does, while a long canary appears nowhere (slapd on
// loopback); input files are bounded; reports are replaced atomically; the
// hidden prompt gives the terminal its echo back when interrupted.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/report_run.hpp"
#include "support/servers_posix.hpp"
#include "support/slapd_posix.hpp"
#include "support/smtp_server_posix.hpp"
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>

using pft::contains;
using pft::operator+;

namespace {

const std::string kCanary = "SetCanary-77-9f1c2e";

// Every file in dir, concatenated: the reports and anything else the process left.
std::string files_in(const std::string& dir) {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file()) all += pft::read_file(e.path().string());
    return all;
}

const std::vector<std::string> kPasswords = {"Not-it-either-42", "the",  "LDAP", "proxy", "wrong",
                                             "password",         kCanary};

// Runs preflight ARGS once per password of kPasswords (in PF_SECRET_TEST_PW,
// which ARGS name as the source of param); returns check_id's summary per
// password, having asserted that every report shows the source and that
// neither the canary nor a mask appears in any output or written file.
std::map<std::string, std::string> wording_per_password(const std::vector<std::string>& args,
                                                        const std::string& check_id,
                                                        const std::string& param) {
    std::map<std::string, std::string> out;
    for (const auto& pw : kPasswords) {
        setenv("PF_SECRET_TEST_PW", pw.c_str(), 1);
        pft::TempDir reports;
        auto r = pft::preflight_run(reports, "t", args);
        unsetenv("PF_SECRET_TEST_PW");
        BOOST_TEST(r->j["settings"][param] == "env:PF_SECRET_TEST_PW");
        BOOST_TEST(contains(r->junit_text, "value=\"env:PF_SECRET_TEST_PW\""));
        BOOST_TEST(contains(r->html, "env:PF_SECRET_TEST_PW"));
        auto everything = r->proc.out + r->proc.err + files_in(reports.path());
        BOOST_TEST(!contains(everything, kCanary), pw);
        BOOST_TEST(!contains(everything, "****"), pw);
        out[pw] = r->summary(check_id);
    }
    return out;
}

// A checklist of one check "one" with the probe line given and a secret
// parameter pw.
std::string one_check_list(const pft::TempDir& d, const std::string& probe) {
    return d.write("c.xml", R"(<?xml version="1.0"?>
<checklist id="s" title="Secrets">
  <source document="Test"/>
  <parameters><param name="pw" secret="true" default=""/></parameters>
  <section id="net" title="Network">
    <check id="one" title="One" severity="required">
      )" + probe + R"(
      <requirement>w</requirement><fix>f</fix>
    </check>
  </section>
</checklist>
)");
}

// A server certificate for 127.0.0.1 and the root that issued it, for
// --trust-store.
struct LoopbackPki {
    pft::CertFactory f;
    pft::TempDir d;
    pft::Issued ca = f.root({.cn = "Preflight Secrets Root"});
    pft::Issued leaf = f.issue(ca, {.cn = "server.example.test", .ip_sans = {"127.0.0.1"}});
    std::string ca_pem = pft::CertFactory::write_pem(d.file("ca.pem"), {&ca});
};

void same_wording_for_every_password(const std::map<std::string, std::string>& wording) {
    const auto& reference = wording.at(kPasswords.front());
    for (const auto& [pw, summary] : wording)
        BOOST_TEST(summary == reference, pw << ": " << summary);
}

pft::CommandResult preflight(const std::vector<std::string>& args) {
    std::vector<std::string> argv{PREFLIGHT_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    return pft::run(argv);
}

} // namespace

BOOST_AUTO_TEST_SUITE(secrets_cli)

BOOST_AUTO_TEST_CASE(a_literal_password_stops_the_run_before_any_report) {
    pft::NoAmbientProxy no_proxy;
    pft::TempDir d;
    auto reports = std::vector<std::string>{"--json",         d.file("r.json"), "--html",
                                            d.file("r.html"), "--junit",        d.file("r.xml")};
    // The ldap service is not enabled: no check would use the password.
    auto set =
        preflight(std::vector<std::string>{"run", "--set", "ldap_password=" + kCanary} + reports);
    BOOST_TEST(set.exit_code == 3);
    BOOST_TEST(contains(set.err, "--set ldap_password: the secret parameter 'ldap_password'"),
               set.err);
    auto site = d.write("site.xml", "<site>\n  <param name=\"smtp_password\" value=\"" + kCanary +
                                        "\"/>\n</site>\n");
    auto from_site = preflight(std::vector<std::string>{"run", "--site", site} + reports);
    BOOST_TEST(from_site.exit_code == 3);
    BOOST_TEST(contains(from_site.err, site + ":2:"), from_site.err);
    auto proxy_site = d.write("proxy.xml", "<site>\n  <proxy url=\"http://127.0.0.1:3128\" "
                                           "user=\"u\" password=\"" +
                                               kCanary + "\"/>\n</site>\n");
    auto from_proxy = preflight(std::vector<std::string>{"run", "--site", proxy_site} + reports);
    BOOST_TEST(from_proxy.exit_code == 3);
    BOOST_TEST(contains(from_proxy.err, proxy_site + ":2:"), from_proxy.err);
    auto flag = preflight(std::vector<std::string>{"run", "--proxy", "http://u@127.0.0.1:3128",
                                                   "--proxy-password", kCanary} +
                          reports);
    BOOST_TEST(flag.exit_code == 3);
    BOOST_TEST(contains(flag.err, "--proxy-password: the proxy password must say where"), flag.err);
    for (const pft::CommandResult* r : {&set, &from_site, &from_proxy, &flag})
        BOOST_TEST(!contains(r->out + r->err, kCanary));
    // Nothing was written, so no report holds the canary.
    BOOST_TEST(!std::filesystem::exists(d.file("r.json")));
    BOOST_TEST(!std::filesystem::exists(d.file("r.html")));
    BOOST_TEST(!std::filesystem::exists(d.file("r.xml")));
}

BOOST_AUTO_TEST_CASE(a_wrong_password_reads_the_same_whatever_it_is,
                     *pft::needs_programs({"slapd", "slapadd"})) {
    pft::NoAmbientProxy no_proxy;
    LoopbackPki pki;
    pft::Slapd slapd(
        {.cert_file = pft::CertFactory::write_pem(pki.d.file("chain.pem"), {&pki.leaf}),
         .key_file = pft::CertFactory::write_key(pki.d.file("key.pem"), pki.leaf)});
    // The built-in checklist, as an admin runs it.
    auto ldap = wording_per_password(
        {"--checklist", "acc-saas", "--service", "ldap", "--trust-store", pki.ca_pem, "--set",
         "ldap_host=127.0.0.1", "--set", "ldap_port=" + std::to_string(slapd.port()), "--set",
         "ldap_security=starttls", "--set", "ldap_bind_dn=" + pft::Slapd::user_dn(), "--set",
         "ldap_password=env:PF_SECRET_TEST_PW"},
        "net.ldap", "ldap_password");
    BOOST_TEST(contains(ldap["the"], "invalid credentials (LDAP 49"), ldap["the"]);
    same_wording_for_every_password(ldap);
}

BOOST_AUTO_TEST_CASE(smtp_and_proxy_wording_does_not_depend_on_the_password,
                     *pft::needs_programs({"exim", "squid"})) {
    pft::NoAmbientProxy no_proxy;
    LoopbackPki pki;
    pft::Exim exim({.cert_pem = pki.leaf.cert_pem(), .key_pem = pki.leaf.key_pem()});
    auto smtp_list = one_check_list(pki.d, "<probe kind=\"smtp\" host=\"127.0.0.1\" port=\"" +
                                               std::to_string(exim.port()) +
                                               "\" user=\"svc\" password=\"${pw}\"/>");
    auto smtp = wording_per_password({"--checklist", smtp_list, "--set", "pw=env:PF_SECRET_TEST_PW",
                                      "--trust-store", pki.ca_pem},
                                     "one", "pw");
    BOOST_TEST(contains(smtp["the"], "authentication failed for svc"), smtp["the"]);
    same_wording_for_every_password(smtp);

    pft::Squid squid({.basic_user = "alice", .basic_password = "Right-Proxy-Pw-1"});
    pft::TempDir p;
    auto proxy_list = one_check_list(p, R"(<probe kind="proxy" host="127.0.0.1" port="9"/>)");
    auto proxy =
        wording_per_password({"--checklist", proxy_list, "--set", "pw=env:PF_SECRET_TEST_PW",
                              "--proxy", "http://alice@127.0.0.1:" + std::to_string(squid.port()),
                              "--proxy-password", "env:PF_SECRET_TEST_PW"},
                             "one", "pw");
    BOOST_TEST(contains(proxy["proxy"], "the proxy rejected the credentials for user alice"),
               proxy["proxy"]);
    same_wording_for_every_password(proxy);
}

BOOST_AUTO_TEST_CASE(a_wrong_pfx_password_reads_the_same_whatever_it_is) {
    LoopbackPki pki;
    auto pfx = pft::CertFactory::write_pkcs12(pki.d.file("server.pfx"), pki.leaf, {&pki.ca},
                                              "Right-Pfx-Pw-7");
    std::map<std::string, std::string> wording;
    for (const auto& pw : kPasswords) {
        setenv("PF_SECRET_TEST_PW", pw.c_str(), 1);
        pft::TempDir reports;
        auto r = pft::preflight_run(
            reports, "cert",
            {"--password", "env:PF_SECRET_TEST_PW", "--trust-store", pki.ca_pem, pfx}, "cert");
        unsetenv("PF_SECRET_TEST_PW");
        BOOST_TEST(r->j["settings"]["password"] == "env:PF_SECRET_TEST_PW");
        auto everything = r->proc.out + r->proc.err + files_in(reports.path());
        BOOST_TEST(!contains(everything, kCanary), pw);
        BOOST_TEST(!contains(everything, "****"), pw);
        wording[pw] = r->summary("file1.load");
    }
    BOOST_TEST(wording["wrong"] == pfx + ": wrong PKCS#12 password", wording["wrong"]);
    same_wording_for_every_password(wording);
}

BOOST_AUTO_TEST_CASE(input_files_must_be_small_regular_files) {
    pft::TempDir d;
    auto fifo = d.file("fifo");
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto cert = d.write("c.pem", "x");
    for (const std::string& bad : {std::string("/dev/zero"), fifo, d.path()}) {
        std::vector<std::vector<std::string>> cases = {
            {"run", "--checklist", bad},
            {"run", "--site", bad},
            {"run", "--facts", bad},
            {"cert", bad},
            {"cert", cert, "--password", "file:" + bad},
        };
        for (const auto& args : cases) {
            auto r = preflight(args);
            BOOST_TEST(r.exit_code == 3, args.front() << " " << args[1] << " " << bad);
            // A directory given to an option that wants an existing file is
            // refused by the option parser itself, in its words.
            bool named = contains(r.err, bad + ": cannot use it as a") ||
                         (bad == d.path() && contains(r.err, "is actually a directory: " + bad));
            BOOST_TEST(named, r.err);
        }
    }
    auto huge = d.write("huge.xml", std::string(5u << 20, ' '));
    auto r = preflight({"run", "--checklist", huge});
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(
        contains(r.err, huge + ": cannot use it as a checklist file: it is larger than 4 MB"),
        r.err);
}

BOOST_AUTO_TEST_CASE(a_report_that_cannot_be_written_whole_leaves_the_old_one) {
    pft::TempDir d;
    const std::string good = "{\"yesterday\": \"good report\"}\n";
    auto json = d.write("r.json", good);
    // A file-size limit of 512 bytes makes the write fail part-way; the
    // replaced report must be the old one, whole.
    auto r =
        pft::run({"/bin/sh", "-c",
                  "trap '' XFSZ; ulimit -f 1; exec \"$0\" run --checklist acc-saas --json \"$1\"",
                  PREFLIGHT_BINARY, json});
    BOOST_TEST(r.exit_code == 3, r.err);
    BOOST_TEST(contains(r.err, "cannot write " + json), r.err);
    BOOST_TEST(pft::read_file(json) == good);
    // No temporary file is left behind either.
    auto files = [&] {
        std::size_t n = 0;
        for (const auto& e : std::filesystem::directory_iterator(d.path()))
            n += e.is_regular_file();
        return n;
    };
    BOOST_TEST(files() == 1u);

    // facts --output the same way.
    auto facts = d.write("facts.json", good);
    auto f = pft::run({"/bin/sh", "-c",
                       "trap '' XFSZ; ulimit -f 0; exec \"$0\" facts --json --output \"$1\"",
                       PREFLIGHT_BINARY, facts});
    BOOST_TEST(f.exit_code == 3, f.err);
    BOOST_TEST(pft::read_file(facts) == good);
    BOOST_TEST(files() == 2u);

    auto twice = preflight({"run", "--json", json, "--junit", json});
    BOOST_TEST(twice.exit_code == 3);
    BOOST_TEST(contains(twice.err, "both name " + json + ": give each report its own file"),
               twice.err);
    BOOST_TEST(pft::read_file(json) == good);
}

BOOST_AUTO_TEST_CASE(ctrl_c_at_the_password_prompt_gives_the_echo_back,
                     *pft::needs_programs({"python3"})) {
    pft::TempDir d;
    auto cert = d.write("c.pem", "x");
    // A pseudo-terminal: wait for the prompt, press Ctrl-C, then read the
    // terminal's flags as the shell would find them.
    auto script = d.write("press_ctrl_c.py", R"(
import os, pty, sys, termios, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "cert", sys.argv[2], "--password", "prompt"])
seen = b""
deadline = time.time() + 10
while b"password" not in seen and time.time() < deadline:
    seen += os.read(fd, 1024)
time.sleep(0.2)
os.write(fd, b"\x03")
_, status = os.waitpid(pid, 0)
echo = termios.tcgetattr(fd)[3] & termios.ECHO
print("prompted" if b"password" in seen else "no prompt", "signalled" if os.WIFSIGNALED(status) else "exited", "echo-on" if echo else "echo-off")
)");
    auto r = pft::run({"python3", script, PREFLIGHT_BINARY, cert});
    BOOST_TEST(r.out == "prompted signalled echo-on\n", r.out << r.err);
}

BOOST_AUTO_TEST_SUITE_END()
