// The endpoint-mapper probe against a deliberately hostile responder on
// 127.0.0.1: garbage, PDUs cut short, absurd lengths, refusals and silence.
// Each must end in an error or fail verdict that names the fault, by the
// deadline, without a crash. (The real endpoint mapper, Samba's, is in
// rpc_samba_posix_test.cpp.)
#include "probes/rpc/dcerpc_pdu.hpp"
#include "probes/rpc/rpc.hpp"
#include "support/probe_harness.hpp"
#include "support/processes.hpp"
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using pf::Status;
using Bytes = pf::dcerpc::Bytes;

namespace {

// What the responder does on its one connection: for each reply, read one
// whole PDU from the client and send the reply's bytes; then close or keep
// the connection open and silent until the test ends.
struct Script {
    std::vector<Bytes> replies;
    bool hold = true;
};

class HostileResponder {
  public:
    explicit HostileResponder(Script script) : script_(std::move(script)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        BOOST_REQUIRE(::listen(listener_, 4) == 0);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~HostileResponder() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    std::string port() const { return std::to_string(port_); }

  private:
    bool wait_readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        while (!stop_)
            if (::poll(&p, 1, 50) > 0) return true;
        return false;
    }
    bool read_exact(int fd, std::uint8_t* buf, std::size_t n) {
        while (n) {
            if (!wait_readable(fd)) return false;
            auto got = ::read(fd, buf, n);
            if (got <= 0) return false;
            buf += got;
            n -= std::size_t(got);
        }
        return true;
    }
    bool read_pdu(int fd) {
        std::uint8_t head[16];
        if (!read_exact(fd, head, 16)) return false;
        std::size_t frag = head[8] | (head[9] << 8);
        std::vector<std::uint8_t> rest(frag > 16 ? frag - 16 : 0);
        return read_exact(fd, rest.data(), rest.size());
    }
    void serve() {
        if (!wait_readable(listener_)) return;
        int fd = ::accept(listener_, nullptr, nullptr);
        if (fd < 0) return;
        for (const auto& reply : script_.replies) {
            if (!read_pdu(fd)) break;
            if (::write(fd, reply.data(), reply.size()) < 0) break;
        }
        if (script_.hold) {
            // Keep the connection open, reading and discarding, until the end.
            char sink[256];
            while (wait_readable(fd))
                if (::read(fd, sink, sizeof sink) <= 0) break;
        }
        ::close(fd);
    }

    Script script_;
    int listener_ = -1;
    unsigned short port_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

Bytes hex(const std::string& text) {
    Bytes out;
    std::size_t i = 0;
    while (i + 1 < text.size()) {
        if (text[i] == ' ') {
            ++i;
            continue;
        }
        out.push_back(static_cast<std::uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16)));
        i += 2;
    }
    return out;
}

// A well-formed bind_ack (call 1) accepting NDR 2.0: 60 bytes.
Bytes bind_ack() {
    return hex("05 00 0c 03 10 00 00 00 3c 00 00 00 01 00 00 00 d0 16 d0 16 f0 53 00 00"
               " 04 00 31 33 35 00 00 00 01 00 00 00 00 00 00 00"
               " 04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60 02 00 00 00");
}

// An ept_map response (call 2) with one ICertPassage tower at 0.0.0.0:port.
Bytes ept_map_reply(std::uint16_t port) {
    auto tower = pf::dcerpc::encode_tower(pf::dcerpc::cert_passage(), port);
    auto pdu = hex("05 00 02 03 10 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00"
                   " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                   " 01 00 00 00 04 00 00 00 00 00 00 00 01 00 00 00 03 00 00 00 4b 00 00 00"
                   " 4b 00 00 00");
    pdu.insert(pdu.end(), tower.begin(), tower.end());
    pdu.insert(pdu.end(), {0, 0, 0, 0, 0});
    pdu[8] = std::uint8_t(pdu.size());
    return pdu;
}

struct Timed {
    pf::ProbeResult result;
    double seconds = 0;
};

constexpr auto deadline = std::chrono::milliseconds(1000);

