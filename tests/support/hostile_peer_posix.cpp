#include "support/hostile_peer_posix.hpp"
#include <arpa/inet.h>
#include <chrono>
#include <fstream>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

namespace pft {

PeerScript HostilePeer::half_tls_handshake() {
    // handshake record of 0x7a bytes announcing a ServerHello of 0x76, TLS
    // 1.2, and 6 bytes of its random: the rest never comes.
    static const char hello[] = "\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03\x11\x22\x33\x44\x55";
    return {.wait_for_request = true, .reply = std::string(hello, sizeof hello - 1)};
}

HostilePeer::HostilePeer(PeerScript script) : script_(std::move(script)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("hostile peer: cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
}

HostilePeer::~HostilePeer() {
    stop_ = true;
    acceptor_.join();
    for (auto& t : threads_)
        t.join();
    ::close(listener_);
}

std::string HostilePeer::received() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
}

void HostilePeer::accept_loop() {
    pollfd p{listener_, POLLIN, 0};
    while (!stop_) {
        if (::poll(&p, 1, 20) <= 0) continue;
        int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        ++connections_;
        threads_.emplace_back([this, fd] { serve(fd); });
    }
}

void HostilePeer::serve(int fd) {
    using namespace std::chrono;
    auto readable = [&](int ms) {
        pollfd p{fd, POLLIN, 0};
        return ::poll(&p, 1, ms) > 0;
    };
    bool client_closed = false;
    std::string mine; // this connection's first bytes
    // Reads what is there; false once the client has closed.
    auto take = [&] {
        char buf[4096];
        auto n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (n == 0) client_closed = true;
        if (n > 0) {
            if (mine.size() < 65536) mine.append(buf, std::size_t(n));
            std::lock_guard<std::mutex> lock(mutex_);
            if (received_.size() < 65536) received_.append(buf, std::size_t(n));
        }
        return n > 0;
    };
    auto send_all = [&](const std::string& bytes) {
        for (std::size_t at = 0; at < bytes.size() && !stop_ && !client_closed;) {
            std::size_t chunk = script_.drip_ms > 0 ? 1 : bytes.size() - at;
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 20) <= 0) {
                if (readable(0)) take();
                continue;
            }
            auto n = ::send(fd, bytes.data() + at, chunk, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n < 0) return false;
            at += std::size_t(n);
            if (script_.drip_ms > 0) std::this_thread::sleep_for(milliseconds(script_.drip_ms));
            if (readable(0)) take();
        }
        return !stop_ && !client_closed;
    };
    bool ok = true;
    if (script_.wait_for_request) {
        // A request has arrived when a blank line ends it, or after a pause
        // in a binary protocol's bytes.
        auto start = steady_clock::now();
        while (!stop_ && !client_closed) {
            if (readable(20)) {
                take();
                if (mine.find("\r\n\r\n") != std::string::npos) break;
                continue;
            }
            if (!mine.empty() || steady_clock::now() - start > seconds(30)) break;
        }
    }
    if (!script_.reply.empty()) ok = send_all(script_.reply);
    std::size_t repeated = 0;
    while (ok && !script_.repeat.empty() &&
           (script_.repeat_limit == 0 || repeated < script_.repeat_limit)) {
        ok = send_all(script_.repeat);
        repeated += script_.repeat.size();
    }
    if (!script_.close_after)
        while (!stop_ && !client_closed)
            if (readable(20)) take();
    ::close(fd);
}

long rss_kib() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

} // namespace pft
