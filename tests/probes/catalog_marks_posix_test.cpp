// Every sentence a probe shows comes from the message catalog: the web, TLS,
// proxy and SMTP probes run against real servers (nginx, squid, exim) with a
// catalog whose every entry begins with a mark, and every line of every
// result (summary, alert, evidence, block titles and lines) must begin with
// it. A sentence built in code instead of from a key has no mark, and a
// second language (issue 14) could not render it.
#include "base/catalog.hpp"
#include "probes/ldap/ldap.hpp"
#include "probes/reach/tcp.hpp"
#include "probes/rpc/rpc.hpp"
#include "probes/smtp/smtp.hpp"
#include "probes/tls/cert_file_probe.hpp"
#include "probes/tls/persistence.hpp"
#include "probes/tls/tls.hpp"
#include "probes/web/activesync.hpp"
#include "probes/web/exchange_powershell.hpp"
#include "probes/web/http.hpp"
#include "probes/web/proxy.hpp"
#include "probes/web/scep.hpp"
#include "support/catalog_marks.hpp"
#include "support/certs.hpp"
#include "support/hostile_peer_posix.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include "support/scep_responder_posix.hpp"
#include "support/servers_posix.hpp"
#include "support/slapd_posix.hpp"
#include "support/smtp_server_posix.hpp"
#include <boost/test/unit_test.hpp>
#include <fstream>

using namespace pf;
using pf::test::run_probe;

