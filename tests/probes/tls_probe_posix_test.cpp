// The tls probe against real nginx servers on loopback, serving certificates
// made for each test; trust comes from an injected store holding the test
// root only, never from the machine's.
#include "pki/interception.hpp"
#include "pki/trust_material.hpp"
#include "probes/tls/tls.hpp"
#include "probes/web/http.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/probe_harness.hpp"
#include "support/servers_posix.hpp"
#include "support/text_match.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

using namespace pf;
using pf::test::run_probe;

using pft::any_contains;
using pft::contains;

namespace {

struct Origin {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Test Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight Test CA 1", .ca = true});
    RunEnvironment env;
    int sites = 0;

    Origin() {
        auto pem = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
        env.tls.trust.system_file = pem;
        // The test root stands for a public one: it is the whole "public
        // programme" here, so a chain to it is not a locally added root.
        env.tls.public_roots = pem;
    }
    pft::Issued leaf(pft::CertSpec spec = {}) {
        if (spec.cn.empty()) spec.cn = "acc.example";
        if (spec.dns_sans.empty() && spec.ip_sans.empty()) {
            spec.dns_sans = {"acc.example", "localhost"};
            spec.ip_sans = {"127.0.0.1"};
        }
        return f.issue(inter, spec);
    }
    // A site serving leaf, followed by the intermediate unless told not to.
    pft::NginxSite site(const pft::Issued& leaf, std::string extra = {}, bool send_inter = true) {
        auto n = std::to_string(++sites);
        pft::NginxSite s;
        std::vector<const pft::Issued*> chain{&leaf};
        if (send_inter) chain.push_back(&inter);
        s.cert_file = pft::CertFactory::write_pem(dir.file("chain" + n + ".pem"), chain);
        s.key_file = pft::CertFactory::write_key(dir.file("key" + n + ".pem"), leaf);
        s.extra = std::move(extra);
        return s;
    }
    ProbeResult probe(unsigned short port, std::map<std::string, std::string> args = {},
                      std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
        args.emplace("host", "127.0.0.1");
        args["port"] = std::to_string(port);
        return run_probe(tls_probe(), env, args, deadline);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(tls_probe, *pft::needs_programs({"nginx"}))

BOOST_AUTO_TEST_CASE(a_trusted_chain_passes_with_its_evidence) {
    Origin o;
    auto leaf = o.leaf();
    // Debian 12's nginx 1.22 offers up to TLS 1.2 unless told (1.23.4+: 1.3 too).
    pft::Nginx nginx({o.site(leaf, "ssl_protocols TLSv1.2 TLSv1.3;")});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary.find("TLSv1.3: certificate 'acc.example' of 127.0.0.1 is trusted") == 0u,
               r.summary);
    BOOST_TEST(r.alert.empty(), r.alert);
    BOOST_TEST(
        any_contains(r.evidence, "TLS: TLSv1.3, cipher TLS_AES_256_GCM_SHA384, ALPN http/1.1"));
    BOOST_TEST(any_contains(r.evidence, "no SNI (IP address)"));
    BOOST_TEST(any_contains(r.evidence, "public-root check: the root 'CN=Preflight Test Root"));
    BOOST_REQUIRE(!r.blocks.empty());
    BOOST_TEST(r.blocks[0].title ==
               "Certificate chain sent by 127.0.0.1:" + std::to_string(nginx.port()));
    BOOST_TEST(any_contains(r.blocks[0].lines, "#0 (server certificate)"));
    BOOST_TEST(any_contains(r.blocks[0].lines, "Subject: CN=Preflight Test CA 1"));
    BOOST_TEST(any_contains(r.blocks[0].lines, "root from the trust store"));
    bool timed = false;
    for (const auto& m : r.measurements)
        timed = timed || (m.name == "handshake" && m.unit == "ms" && m.value > 0);
    BOOST_TEST(timed);
}

BOOST_AUTO_TEST_CASE(a_host_name_is_sent_as_sni_and_matched) {
    Origin o;
    auto leaf = o.leaf({.cn = "localhost", .dns_sans = {"localhost"}});
    pft::Nginx nginx({o.site(leaf)});
    auto r = o.probe(nginx.port(), {{"host", "localhost"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(any_contains(r.evidence, "SNI localhost"));
}

BOOST_AUTO_TEST_CASE(an_explicit_sni_is_the_name_the_certificate_must_carry) {
    Origin o;
    auto leaf = o.leaf({.cn = "awcm.example", .dns_sans = {"awcm.example"}});
    pft::Nginx nginx({o.site(leaf)});
    auto r = o.probe(nginx.port(), {{"sni", "awcm.example"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(any_contains(r.evidence, "SNI awcm.example"));
    auto wrong = o.probe(nginx.port(), {{"sni", "cn.example"}});
    BOOST_TEST(wrong.summary.find("name mismatch") == 0u, wrong.summary);
}

BOOST_AUTO_TEST_CASE(an_expired_leaf_fails) {
    Origin o;
    auto leaf = o.leaf({.not_before_days = -60, .not_after_days = -2});
    pft::Nginx nginx({o.site(leaf)});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("expired: the server's certificate 'acc.example' of 127.0.0.1 "
                              "expired 2 days ago") == 0u,
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_wrong_host_name_fails_and_lists_the_names) {
    Origin o;
    auto leaf = o.leaf({.cn = "other.example", .dns_sans = {"other.example"}});
    pft::Nginx nginx({o.site(leaf)});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "name mismatch: the certificate 'other.example' presented by "
                                   "127.0.0.1 does not name 127.0.0.1 (it names "
                                   "DNS:other.example)"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(a_leaf_without_its_intermediate_is_an_incomplete_chain) {
    Origin o;
    auto leaf = o.leaf();
    pft::Nginx nginx({o.site(leaf, "", false)});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "incomplete chain: 127.0.0.1 sent only its own certificate"),
               r.summary);
    BOOST_TEST(r.blocks.at(0).lines.size() < 12u); // one certificate only
}

BOOST_AUTO_TEST_CASE(a_self_signed_leaf_fails) {
    Origin o;
    auto self = o.f.root({.cn = "acc.example", .ip_sans = {"127.0.0.1"}});
    pft::NginxSite s;
    s.cert_file = pft::CertFactory::write_pem(o.dir.file("self.pem"), {&self});
    s.key_file = pft::CertFactory::write_key(o.dir.file("self.key"), self);
    pft::Nginx nginx({s});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("self-signed: 127.0.0.1 presents the self-signed certificate "
                              "'acc.example'") == 0u,
               r.summary);
}

BOOST_AUTO_TEST_CASE(expiry_within_45_days_warns_and_within_10_fails) {
    Origin o;
    auto soon = o.leaf({.not_after_days = 45});
    auto sooner = o.leaf({.not_after_days = 10});
    pft::Nginx nginx({o.site(soon), o.site(sooner)});
    auto r = o.probe(nginx.port(0));
    BOOST_TEST(r.status == Status::warn, r.summary);
    BOOST_TEST(contains(r.summary, "expiring soon: the server's certificate 'acc.example'"),
               r.summary);
    auto r2 = o.probe(nginx.port(1));
    BOOST_TEST(r2.status == Status::fail, r2.summary);
    BOOST_TEST(contains(r2.summary, "expires in "), r2.summary);
    // A checklist can move a check's thresholds: 45 days is then a failure,
    // 10 days merely passes.
    BOOST_TEST(o.probe(nginx.port(0), {{"expiry_warn", "90"}, {"expiry_fail", "50"}}).status ==
               Status::fail);
    BOOST_TEST(o.probe(nginx.port(1), {{"expiry_warn", "5"}, {"expiry_fail", "2"}}).status ==
               Status::pass);
    // ...unless the command line set them, which wins.
    o.env.tls.expiry_from_flags = true;
    BOOST_TEST(o.probe(nginx.port(0), {{"expiry_warn", "90"}, {"expiry_fail", "50"}}).status ==
               Status::warn);
}

BOOST_AUTO_TEST_CASE(a_server_offering_only_tls_1_1_is_diagnosed_not_just_refused) {
    Origin o;
    auto leaf = o.leaf();
    pft::Nginx nginx(
        {o.site(leaf, "ssl_protocols TLSv1 TLSv1.1; ssl_ciphers DEFAULT@SECLEVEL=0;")});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("protocol TLSv1.1 is below TLS 1.2") == 0u, r.summary);
    // Asked for no more than the server offers, it passes.
    BOOST_TEST(o.probe(nginx.port(), {{"min_version", "1.1"}}).status == Status::pass);
}

BOOST_AUTO_TEST_CASE(a_handshake_refused_by_the_server_names_its_alert) {
    Origin o;
    auto leaf = o.leaf(); // an EC key: no RSA cipher can use it
    pft::Nginx nginx(
        {o.site(leaf, "ssl_protocols TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;")});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("handshake failed: the server sent alert handshake failure") == 0u,
               r.summary);
    BOOST_TEST(any_contains(r.evidence, "alert received: fatal handshake failure"));
}

BOOST_AUTO_TEST_CASE(a_plain_http_port_is_not_tls) {
    Origin o;
    pft::NginxSite plain;
    plain.tls = false;
    pft::Nginx nginx({plain});
    auto r = o.probe(nginx.port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "does not answer with TLS"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_closed_port_is_diagnosed_by_the_tunnel) {
    Origin o;
    auto r = o.probe(pft::unused_port());
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(contains(r.summary, "refused"), r.summary);
}

BOOST_AUTO_TEST_CASE(a_port_that_never_answers_tls_times_out_at_the_deadline) {
    // A listener that never accepts: the kernel completes the TCP handshake,
    // and the ClientHello goes unanswered.
    asio::io_context io;
    asio::ip::tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
    Origin o;
    auto t0 = Clock::now();
    auto r = o.probe(silent.local_endpoint().port(), {}, std::chrono::milliseconds(800));
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.summary.find("no TLS handshake with 127.0.0.1:") == 0u, r.summary);
    BOOST_TEST(s < 1.5);
}

BOOST_AUTO_TEST_CASE(an_issuer_pin_that_does_not_match_is_intercepted_or_replaced) {
    Origin o;
    auto leaf = o.leaf();
    pft::Nginx nginx({o.site(leaf)});
    auto r = o.probe(nginx.port(), {{"pin_issuer", "DigiCert"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(r.alert.find("intercepted or replaced: expected issuer 'DigiCert', got "
                            "'CN=Preflight Test CA 1'") == 0u,
               r.alert);
    BOOST_TEST(r.summary.find("intercepted or replaced") == 0u, r.summary);
    BOOST_TEST(o.probe(nginx.port(), {{"pin_issuer", "Preflight Test CA"}}).status == Status::pass);
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_errors) {
    Origin o;
    // Refused by the declaration before any check starts (the loader and planner ask it).
    BOOST_TEST(pf::test::declaration_refuses(pf::tls_probe(), {{"via", "sideways"}}) ==
               "via: expected auto, direct or proxy");
    BOOST_TEST(pf::test::declaration_refuses(pf::tls_probe(), {{"min_version", "1.4"}}) ==
               "min_version: expected 1.0, 1.1, 1.2 or 1.3");
    // Only the run knows whether a proxy is configured.
    BOOST_TEST(o.probe(443, {{"via", "proxy"}}).status == Status::error); // none configured
}

BOOST_AUTO_TEST_CASE(debian_ships_a_public_root_bundle) {
    auto pub = load_public_roots("");
    BOOST_TEST(pub.location == "/usr/share/ca-certificates/mozilla");
    BOOST_TEST(pub.problem.empty(), pub.problem);
    BOOST_TEST(pub.der.size() > 100u);
}

namespace {

// Starts kind on io as the runner does (declared defaults filled in); the
// result lands in *out.
void start_check(asio::io_context& io, const RunEnvironment& env, const ProbeKind& kind,
                 std::map<std::string, std::string> args, std::optional<ProbeResult>* out) {
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.required && !p.default_value.empty())
            args[p.name] = p.default_value;
    ProbeContext ctx{io, Clock::now() + std::chrono::seconds(5), env};
    kind.start(ctx, ProbeArgs(args, {}), [out](ProbeResult r) { *out = std::move(r); });
}

} // namespace

BOOST_AUTO_TEST_CASE(one_run_reads_its_trust_once_for_every_tls_check) {
    Origin o;
    auto leaf = o.leaf();
    pft::Nginx nginx({o.site(leaf)});
    std::string port = std::to_string(nginx.port());
    asio::io_context io; // one run
    auto loads = trust_material_loads();

    std::optional<ProbeResult> first, second, web;
    start_check(io, o.env, pf::tls_probe(), {{"host", "127.0.0.1"}, {"port", port}}, &first);
    io.run();
    BOOST_REQUIRE(first);
    BOOST_TEST(first->status == Status::pass, first->summary);
    BOOST_TEST(trust_material_loads() == loads + 1);

    // Gone from disk: the later checks of the run verify with what was read.
    std::filesystem::remove(o.env.tls.trust.system_file);
    io.restart();
    start_check(io, o.env, pf::tls_probe(), {{"host", "127.0.0.1"}, {"port", port}}, &second);
    start_check(io, o.env, pf::http_probe(), {{"host", "127.0.0.1"}, {"port", port}}, &web);
    io.run();
    BOOST_REQUIRE(second);
    BOOST_REQUIRE(web);
    BOOST_TEST(second->status == Status::pass, second->summary);
    BOOST_TEST(!contains(web->summary, "TLS"), web->summary);
    BOOST_TEST(web->status == Status::pass, web->summary);
    BOOST_TEST(trust_material_loads() == loads + 1);

    // The next run reads it afresh, and finds it gone.
    asio::io_context next;
    std::optional<ProbeResult> later;
    start_check(next, o.env, pf::tls_probe(), {{"host", "127.0.0.1"}, {"port", port}}, &later);
    next.run();
    BOOST_REQUIRE(later);
    BOOST_TEST(later->status == Status::error, later->summary);
    BOOST_TEST(contains(later->summary, "cannot read the trust store"), later->summary);
}

BOOST_AUTO_TEST_SUITE_END()
