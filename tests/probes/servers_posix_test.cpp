// Self-test of the real servers the TLS, HTTPS and proxy probe tests use:
// each one starts on loopback, does what the probe tests will rely on, and
// is gone when its object is.
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fcntl.h>
#include <thread>

namespace {

// An origin: a root, and a leaf for 127.0.0.1 and origin.example.test
// issued by an intermediate; nginx serves leaf + intermediate.
struct Origin {
    pft::TempDir t;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Preflight Origin Root", .org = "Preflight Tests"});
    pft::Issued inter = f.issue(root, {.cn = "Preflight Origin Intermediate", .ca = true});
    pft::Issued leaf = f.issue(inter, {.cn = "origin.example.test",
                                       .dns_sans = {"origin.example.test"},
                                       .ip_sans = {"127.0.0.1"},
                                       .ekus = {"serverAuth"}});
    std::string root_pem = pft::CertFactory::write_pem(t.file("origin-root.pem"), {&root});
    pft::NginxSite site() const {
        return {pft::CertFactory::write_pem(t.file("chain.pem"), {&leaf, &inter}),
                pft::CertFactory::write_key(t.file("leaf.key"), leaf)};
    }
};

// The "issuer=" line of the server certificate s_client printed.
std::string issuer_line(const std::string& s_client_out) {
    auto at = s_client_out.find("\nissuer=");
    if (at == std::string::npos) return "";
    auto end = s_client_out.find('\n', at + 1);
    return s_client_out.substr(at + 8, end - at - 8);
}

bool accepts(unsigned short port) {
    return pft::wait_for_port("127.0.0.1", port, 0.2);
}

} // namespace

BOOST_AUTO_TEST_SUITE(servers)

BOOST_AUTO_TEST_CASE(nginx_serves_a_generated_chain, *pft::needs_programs({"nginx", "openssl"})) {
    Origin o;
    auto tls12 = o.site();
    tls12.extra = "ssl_protocols TLSv1.2;";
    unsigned short port = 0;
    {
        pft::Nginx nginx({o.site(), tls12, pft::NginxSite{.tls = false}});
        port = nginx.port(0);
        BOOST_TEST(nginx.port(0) != nginx.port(1));
        auto r = pft::run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                           "-servername", "origin.example.test", "-CAfile", o.root_pem,
                           "-verify_return_error", "-verify_hostname", "origin.example.test"});
        BOOST_TEST(r.exit_code == 0, r.out << r.err);
        BOOST_TEST(r.out.find("Verify return code: 0 (ok)") != std::string::npos, r.out);
        BOOST_TEST(issuer_line(r.out) == o.inter.subject());

        // Trusting another root, the same server fails verification.
        pft::CertFactory other;
        auto stranger = other.root({.cn = "Stranger Root"});
        auto stranger_pem = pft::CertFactory::write_pem(o.t.file("stranger.pem"), {&stranger});
        r = pft::run({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                      "-CAfile", stranger_pem, "-verify_return_error"});
        BOOST_TEST(r.exit_code != 0);

        // extra reaches server{}: the second site refuses TLS 1.3.
        r = pft::run({"openssl", "s_client", "-connect",
                      "127.0.0.1:" + std::to_string(nginx.port(1)), "-tls1_3"});
        BOOST_TEST(r.exit_code != 0);
        r = pft::run({"openssl", "s_client", "-connect",
                      "127.0.0.1:" + std::to_string(nginx.port(1)), "-CAfile", o.root_pem,
                      "-verify_return_error"});
        BOOST_TEST(r.exit_code == 0, r.err);
        BOOST_TEST(r.out.find("Protocol  : TLSv1.2") != std::string::npos, r.out);

        // The plain site answers both default locations.
        pft::TcpClient c(nginx.port(2));
        c.send("GET /__preflight_health HTTP/1.1\r\nHost: x\r\n\r\n");
        BOOST_TEST(pft::status_code(c.read_until("\r\n\r\n", 5)) == 204);
        c.send("GET /anything HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        auto reply = c.read_until("\nok\n", 5);
        BOOST_TEST(pft::status_code(reply) == 200, reply);
        BOOST_TEST(nginx.logged("GET /anything"), nginx.access_log());
    }
    BOOST_TEST(!accepts(port), "nginx still listens after its object is gone");
}