namespace {

using pft::ActiveCatalog;
using pft::has_english;
using pft::joined_in_code;
using pft::keys_only_catalog;
using pft::mark;
using pft::marked_catalog;

// Lines quoting what a server sent: its words are the server's.
bool quotes_a_server(const std::string& line) {
    for (const char* key :
         {"smtp.transcript_server", "http.status_line", "http.header", "http.body",
          "proxy_check.answered", "proxy_check.software", "web.curl_error"})
        if (line.rfind(mark + key, 0) == 0) return true;
    return false;
}

// The lines of r that are not made from the active catalog, each named by
// where it is: every line begins with a catalog entry's mark, and with the
// keys-only catalog (english_left) no line holds an English sentence.
std::vector<std::string> not_from_catalog(const std::string& label, const ProbeResult& r,
                                          bool english_left) {
    std::vector<std::string> out;
    auto check = [&](const std::string& where, const std::string& line) {
        bool marked = line.rfind(mark, 0) == 0;
        if (marked && !(english_left && (has_english(line) || joined_in_code(line)) &&
                        !quotes_a_server(line)))
            return;
        out.push_back(label + " " + where + ": " + line);
    };
    check("summary", r.summary);
    if (!r.alert.empty()) check("alert", r.alert);
    for (const auto& e : r.evidence)
        check("evidence", e);
    for (const auto& b : r.blocks) {
        check("block title", b.title);
        for (const auto& l : b.lines)
            check("block line", l);
    }
    return out;
}

using Args = std::map<std::string, std::string>;
struct Case {
    std::string label;
    Status expected; // the path the case is meant to take
    const ProbeKind kind;
    const RunEnvironment& env;
    Args args;
    std::chrono::milliseconds deadline = std::chrono::seconds(8);
};

// Runs every case with the marked and with the keys-only catalog; an error
// for each line not made from it.
void run_marked(const std::vector<Case>& cases) {
    std::vector<std::string> problems;
    for (bool keys_only : {false, true}) {
        ActiveCatalog active(keys_only ? keys_only_catalog() : marked_catalog());
        for (const auto& c : cases) {
            BOOST_TEST_MESSAGE("case: " << c.label);
            ProbeResult r = run_probe(c.kind, c.env, c.args, c.deadline);
            BOOST_TEST(r.status == c.expected, c.label << ": " << r.summary);
            auto u = not_from_catalog(c.label + (keys_only ? " (keys only)" : ""), r, keys_only);
            problems.insert(problems.end(), u.begin(), u.end());
        }
    }
    for (const auto& p : problems)
        BOOST_ERROR(p);
}

struct Servers {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Catalog Test Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight Catalog Test Intermediate", .ca = true});
    pft::Issued leaf = f.issue(inter, {.cn = "localhost",
                                       .dns_sans = {"localhost"},
                                       .ip_sans = {"127.0.0.1"},
                                       .ekus = {"serverAuth"}});
    std::string root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    std::string chain_pem = pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf, &inter});
    std::string key_pem = pft::CertFactory::write_key(t.file("leaf.key"), leaf);
    std::string bundle =
        write(t.file("bundle.pem"), leaf.cert_pem() + inter.cert_pem() + pft::read_file(key_pem));
    std::string lone_leaf = pft::CertFactory::write_pem(t.file("lone.pem"), {&leaf});
    std::string caps_file = write(t.file("caps.txt"), "POSTPKIOperation\nSHA-256\n");
    pft::Nginx nginx{{
        {chain_pem, key_pem,
         "location = /ok { add_header X-Kept yes always; return 200 \"AWCM Status: OK\\n\"; }\n"
         "location = /down { return 503 \"maintenance\\n\"; }\n"
         "location = /loop-a { return 302 /loop-b; }\n"
         "location = /loop-b { return 301 /loop-a; }\n"
         "location = /Microsoft-Server-ActiveSync { add_header WWW-Authenticate "
         "'Basic realm=\"x\"' always; return 401; }\n"
         "location = /powershell { add_header WWW-Authenticate 'Negotiate' always; return 401; "
         "}\n" +
             pft::scep_locations("/scep", caps_file, "text/plain", root_pem,
                                 "application/x-x509-ca-cert")},
        {.tls = false},
    }};
    pft::Squid squid{{.basic_user = "alice", .basic_password = "Sq-Test-Pw!"}};
    std::string tls_port = std::to_string(nginx.port(0));
    std::string plain_port = std::to_string(nginx.port(1));

    static std::string write(const std::string& path, const std::string& text) {
        std::ofstream(path) << text;
        return path;
    }
    RunEnvironment trusting() const {
        RunEnvironment env;
        env.tls.trust.system_file = root_pem;
        env.tls.public_roots = root_pem;
        return env;
    }
    RunEnvironment via_squid(bool with_password) const {
        RunEnvironment env = trusting();
        env.proxy.host = "127.0.0.1";
        env.proxy.port = squid.port();
        env.proxy.user = "alice";
        if (with_password)
            env.proxy.password = std::make_shared<const Secret>("Sq-Test-Pw!", "env:PW");
        env.proxy.origin = "--proxy";
        return env;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(catalog_marks, *pft::needs_programs({"nginx", "squid", "exim"}))

BOOST_AUTO_TEST_CASE(every_line_of_web_tls_proxy_and_smtp_verdicts_comes_from_the_catalog) {
    Servers s;
    pft::Exim exim{[&] {
        pft::EximOptions o;
        o.cert_pem = s.leaf.cert_pem() + s.inter.cert_pem();
        o.key_pem = s.leaf.key_pem();
        return o;
    }()};
    const RunEnvironment trusting = s.trusting();
    const RunEnvironment untrusting;
    const std::string closed = std::to_string(pft::unused_port());
    const RunEnvironment squid_ok = s.via_squid(true), squid_no_password = s.via_squid(false);
    RunEnvironment squid_wrong_password = s.via_squid(false);
    squid_wrong_password.proxy.password = std::make_shared<const Secret>("Wrong-Pw", "env:PW");
    // Peers that never answer: the verdicts at the deadline.
    pft::HostilePeer silent(pft::HostilePeer::silent());
    const std::string silent_port = std::to_string(silent.port());
    const std::chrono::milliseconds soon(1200);
    RunEnvironment closed_proxy = s.trusting();
    closed_proxy.proxy.host = "127.0.0.1";
    closed_proxy.proxy.port = static_cast<std::uint16_t>(std::stoi(closed));
    closed_proxy.proxy.origin = "--proxy";
    std::vector<Case> cases = {
        {"http 200",
         Status::pass,
         http_probe(),
         trusting,
         {{"host", "127.0.0.1"},
          {"port", s.tls_port},
          {"path", "/ok"},
          {"body", "OK"},
          {"headers", "X-Kept"}}},
        {"http 503",
         Status::fail,
         http_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/down"}}},
        {"http body missing",
         Status::fail,
         http_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/ok"}, {"body", "absent"}}},
        {"http redirect loop",
         Status::fail,
         http_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/loop-a"}, {"follow", "true"}}},
        {"http untrusted",
         Status::fail,
         http_probe(),
         untrusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/ok"}}},
        {"http refused",
         Status::fail,
         http_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", closed}, {"scheme", "http"}}},
        {"http via squid",
         Status::pass,
         http_probe(),
         squid_ok,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/ok"}, {"via", "proxy"}}},
        {"http proxy password missing",
         Status::fail,
         http_probe(),
         squid_no_password,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/ok"}, {"via", "proxy"}}},
        {"proxy established",
         Status::pass,
         proxy_probe(),
         squid_ok,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}}},
        {"tls trusted",
         Status::pass,
         tls_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}}},
        {"tls untrusted",
         Status::fail,
         tls_probe(),
         untrusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}}},
        {"tls on a plain port",
         Status::fail,
         tls_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.plain_port}}},
        {"tls via squid",
         Status::pass,
         tls_probe(),
         squid_ok,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"via", "proxy"}}},
        {"activesync",
         Status::pass,
         activesync_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}}},
        {"exchange powershell",
         Status::pass,
         exchange_powershell_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}}},
        {"scep",
         Status::pass,
         scep_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/scep/pkiclient.exe"}}},
        {"smtp",
         Status::pass,
         smtp_probe(),
         trusting,
         {{"host", "127.0.0.1"},
          {"port", std::to_string(exim.port())},
          {"user", "svc"},
          {"password", pft::EximOptions{}.password}}},
        {"smtp wrong password",
         Status::fail,
         smtp_probe(),
         trusting,
         {{"host", "127.0.0.1"},
          {"port", std::to_string(exim.port())},
          {"user", "svc"},
          {"password", "Wrong-Pw"}}},
        {"smtp mail outside TLS",
         Status::fail,
         smtp_probe(),
         trusting,
         {{"host", "127.0.0.1"},
          {"port", std::to_string(exim.port())},
          {"starttls", "no"},
          {"from", "preflight@preflight.test"},
          {"to", "admin@preflight.test"}}},
        {"smtp certificate untrusted",
         Status::fail,
         smtp_probe(),
         untrusting,
         {{"host", "127.0.0.1"}, {"port", std::to_string(exim.port())}}},
        {"tls idle",
         Status::pass,
         tls_idle_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"idle", "1"}}},
        {"scep not found",
         Status::fail,
         scep_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/nothing"}}},
        {"activesync with credentials",
         Status::fail,
         activesync_probe(),
         trusting,
         {{"host", "127.0.0.1"},
          {"port", s.tls_port},
          {"user", "svc"},
          {"password", "pw"},
          {"require_ssl", "true"},
          {"http_port", s.plain_port}}},
        {"http proxy password wrong",
         Status::fail,
         http_probe(),
         squid_wrong_password,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"path", "/ok"}, {"via", "proxy"}}},
        {"http silent peer",
         Status::fail,
         http_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", silent_port}},
         soon},
        {"tls silent peer",
         Status::fail,
         tls_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", silent_port}},
         soon},
        {"smtp silent peer",
         Status::fail,
         smtp_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", silent_port}},
         soon},
        {"http via a closed proxy port",
         Status::fail,
         http_probe(),
         closed_proxy,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"via", "proxy"}}},
        {"proxy check of a closed proxy port",
         Status::fail,
         proxy_probe(),
         closed_proxy,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}}},
        {"tls via a closed proxy port",
         Status::fail,
         tls_probe(),
         closed_proxy,
         {{"host", "127.0.0.1"}, {"port", s.tls_port}, {"via", "proxy"}}},
        {"smtp refused",
         Status::fail,
         smtp_probe(),
         trusting,
         {{"host", "127.0.0.1"}, {"port", closed}}},
        {"certificate file",
         Status::pass,
         cert_file_probe(),
         trusting,
         {{"path", s.bundle}, {"profile", "server"}, {"host", "localhost"}}},
        {"certificate file without key or chain",
         Status::fail,
         cert_file_probe(),
         untrusting,
         {{"path", s.lone_leaf},
          {"profile", "server"},
          {"host", "elsewhere.example"},
          {"full_chain", "true"}}},
        {"certificate file that is not one",
         Status::fail,
         cert_file_probe(),
         trusting,
         {{"path", s.caps_file}}},
    };
    run_marked(cases);
}