Timed run(const std::string& port, std::map<std::string, std::string> extra = {}) {
    auto env = pf::test::env_with(pf::test::linux_facts());
    extra["host"] = "127.0.0.1";
    extra["port"] = port;
    auto t0 = std::chrono::steady_clock::now();
    auto r = pf::test::run_probe(pf::rpc_epmap_probe(), env, extra, deadline);
    return {r, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()};
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rpc_epmap_hostile)

BOOST_AUTO_TEST_CASE(garbage_is_not_an_endpoint_mapper) {
    HostileResponder peer({{Bytes{'H', 'T', 'T', 'P', '/', '1', '.',  '1',  ' ',  '4',
                                  '0', '0', ' ', 'B', 'a', 'd', '\r', '\n', '\r', '\n'}},
                           true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::error);
    BOOST_TEST(
        starts_with(t.result.summary, "not a DCE/RPC endpoint mapper: 127.0.0.1:" + peer.port() +
                                          " answered the bind with RPC version 72.84 "
                                          "(expected 5.0); first bytes 48 54 54 50"),
        t.result.summary);
    BOOST_TEST(t.seconds < 0.5);
}

BOOST_AUTO_TEST_CASE(a_truncated_pdu_then_silence_is_cut_at_the_deadline) {
    auto ack = bind_ack();
    ack.resize(30);
    HostileResponder peer({{ack}, true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::error);
    BOOST_TEST(starts_with(t.result.summary,
                           "not a DCE/RPC endpoint mapper: 127.0.0.1:" + peer.port() +
                               " answered the bind with a reply that stopped after 30 of 60 bytes, "
                               "and nothing more came within"),
               t.result.summary);
    BOOST_TEST(t.seconds >= 0.9);
    BOOST_TEST(t.seconds < 1.5, t.seconds);
}

BOOST_AUTO_TEST_CASE(a_pdu_cut_by_a_close_is_reported_at_once) {
    auto ack = bind_ack();
    ack.resize(10);
    HostileResponder peer({{ack}, false});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::error);
    BOOST_TEST(
        t.result.summary.find("answered the bind with a reply cut off after 10 of 16 bytes") !=
            std::string::npos,
        t.result.summary);
    BOOST_TEST(t.seconds < 0.5);
}

BOOST_AUTO_TEST_CASE(an_absurd_frag_length_is_rejected_without_waiting_for_it) {
    auto ack = bind_ack();
    ack[8] = ack[9] = 0xff;
    HostileResponder peer({{ack}, true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::error);
    BOOST_TEST(t.result.summary.find("answered the bind with frag_length 65535 exceeds the 5840 "
                                     "bytes this client accepts") != std::string::npos,
               t.result.summary);
    BOOST_TEST(t.seconds < 0.5);
}

BOOST_AUTO_TEST_CASE(a_bind_nak_is_a_refusal_with_its_reason) {
    HostileResponder peer(
        {{hex("05 00 0d 03 10 00 00 00 15 00 00 00 01 00 00 00 04 00 01 05 00")}, true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(t.result.summary == "the endpoint mapper at 127.0.0.1:" + peer.port() +
                                       " refused the bind: bind_nak: reason 4 "
                                       "(protocol_version_not_supported)");
    BOOST_TEST(t.seconds < 0.5);
}

BOOST_AUTO_TEST_CASE(a_fault_to_ept_map_is_decoded) {
    HostileResponder peer({{bind_ack(), hex("05 00 03 03 10 00 00 00 20 00 00 00 02 00 00 00"
                                            " 20 00 00 00 00 00 00 00 03 00 01 1c 00 00 00 00")},
                           true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(t.result.summary == "the endpoint mapper at 127.0.0.1:" + peer.port() +
                                       " refused ept_map: fault status 0x1c010003 (nca_s_unk_if)");
    BOOST_TEST(t.seconds < 0.5);
}

BOOST_AUTO_TEST_CASE(an_ept_map_answer_with_absurd_tower_lengths_is_an_error) {
    auto reply = ept_map_reply(49153);
    reply[68] = reply[69] = 0xff; // tower_length 65535 inside a 152-byte PDU
    HostileResponder peer({{bind_ack(), reply}, true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::error);
    BOOST_TEST(
        starts_with(t.result.summary, "not a DCE/RPC endpoint mapper: 127.0.0.1:" + peer.port() +
                                          " answered the ept_map request with ept_map "
                                          "tower_length"),
        t.result.summary);
}

BOOST_AUTO_TEST_CASE(silence_after_the_connect_is_a_fail_at_the_deadline) {
    HostileResponder peer({{}, true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(starts_with(t.result.summary, "127.0.0.1:" + peer.port() +
                                                 " accepted the connection but did not answer "
                                                 "the bind within"),
               t.result.summary);
    BOOST_TEST(t.seconds < 1.5, t.seconds);
}

BOOST_AUTO_TEST_CASE(a_close_without_answer_is_not_an_endpoint_mapper) {
    HostileResponder peer({{Bytes{}}, false});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::error);
    BOOST_TEST(
        starts_with(t.result.summary, "not a DCE/RPC endpoint mapper: 127.0.0.1:" + peer.port() +
                                          " answered the bind with nothing: it closed the "
                                          "connection"),
        t.result.summary);
    BOOST_TEST(t.seconds < 0.5);
}

BOOST_AUTO_TEST_CASE(a_refused_port_135_is_diagnosed_as_the_tcp_probe_does) {
    auto port = std::to_string(pft::unused_port());
    auto t = run(port);
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(starts_with(t.result.summary, "refused: 127.0.0.1 is up but nothing accepts "
                                             "connections on port " +
                                                 port),
               t.result.summary);
}

// A scripted, valid exchange: the probe follows the tower to a port, connects
// to the address it asked (not the tower's 0.0.0.0), and tells an answering
// port from a refusing one.
BOOST_AUTO_TEST_CASE(the_mapped_port_is_connected_on_the_address_asked) {
    HostileResponder target({{}, true});
    auto port = static_cast<std::uint16_t>(std::stoi(target.port()));
    HostileResponder peer({{bind_ack(), ept_map_reply(port)}, true});
    auto t = run(peer.port());
    BOOST_TEST(t.result.status == Status::pass, t.result.summary);
    BOOST_TEST(t.result.summary == "ICertPassage is registered at port " + target.port() +
                                       " on 127.0.0.1 and the port answers");

    auto closed = pft::unused_port();
    HostileResponder peer2({{bind_ack(), ept_map_reply(closed)}, true});
    t = run(peer2.port());
    BOOST_TEST(t.result.status == Status::fail);
    BOOST_TEST(starts_with(t.result.summary, "ICertPassage is registered at port " +
                                                 std::to_string(closed) +
                                                 " on 127.0.0.1, but that port refused"),
               t.result.summary);

    HostileResponder peer3({{bind_ack(), ept_map_reply(closed)}, true});
    t = run(peer3.port(), {{"connect", "false"}});
    BOOST_TEST(t.result.status == Status::pass);
    BOOST_TEST(t.result.summary == "ICertPassage is registered at port " + std::to_string(closed) +
                                       " on 127.0.0.1 (not connected: connect=false)");
}

BOOST_AUTO_TEST_CASE(bad_parameters_are_errors_before_anything_is_sent) {
    BOOST_TEST(starts_with(
        pf::test::declaration_refuses(pf::rpc_epmap_probe(), {{"interface", "not-a-uuid"}}),
        "interface: expected a UUID such as"));
    BOOST_TEST(
        starts_with(pf::test::declaration_refuses(pf::rpc_epmap_probe(), {{"version", "1.x"}}),
                    "version: expected an interface version major.minor"));
    BOOST_TEST(pf::test::declaration_refuses(pf::rpc_epmap_probe(), {{"version", "1.0"}}).empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rpc_dynamic_range_loopback)

BOOST_AUTO_TEST_CASE(a_range_with_a_listener_is_reachable_and_counts_it) {
    HostileResponder listener({{}, true});
    auto env = pf::test::env_with(pf::test::linux_facts());
    auto r = pf::test::run_probe(
        pf::rpc_dynamic_range_probe(), env,
        {{"host", "127.0.0.1"}, {"range", listener.port() + "-" + listener.port()}}, deadline);
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(r.summary == "the RPC dynamic range " + listener.port() + "-" + listener.port() +
                                " on 127.0.0.1 is reachable (1 open, 0 refused, 0 timed out of 1 "
                                "sampled: answers come back)");
}

BOOST_AUTO_TEST_SUITE_END()
