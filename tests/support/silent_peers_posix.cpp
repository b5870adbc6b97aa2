#include "support/silent_peers_posix.hpp"
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdexcept>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pft {

namespace {

sockaddr_in loopback(unsigned short port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    return a;
}

} // namespace

UnansweredConnect::UnansweredConnect() {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    auto a = loopback(0);
    socklen_t len = sizeof a;
    // A backlog of 0 holds one connection; the filler takes it and nothing
    // ever accepts, so the queue stays full.
    if (listener_ < 0 || ::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listener_, 0) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("unanswered connect: cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    filler_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (filler_ < 0 || ::connect(filler_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        throw std::runtime_error("unanswered connect: cannot fill the accept queue");
    // The kernel completes the filler's handshake on its own; a second
    // connect must now hang, or the peer is not what it claims.
    int probe = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ::connect(probe, reinterpret_cast<sockaddr*>(&a), sizeof a);
    pollfd p{probe, POLLOUT, 0};
    bool answered = ::poll(&p, 1, 300) > 0;
    ::close(probe);
    if (answered) throw std::runtime_error("unanswered connect: the kernel still answers SYNs");
}

UnansweredConnect::~UnansweredConnect() {
    ::close(filler_);
    ::close(listener_);
}

namespace {

// In the child: only async-signal-safe-ish system calls until fn runs.
std::string setup_silent_dns(int& dns_socket) {
    if (::unshare(CLONE_NEWNS | CLONE_NEWNET) != 0)
        return std::string("unshare: ") + std::strerror(errno);
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
        return std::string("mount --make-rprivate /: ") + std::strerror(errno);
    int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return "SIOCGIFFLAGS lo failed";
    ifr.ifr_flags |= IFF_UP;
    if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) return "cannot bring lo up";
    auto a = loopback(53);
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
        return std::string("bind 127.0.0.1:53: ") + std::strerror(errno);
    dns_socket = s; // held open and never read: questions arrive, no answer leaves
    char path[] = "/tmp/pf-silent-resolv-XXXXXX";
    int fd = ::mkstemp(path);
    if (fd < 0) return "mkstemp failed";
    // Long resolver timeouts, so that only the probe's deadline ends the wait.
    static const char conf[] = "nameserver 127.0.0.1\noptions timeout:30 attempts:1\n";
    bool written = ::write(fd, conf, sizeof conf - 1) == ssize_t(sizeof conf - 1);
    ::close(fd);
    int bound = written ? ::mount(path, "/etc/resolv.conf", nullptr, MS_BIND, nullptr) : -1;
    ::unlink(path);
    if (bound != 0) return std::string("bind-mount /etc/resolv.conf: ") + std::strerror(errno);
    return "";
}

} // namespace

std::string run_with_silent_dns(const std::function<std::string()>& fn, int limit_s) {
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::close(pipefd[0]);
        int dns_socket = -1;
        std::string problem = setup_silent_dns(dns_socket);
        // First byte: 'E' setup failed, 'R' fn's result follows.
        std::string out = problem.empty() ? "R" + fn() : "E" + problem;
        for (std::size_t at = 0; at < out.size();) {
            auto n = ::write(pipefd[1], out.data() + at, out.size() - at);
            if (n <= 0) break;
            at += std::size_t(n);
        }
        // Skips the parent's atexit handlers and any lookup thread still waiting.
        ::_exit(0);
    }
    ::close(pipefd[1]);
    std::string got;
    bool timed_out = false;
    for (;;) {
        pollfd p{pipefd[0], POLLIN, 0};
        if (::poll(&p, 1, limit_s * 1000) <= 0) {
            timed_out = true;
            break;
        }
        char buf[4096];
        auto n = ::read(pipefd[0], buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, std::size_t(n));
    }
    ::close(pipefd[0]);
    if (timed_out) ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (timed_out) throw std::runtime_error("silent DNS: the child did not report in time");
    if (got.empty()) throw std::runtime_error("silent DNS: the child reported nothing");
    if (got[0] == 'E') throw std::runtime_error("silent DNS: " + got.substr(1));
    return got.substr(1);
}

} // namespace pft
