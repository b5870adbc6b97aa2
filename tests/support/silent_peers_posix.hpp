#pragma once
// Peers that never answer, at the two places a client can wait: a TCP
// connect whose SYN goes unanswered, and a DNS server that receives the
// question and says nothing. (A peer that accepts and then stays silent is
// HostilePeer::silent() in hostile_peer_posix.hpp.)
#include <functional>
#include <string>

namespace pft {

// A listener on 127.0.0.1 whose accept queue is full and never drained: the
// kernel drops every further SYN, so a connect to port() waits as it would
// behind a firewall that drops, with no refusal to end it.
class UnansweredConnect {
  public:
    UnansweredConnect();
    ~UnansweredConnect();
    UnansweredConnect(const UnansweredConnect&) = delete;
    UnansweredConnect& operator=(const UnansweredConnect&) = delete;
    unsigned short port() const { return port_; }
    std::string port_text() const { return std::to_string(port_); }

  private:
    int listener_ = -1, filler_ = -1;
    unsigned short port_ = 0;
};

// Runs fn in a child process with a network namespace of its own (only a
// loopback interface) and a mount namespace whose /etc/resolv.conf names
// 127.0.0.1, where a UDP socket receives the questions and never answers.
// Returns what fn returned; throws when the child could not be set up or
// did not report within `limit_s`. Needs root (the caller skips otherwise).
std::string run_with_silent_dns(const std::function<std::string()>& fn, int limit_s = 30);

} // namespace pft
