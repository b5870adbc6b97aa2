#pragma once
// A misbehaving server on 127.0.0.1, for tests asserting that every probe
// reaches a verdict by its deadline with bounded memory whatever the peer
// does: silence, garbage, a byte at a time, an endless line, a huge reply,
// bogus lengths, half a TLS handshake, a 407 and a close. Each connection is
// served on a thread of its own until the client closes or the peer is
// destroyed; nothing is parsed beyond what the behaviour needs.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pft {

struct PeerScript {
    // Wait for the client's first bytes (up to a blank line when the client
    // speaks HTTP) before sending; false: send on connect, as a server that
    // speaks first (SMTP, syslog's silence) does.
    bool wait_for_request = false;
    std::string reply = {};  // sent once
    std::string repeat = {}; // then sent again and again (an endless line), if not empty
    std::size_t repeat_limit =
        0;                    // stop repeating after this many bytes (0: until the client closes)
    int drip_ms = 0;          // > 0: reply (and repeat) one byte every drip_ms
    bool close_after = false; // close once sent; else hold the connection open, reading
};

class HostilePeer {
  public:
    explicit HostilePeer(PeerScript script);
    ~HostilePeer();
    HostilePeer(const HostilePeer&) = delete;
    HostilePeer& operator=(const HostilePeer&) = delete;
    unsigned short port() const { return port_; }
    std::string port_text() const { return std::to_string(port_); }
    // Everything clients sent, all connections in order of arrival (first 64 KiB).
    std::string received() const;
    int connections() const { return connections_; }

    // The common misbehaviours.
    static PeerScript silent() { return {}; }
    static PeerScript garbage(bool after_request = false) {
        static const char bytes[] = "\x7fGARBAGE \x01\x02\x03 not any protocol\r\n";
        return {.wait_for_request = after_request, .reply = std::string(bytes, sizeof bytes - 1)};
    }
    static PeerScript drip(std::string text) { return {.reply = std::move(text), .drip_ms = 50}; }
    // prefix, then 'x' without end (no line end ever comes).
    static PeerScript endless_line(std::string prefix, bool after_request = false) {
        return {.wait_for_request = after_request,
                .reply = std::move(prefix),
                .repeat = std::string(64 * 1024, 'x'),
                .repeat_limit = 100u << 20};
    }
    // A TLS record header and the start of a ServerHello, then silence.
    static PeerScript half_tls_handshake();

  private:
    void accept_loop();
    void serve(int fd);

    PeerScript script_;
    int listener_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    mutable std::mutex mutex_;
    std::string received_;
    std::vector<std::thread> threads_;
    std::thread acceptor_;
};

// This process's resident set size in KiB (VmRSS), 0 when unknown.
long rss_kib();

} // namespace pft