BOOST_AUTO_TEST_SUITE_END()

// The port range tallies, the RPC endpoint mapper's stages, progress and
// parser findings, and LDAP's evidence and joined parts, with the same two
// catalogs.
BOOST_AUTO_TEST_SUITE(catalog_marks_reach_rpc_ldap)

BOOST_AUTO_TEST_CASE(port_ranges_and_the_endpoint_mapper_come_from_the_catalog) {
    const RunEnvironment env;
    auto first = pft::unused_port();
    const std::string range =
        std::to_string(first) + "-" + std::to_string(std::min<unsigned>(first + 5u, 65535u));
    pft::HostilePeer silent(pft::HostilePeer::silent());
    pft::HostilePeer garbage(pft::HostilePeer::garbage());
    // Five bytes of a PDU header, then nothing: the reply stops part way.
    pft::HostilePeer half_header({.reply = std::string("\x05\x00\x0c\x03\x10", 5)});
    const std::chrono::milliseconds soon(1200);
    run_marked({
        {"tcp range", Status::pass, tcp_probe(), env, {{"host", "127.0.0.1"}, {"port", range}}},
        {"rpc dynamic range",
         Status::pass,
         rpc_dynamic_range_probe(),
         env,
         {{"host", "127.0.0.1"}, {"range", range}}},
        {"rpc silent peer",
         Status::fail,
         rpc_epmap_probe(),
         env,
         {{"host", "127.0.0.1"}, {"port", silent.port_text()}},
         soon},
        {"rpc garbage",
         Status::error,
         rpc_epmap_probe(),
         env,
         {{"host", "127.0.0.1"}, {"port", garbage.port_text()}},
         soon},
        {"rpc reply cut short",
         Status::error,
         rpc_epmap_probe(),
         env,
         {{"host", "127.0.0.1"}, {"port", half_header.port_text()}},
         soon},
    });
    // Ports whose turn never came: the deadline's words are the catalog's too.
    RangeTally t;
    t.not_tried = 2;
    for (bool keys_only : {false, true}) {
        ActiveCatalog active(keys_only ? keys_only_catalog() : marked_catalog());
        BOOST_TEST(not_tried_text(t, 10).rfind(mark, 0) == 0, not_tried_text(t, 10));
        BOOST_TEST(t.text().rfind(mark, 0) == 0, t.text());
    }
}