BOOST_AUTO_TEST_CASE(nginx_that_cannot_start_throws_with_its_log, *pft::needs_programs({"nginx"})) {
    auto start = [] {
        pft::Nginx nginx({pft::NginxSite{.extra = "no_such_directive on;", .tls = false}});
    };
    try {
        start();
        BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
        BOOST_TEST(std::string(e.what()).find("no_such_directive") != std::string::npos, e.what());
    }
}

BOOST_AUTO_TEST_CASE(squid_asks_for_credentials_then_tunnels_to_any_port,
                     *pft::needs_programs({"nginx", "squid", "openssl"})) {
    pft::Nginx origin({pft::NginxSite{.tls = false}});
    auto target = "127.0.0.1:" + std::to_string(origin.port());
    unsigned short port = 0;
    {
        pft::Squid squid({.basic_user = "alice", .basic_password = "pa ss:word"});
        port = squid.port();
        {
            pft::TcpClient c(squid.port());
            auto head = pft::proxy_connect(c, target);
            BOOST_TEST(pft::status_code(head) == 407, head);
            BOOST_TEST(head.find("Proxy-Authenticate: Basic realm=\"preflight-test\"") !=
                           std::string::npos,
                       head);
        }
        {
            pft::TcpClient c(squid.port());
            BOOST_TEST(pft::status_code(pft::proxy_connect(c, target, "alice", "wrong")) == 407);
        }
        {
            pft::TcpClient c(squid.port());
            auto head = pft::proxy_connect(c, target, "alice", "pa ss:word");
            BOOST_TEST(pft::status_code(head) == 200, head);
            // The tunnel reaches nginx (on a port squid's stock config would refuse).
            c.send("GET /__preflight_health HTTP/1.1\r\nHost: x\r\n\r\n");
            BOOST_TEST(pft::status_code(c.read_until("\r\n\r\n", 5)) == 204);
        }
        // squid logs a tunnel when it ends, a moment after the client left.
        bool logged = false;
        for (int i = 0; i < 30 && !logged; ++i) {
            logged = squid.access_log().find("TCP_TUNNEL/200") != std::string::npos;
            if (!logged) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        BOOST_TEST(logged, squid.access_log());
    }
    BOOST_TEST(!accepts(port), "squid still listens after its object is gone");
}

BOOST_AUTO_TEST_CASE(squid_ssl_bump_re_signs_the_origin_with_its_ca,
                     *pft::needs_programs({"nginx", "squid", "openssl"})) {
    Origin o;
    pft::Nginx origin({o.site()});
    pft::CertFactory f;
    auto bump_ca = f.root({.cn = "Zscaler Intermediate Root CA", .org = "Zscaler Inc."});
    auto bump_pem = pft::CertFactory::write_pem(o.t.file("bump.pem"), {&bump_ca});
    pft::Squid squid({.basic_user = "alice",
                      .basic_password = "secret",
                      .bump_ca_cert = bump_pem,
                      .bump_ca_key = pft::CertFactory::write_key(o.t.file("bump.key"), bump_ca),
                      .origin_ca_file = o.root_pem});
    auto s_client = [&](const std::string& ca, bool credentials) {
        std::vector<std::string> argv = {"openssl",
                                         "s_client",
                                         "-proxy",
                                         "127.0.0.1:" + std::to_string(squid.port()),
                                         "-connect",
                                         "127.0.0.1:" + std::to_string(origin.port()),
                                         "-servername",
                                         "origin.example.test",
                                         "-CAfile",
                                         ca,
                                         "-verify_return_error"};
        if (credentials)
            argv.insert(argv.end(), {"-proxy_user", "alice", "-proxy_pass", "pass:secret"});
        return pft::run(argv);
    };
    auto r = s_client(bump_pem, true);
    BOOST_TEST(r.exit_code == 0, r.out << r.err << squid.log());
    BOOST_TEST(issuer_line(r.out) == bump_ca.subject(), r.out);
    BOOST_TEST(issuer_line(r.out) == "O = Zscaler Inc., CN = Zscaler Intermediate Root CA");
    // The origin's own root no longer verifies what the client sees.
    r = s_client(o.root_pem, true);
    BOOST_TEST(r.exit_code != 0);
    // Without credentials the CONNECT is refused before any TLS.
    r = s_client(bump_pem, false);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST((r.out + r.err).find("407") != std::string::npos, r.out << r.err);
}

BOOST_AUTO_TEST_CASE(tinyproxy_closes_an_idle_tunnel_after_its_timeout,
                     *pft::needs_programs({"nginx", "tinyproxy"})) {
    pft::Nginx origin({pft::NginxSite{.tls = false}});
    auto target = "127.0.0.1:" + std::to_string(origin.port());
    unsigned short port = 0;
    {
        pft::Tinyproxy proxy({.timeout_seconds = 2});
        port = proxy.port();
        pft::TcpClient c(proxy.port());
        auto head = pft::proxy_connect(c, target);
        BOOST_TEST(pft::status_code(head) == 200, head << proxy.log());
        c.send("GET /__preflight_health HTTP/1.1\r\nHost: x\r\n\r\n");
        BOOST_TEST(pft::status_code(c.read_until("\r\n\r\n", 5)) == 204);
        double idle = c.seconds_until_closed(10);
        BOOST_TEST(idle >= 1.5, "closed after " << idle << " s");
        BOOST_TEST(idle <= 4.5, "closed after " << idle << " s");
    }
    BOOST_TEST(!accepts(port), "tinyproxy still listens after its object is gone");
}

BOOST_AUTO_TEST_CASE(tinyproxy_basic_auth_and_connect_ports,
                     *pft::needs_programs({"nginx", "tinyproxy"})) {
    pft::Nginx origin({pft::NginxSite{.tls = false}, pft::NginxSite{.tls = false}});
    pft::Tinyproxy proxy(
        {.basic_user = "bob", .basic_password = "secret", .connect_ports = {origin.port(0)}});
    auto to = [&](std::size_t i) { return "127.0.0.1:" + std::to_string(origin.port(i)); };
    {
        pft::TcpClient c(proxy.port());
        BOOST_TEST(pft::status_code(pft::proxy_connect(c, to(0))) == 407);
    }
    {
        pft::TcpClient c(proxy.port());
        BOOST_TEST(pft::status_code(pft::proxy_connect(c, to(1), "bob", "secret")) == 403);
    }
    pft::TcpClient c(proxy.port());
    BOOST_TEST(pft::status_code(pft::proxy_connect(c, to(0), "bob", "secret")) == 200);
}

// unused_port() releases its port before the server binds it, so a test
// running in parallel can take it first: the start is tried again on new
// ports, and a bind that cannot succeed says so.
BOOST_AUTO_TEST_CASE(a_port_taken_before_the_server_binds_it, *pft::needs_programs({"nginx"})) {
    asio::io_context io;
    asio::ip::tcp::acceptor holder(io, {asio::ip::make_address("127.0.0.1"), 0});
    // Held as another program would: nginx must not inherit it.
    ::fcntl(holder.native_handle(), F_SETFD, FD_CLOEXEC);
    auto held = holder.local_endpoint().port();
    BOOST_CHECK_THROW(pft::Nginx({pft::NginxSite{.tls = false, .port = held}}), pft::PortTaken);

    int attempts = 0;
    pft::start_on_fresh_ports([&] {
        if (++attempts < 3) throw pft::PortTaken("taken");
    });
    BOOST_TEST(attempts == 3);
    attempts = 0;
    BOOST_CHECK_THROW(pft::start_on_fresh_ports([&] {
                          ++attempts;
                          throw pft::PortTaken("taken");
                      }),
                      pft::PortTaken);
    BOOST_TEST(attempts == 3);
    // Other failures are not retried.
    attempts = 0;
    BOOST_CHECK_THROW(pft::start_on_fresh_ports([&] {
                          ++attempts;
                          throw std::runtime_error("bad configuration");
                      }),
                      std::runtime_error);
    BOOST_TEST(attempts == 1);
}

BOOST_AUTO_TEST_SUITE_END()
