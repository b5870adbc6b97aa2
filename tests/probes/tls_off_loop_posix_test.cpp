// A TLS handshake computes on the run's CPU pool, not on the event loop:
// the loop only moves bytes, so hundreds of handshakes use every core. It
// still ends at the check's deadline while a step waits for a CPU thread,
// its reported time leaves that wait out, and the bytes a server sends
// right after its handshake stay for the stream that reads them.
#include "net/tls_connect.hpp"
#include "net/tls_handshake.hpp"
#include "net/worker_pool.hpp"
#include "support/certs.hpp"
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include <arpa/inet.h>
#include <asio/connect.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <boost/test/unit_test.hpp>
#include <condition_variable>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace pf;
using namespace std::chrono_literals;

namespace {

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Keeps every thread of io's CPU pool busy until opened, as hundreds of
// other checks' handshakes would.
struct BusyCores {
    std::mutex m;
    std::condition_variable cv;
    bool open = false;
    int inside = 0;

    explicit BusyCores(asio::io_context& io) {
        unsigned n = std::max(1u, std::thread::hardware_concurrency());
        std::vector<std::function<void()>> abandon;
        for (unsigned i = 0; i < n; ++i)
            abandon.push_back(cpu_pool(io).run<int>(
                [this] {
                    std::unique_lock<std::mutex> lock(m);
                    ++inside;
                    cv.notify_all();
                    cv.wait(lock, [this] { return open; });
                    return 0;
                },
                [](int) {}));
        std::unique_lock<std::mutex> lock(m);
        BOOST_TEST_REQUIRE(cv.wait_for(lock, 5s, [&] { return inside == static_cast<int>(n); }));
        lock.unlock();
        // Not the loop's work: io.run() may end while they hold the threads.
        for (auto& a : abandon)
            a();
    }
    void release() {
        std::lock_guard<std::mutex> lock(m);
        open = true;
        cv.notify_all();
    }
    ~BusyCores() { release(); }
};

struct NginxFixture {
    pft::TempDir dir;
    pft::CertFactory f;
    pft::Issued root = f.root({.cn = "Off Loop Test Root"});
    pft::Issued leaf = f.issue(root, {.cn = "localhost", .ip_sans = {"127.0.0.1"}});
    std::unique_ptr<pft::Nginx> nginx;
    NginxFixture() {
        pft::NginxSite site;
        site.cert_file = pft::CertFactory::write_pem(dir.file("chain.pem"), {&leaf});
        site.key_file = pft::CertFactory::write_key(dir.file("key.pem"), leaf);
        nginx = std::make_unique<pft::Nginx>(std::vector<pft::NginxSite>{site});
    }
};

// open_tls to 127.0.0.1:port with a deadline, run to the end: its
// connection and how long it took in all.
std::pair<std::optional<TlsConnection>, double>
timed_open(asio::io_context& io, unsigned short port, std::chrono::milliseconds deadline) {
    auto t0 = Clock::now();
    auto cancel = CheckCancel::armed(io, t0 + deadline);
    std::optional<TlsConnection> got;
    double took = 0;
    auto stop = open_tls(io, ProxyConfig{}, "127.0.0.1", port, "", cancel, [&](TlsConnection c) {
        took = ms_since(t0);
        got = std::move(c);
    });
    io.run();
    return {std::move(got), took};
}

SslPtr client_ssl() {
    static SSL_CTX* ctx = [] {
        SSL_CTX* c = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
        return c;
    }();
    return SslPtr(SSL_new(ctx));
}

SocketPtr connected(asio::io_context& io, unsigned short port) {
    auto s = std::make_shared<asio::ip::tcp::socket>(io);
    s->connect({asio::ip::make_address("127.0.0.1"), port});
    return s;
}

// A TLS 1.2 server on 127.0.0.1 that sends its last handshake flight and
// "hello" in one write, so that they arrive together: the client must leave
// "hello" in the socket for the stream made after its handshake.
class HelloRightAfterHandshake {
  public:
    HelloRightAfterHandshake(const std::string& cert_file, const std::string& key_file) {
        ctx_ = SSL_CTX_new(TLS_server_method());
        SSL_CTX_set_max_proto_version(ctx_, TLS1_2_VERSION);
        SSL_CTX_use_certificate_chain_file(ctx_, cert_file.c_str());
        SSL_CTX_use_PrivateKey_file(ctx_, key_file.c_str(), SSL_FILETYPE_PEM);
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_TEST_REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        BOOST_TEST_REQUIRE(listen(listener_, 4) == 0);
        thread_ = std::thread([this] { serve(); });
    }
    ~HelloRightAfterHandshake() {
        shutdown(listener_, SHUT_RDWR);
        close(listener_);
        thread_.join();
        SSL_CTX_free(ctx_);
    }
    unsigned short port() const { return port_; }

  private:
    void serve() {
        int fd = accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        SSL* s = SSL_new(ctx_);
        BIO* in = BIO_new(BIO_s_mem());
        BIO* out = BIO_new(BIO_s_mem());
        BIO_set_mem_eof_return(in, -1);
        SSL_set_bio(s, in, out);
        SSL_set_accept_state(s);
        auto flush = [&] {
            char buf[16384];
            int n;
            while ((n = BIO_read(out, buf, sizeof buf)) > 0)
                if (send(fd, buf, n, MSG_NOSIGNAL) != n) return false;
            return true;
        };
        for (;;) {
            int rc = SSL_do_handshake(s);
            if (rc == 1) {
                SSL_write(s, "hello", 5);
                flush();
                break;
            }
            if (SSL_get_error(s, rc) != SSL_ERROR_WANT_READ || !flush()) break;
            char buf[16384];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            BIO_write(in, buf, static_cast<int>(n));
        }
        char drain[256];
        while (recv(fd, drain, sizeof drain, 0) > 0) // until the client closes
            ;
        SSL_free(s);
        close(fd);
    }