BOOST_AUTO_TEST_CASE(ldap_verdicts_come_from_the_catalog,
                     *pft::needs_programs({"slapd", "slapadd"})) {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued ca = f.root({.cn = "Preflight Catalog Test LDAP CA"});
    pft::Issued leaf = f.issue(ca, {.cn = "ldap.example.test",
                                    .dns_sans = {"ldap.example.test"},
                                    .ip_sans = {"127.0.0.1"},
                                    .ekus = {"serverAuth"}});
    RunEnvironment env;
    env.tls.trust.system_file = pft::CertFactory::write_pem(dir.file("ca.pem"), {&ca});
    env.tls.public_roots = env.tls.trust.system_file;
    pft::Slapd slapd({pft::CertFactory::write_pem(dir.file("cert.pem"), {&leaf, &ca}),
                      pft::CertFactory::write_key(dir.file("key.pem"), leaf)});
    pft::HostilePeer garbage(pft::HostilePeer::garbage(true));
    const std::string port = std::to_string(slapd.port());
    run_marked({
        {"ldap bound over StartTLS with a base",
         Status::pass,
         ldap_probe(),
         env,
         {{"host", "127.0.0.1"},
          {"port", port},
          {"security", "starttls"},
          {"bind_dn", pft::Slapd::user_dn()},
          {"password", slapd.user_password()},
          {"base", "ou=people," + pft::Slapd::suffix()}}},
        {"ldap anonymous in clear text",
         Status::pass,
         ldap_probe(),
         env,
         {{"host", "127.0.0.1"}, {"port", port}}},
        {"ldap garbage",
         Status::fail,
         ldap_probe(),
         env,
         {{"host", "127.0.0.1"}, {"port", garbage.port_text()}}},
    });
}

BOOST_AUTO_TEST_SUITE_END()