    SSL_CTX* ctx_ = nullptr;
    int listener_ = -1;
    unsigned short port_ = 0;
    std::thread thread_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(tls_off_loop, *pft::needs_programs({"nginx"}))

BOOST_AUTO_TEST_CASE(every_step_of_a_handshake_computes_off_the_loop_thread) {
    NginxFixture n;
    asio::io_context io;
    auto cancel = CheckCancel::armed(io, Clock::now() + 5s);
    std::optional<HandshakeResult> got;
    auto stop = client_handshake(io, connected(io, n.nginx->port()), client_ssl(), cancel,
                                 [&](HandshakeResult r) { got = std::move(r); });
    io.run();
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST(!got->error, got->error.message());
    BOOST_REQUIRE(got->ssl);
    BOOST_TEST(SSL_is_init_finished(got->ssl.get()) == 1);
    // The ClientHello, then the server's flight (and, for TLS 1.2, its Finished).
    BOOST_TEST(got->steps >= 2u);
    BOOST_TEST(got->steps_on_loop == 0u);
    BOOST_TEST(got->bytes_received > 0u);
    BOOST_TEST(cpu_pool(io).threads() >= 1u);
}

// open_tls, which every TLS probe uses, makes its handshake that way.
BOOST_AUTO_TEST_CASE(open_tls_hands_its_handshake_to_the_cpu_pool) {
    NginxFixture n;
    asio::io_context io;
    auto cancel = CheckCancel::armed(io, Clock::now() + 5s);
    std::optional<TlsConnection> got;
    auto stop = open_tls(io, ProxyConfig{}, "127.0.0.1", n.nginx->port(), "", cancel,
                         [&](TlsConnection c) { got = std::move(c); });
    io.run();
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST((got->outcome == TlsConnection::Outcome::open), got->failure);
    BOOST_TEST(got->chain.size() == 1u);
    BOOST_TEST(!got->protocol.empty());
    BOOST_TEST(cpu_pool(io).threads() >= 1u);
}

// Every CPU thread is taken at the deadline: the check ends then, saying
// why, instead of waiting for a thread (or the runner's grace).
BOOST_AUTO_TEST_CASE(a_handshake_waiting_for_a_cpu_thread_ends_at_its_deadline) {
    NginxFixture n;
    asio::io_context io;
    BusyCores busy(io);
    auto [got, took] = timed_open(io, n.nginx->port(), 300ms);
    busy.release();
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST((got->outcome == TlsConnection::Outcome::timed_out), got->failure);
    BOOST_TEST((tls_connection_reason(*got) == Reason::timed_out));
    BOOST_TEST(got->failure.find("waiting for a processor") != std::string::npos, got->failure);
    BOOST_TEST(took >= 290);
    BOOST_TEST(took < 800, took << " ms for a 300 ms deadline");
}

// The cores are busy for 300 ms when the handshake starts; it completes
// after that, and its time is the handshake's, not the wait for a thread.
BOOST_AUTO_TEST_CASE(handshake_time_excludes_the_wait_for_a_cpu_thread) {
    NginxFixture n;
    asio::io_context io;
    auto busy = std::make_shared<BusyCores>(io);
    asio::steady_timer opens(io, 300ms);
    opens.async_wait([busy](std::error_code) { busy->release(); });
    auto [got, took] = timed_open(io, n.nginx->port(), 5s);
    BOOST_REQUIRE(got.has_value());
    BOOST_TEST((got->outcome == TlsConnection::Outcome::open), got->failure);
    BOOST_TEST(took >= 290);
    BOOST_TEST(got->handshake_ms < 150,
               got->handshake_ms << " ms reported after " << took << " ms in all");
}

BOOST_AUTO_TEST_CASE(what_the_server_sends_right_after_its_handshake_stays_for_the_stream) {
    pft::TempDir dir;
    pft::CertFactory f;
    auto root = f.root({.cn = "Off Loop Test Root"});
    auto leaf = f.issue(root, {.cn = "localhost", .ip_sans = {"127.0.0.1"}});
    HelloRightAfterHandshake server(pft::CertFactory::write_pem(dir.file("chain.pem"), {&leaf}),
                                    pft::CertFactory::write_key(dir.file("key.pem"), leaf));
    asio::io_context io;
    auto cancel = CheckCancel::armed(io, Clock::now() + 5s);
    auto socket = connected(io, server.port());
    std::shared_ptr<TlsLink> link;
    std::string error;
    auto stop = client_handshake(io, socket, client_ssl(), cancel, [&](HandshakeResult r) {
        if (r.error) {
            error = r.error.message();
            return;
        }
        link = std::make_shared<TlsLink>(socket, std::move(r.ssl), std::move(r.notes));
    });
    io.run();
    BOOST_REQUIRE_MESSAGE(link, error);
    io.restart();
    std::string hello(5, '\0');
    std::error_code read_error;
    asio::steady_timer guard(io, 3s);
    guard.async_wait([&](std::error_code ec) {
        if (!ec) link->stream.lowest_layer().close();
    });
    asio::async_read(link->stream, asio::buffer(hello), [&](std::error_code ec, std::size_t) {
        read_error = ec;
        guard.cancel();
    });
    io.run();
    BOOST_TEST(!read_error, read_error.message());
    BOOST_TEST(hello == "hello");
}

BOOST_AUTO_TEST_SUITE_END()
