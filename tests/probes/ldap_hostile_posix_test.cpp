// The ldap probe against hostile LDAP servers on 127.0.0.1: a raw BER
// responder that answers every search with an empty success and every bind
// with invalidCredentials (49) whose diagnostic is AD's "data " followed by
// 30,000 hex digits (the verdict must be the refused bind, not a crash:
// std::regex over the diagnostic used to overflow the worker's stack), and
// others that stay silent, flood, announce huge messages or refuse StartTLS.
#include "probes/ldap/ldap.hpp"
#include "support/probe_harness.hpp"
#include "support/result_text.hpp"
#include "support/text_match.hpp"
#include <arpa/inet.h>
#include <atomic>
#include <filesystem>
#include <functional>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace pf;
using pft::all_text;
using pft::contains;
using Bytes = std::vector<std::uint8_t>;

namespace {

// BER with definite lengths (X.690 8.1.3), enough for LDAPResult.
Bytes tlv(std::uint8_t tag, const Bytes& content) {
    Bytes out{tag};
    std::size_t n = content.size();
    if (n < 128) {
        out.push_back(std::uint8_t(n));
    } else {
        out.push_back(0x82);
        out.push_back(std::uint8_t(n >> 8));
        out.push_back(std::uint8_t(n));
    }
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

Bytes text(const std::string& s) {
    return tlv(0x04, Bytes(s.begin(), s.end()));
}

// LDAPMessage { messageID, [APPLICATION op] LDAPResult {code, matchedDN, diagnostic} }.
Bytes ldap_result(std::uint8_t id, std::uint8_t op_tag, std::uint8_t code,
                  const std::string& diagnostic) {
    Bytes result = tlv(0x0a, {code});
    for (const auto& part : {text(""), text(diagnostic)})
        result.insert(result.end(), part.begin(), part.end());
    Bytes message = tlv(0x02, {id});
    auto op = tlv(op_tag, result);
    message.insert(message.end(), op.begin(), op.end());
    return tlv(0x30, message);
}

// What the server sends for a request (message ID, operation tag); nullopt
// hangs up, an empty answer sends nothing and waits for the next request.
using Responder = std::function<std::optional<Bytes>(std::uint8_t id, std::uint8_t op)>;

// A listening socket on 127.0.0.1 and a port the system chose.
int loopback_listener(std::uint16_t& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    BOOST_REQUIRE(::listen(fd, 8) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

// The threads of this process, now.
std::size_t threads_now() {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
        (void)e;
        ++n;
    }
    return n;
}

// A SearchResultEntry, with one attribute when name is given.
Bytes entry(std::uint8_t id, const std::string& dn, const std::string& name = "",
            const std::vector<std::string>& values = {}) {
    Bytes op = text(dn);
    Bytes set;
    for (const auto& v : values) {
        auto t = text(v);
        set.insert(set.end(), t.begin(), t.end());
    }
    Bytes attribute = text(name);
    auto vals = tlv(0x31, set);
    attribute.insert(attribute.end(), vals.begin(), vals.end());
    auto attributes = tlv(0x30, name.empty() ? Bytes{} : tlv(0x30, attribute));
    op.insert(op.end(), attributes.begin(), attributes.end());
    Bytes message = tlv(0x02, {id});
    auto tagged = tlv(0x64, op);
    message.insert(message.end(), tagged.begin(), tagged.end());
    return tlv(0x30, message);
}

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

class HostileLdap {
  public:
    explicit HostileLdap(std::string diagnostic)
        : HostileLdap([this, diagnostic](std::uint8_t id, std::uint8_t op) -> std::optional<Bytes> {
              if (op == 0x63) // SearchRequest: SearchResultDone, success, no entries
                  return ldap_result(id, 0x65, 0, "");
              if (op == 0x60) { // BindRequest: BindResponse 49
                  ++binds_;
                  return ldap_result(id, 0x61, 49, diagnostic);
              }
              return std::nullopt; // unbind or anything else: hang up
          }) {}
    explicit HostileLdap(Responder respond) : respond_(std::move(respond)) {
        listener_ = loopback_listener(port_);
        thread_ = std::thread([this] { serve(); });
    }
    ~HostileLdap() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    std::string port() const { return std::to_string(port_); }
    int binds() const { return binds_; }
    // The process's threads when the first request arrived.
    std::size_t threads_at_first_request() const { return threads_at_request_; }

  private:
    bool readable(int fd) {
        pollfd p{fd, POLLIN, 0};
        while (!stop_)
            if (::poll(&p, 1, 50) > 0) return true;
        return false;
    }
    bool read_exact(int fd, std::uint8_t* buf, std::size_t n) {
        while (n) {
            if (!readable(fd)) return false;
            auto got = ::read(fd, buf, n);
            if (got <= 0) return false;
            buf += got;
            n -= std::size_t(got);
        }
        return true;
    }
    // One LDAPMessage: its id and the tag of its operation.
    bool read_message(int fd, std::uint8_t& id, std::uint8_t& op) {
        std::uint8_t head[2];
        if (!read_exact(fd, head, 2) || head[0] != 0x30) return false;
        std::size_t len = head[1];
        if (len & 0x80) {
            std::uint8_t bytes[4];
            std::size_t k = len & 0x7f;
            if (k == 0 || k > 4 || !read_exact(fd, bytes, k)) return false;
            len = 0;
            for (std::size_t i = 0; i < k; ++i)
                len = len << 8 | bytes[i];
        }
        if (len < 5 || len > 65536) return false;
        Bytes body(len);
        if (!read_exact(fd, body.data(), len)) return false;
        // INTEGER messageID of one byte (libldap counts from 1), then the op.
        if (body[0] != 0x02 || body[1] != 1) return false;
        id = body[2];
        op = body[3];
        return true;
    }
    void converse(int fd) {
        std::uint8_t id = 0, op = 0;
        while (read_message(fd, id, op)) {
            if (threads_at_request_ == 0) threads_at_request_ = threads_now();
            auto reply = respond_(id, op);
            if (!reply) break;
            if (::send(fd, reply->data(), reply->size(), MSG_NOSIGNAL) != ssize_t(reply->size()))
                break;
        }
    }
    void serve() {
        while (readable(listener_)) {
            int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            converse(fd);
            ::close(fd);
        }
    }
    Responder respond_;
    std::atomic<std::size_t> threads_at_request_{0};
    int listener_ = -1;
    std::uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> binds_{0};
    std::thread thread_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(ldap_hostile)

BOOST_AUTO_TEST_CASE(a_bind_refusal_with_30000_hex_digits_is_a_verdict_not_a_crash) {
    std::string hex;
    for (int i = 0; i < 30000; ++i)
        hex += "0123456789abcdef"[i % 16];
    HostileLdap server("80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext "
                       "error, data " +
                       hex + ", v4563");
    RunEnvironment env;
    auto r = test::run_probe(ldap_probe(), env,
                             {{"host", "127.0.0.1"},
                              {"port", server.port()},
                              {"bind_dn", "CN=svc,DC=corp,DC=example"},
                              {"password", "not-the-password"},
                              // A hostile plain listener: the bind must reach it.
                              {"allow_plaintext_auth", "true"}});
    BOOST_TEST(server.binds() == 1);
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(reason_code(r.reason) == "ldap_invalid_credentials");
    BOOST_TEST(contains(r.summary, "bind as 'CN=svc,DC=corp,DC=example' rejected: invalid "
                                   "credentials (LDAP 49"),
               r.summary.substr(0, 300));
    BOOST_TEST(!contains(all_text(r), "not-the-password"));
}

BOOST_AUTO_TEST_CASE(a_silent_peer_gets_one_verdict_at_the_deadline) {
    // Listens and never reads: the kernel completes the TCP handshake, and
    // neither LDAP nor TLS is ever answered.
    std::uint16_t number = 0;
    int fd = loopback_listener(number);
    auto port = std::to_string(number);
    RunEnvironment env;
    for (const char* security : {"none", "starttls", "ldaps"}) {
        auto deadline = std::chrono::milliseconds(900);
        auto t0 = Clock::now();
        // run_probe checks that the verdict came once, on the loop.
        auto r = test::run_probe(ldap_probe(), env,
                                 {{"host", "127.0.0.1"}, {"port", port}, {"security", security}},
                                 deadline);
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
        BOOST_TEST(r.status == Status::fail, security);
        BOOST_TEST(reason_code(r.reason) == "timed_out", security << ": " << r.summary);
        BOOST_TEST(contains(r.summary, "accepted the TCP connection but did not"), r.summary);
        BOOST_TEST(took.count() >= (deadline - std::chrono::milliseconds(50)).count(), security);
        BOOST_TEST(took.count() <= (deadline + std::chrono::milliseconds(50)).count(), security);
    }
    ::close(fd);
}

BOOST_AUTO_TEST_CASE(a_conversation_runs_on_the_loop_without_a_thread) {
    HostileLdap server("no");
    RunEnvironment env;
    auto before = threads_now(); // this one and the server's
    auto r = test::run_probe(ldap_probe(), env, {{"host", "127.0.0.1"}, {"port", server.port()}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    // While the server had the request, the probe waited for the answer:
    // on a worker thread that would have been one more.
    BOOST_TEST(server.threads_at_first_request() == before);
}

BOOST_AUTO_TEST_CASE(a_rootdse_refused_anonymously_is_read_after_the_bind) {
    HostileLdap server([](std::uint8_t id, std::uint8_t op) -> std::optional<Bytes> {
        if (op == 0x60) return ldap_result(id, 0x61, 0, "");
        if (op != 0x63) return std::nullopt;
        if (id == 1) return ldap_result(id, 0x65, 50, "anonymous access denied");
        return entry(id, "", "DNSHostName", {"dc9.corp.example"}) +
               entry(id, "", "vendorName", {"not kept: a second entry"}) +
               ldap_result(id, 0x65, 0, "");
    });
    RunEnvironment env;
    auto r = test::run_probe(ldap_probe(), env,
                             {{"host", "127.0.0.1"},
                              {"port", server.port()},
                              {"bind_dn", "cn=svc"},
                              {"password", "Pw-for-the-test-9"},
                              {"allow_plaintext_auth", "true"}});
    BOOST_TEST(r.status == Status::warn, r.summary);
    BOOST_TEST(reason_code(r.reason) == "plaintext_auth_sent", r.summary);
    BOOST_TEST(contains(r.summary, "answers as dc9.corp.example"), r.summary);
    BOOST_TEST(contains(r.summary, "bound as 'cn=svc'"), r.summary);
    BOOST_TEST(!contains(all_text(r), "not kept"), all_text(r));
}

BOOST_AUTO_TEST_CASE(a_server_ignoring_the_size_limit_is_cut_off_there) {
    // 1,500 entries for a search limited to 1,000, then success.
    HostileLdap server([](std::uint8_t id, std::uint8_t op) -> std::optional<Bytes> {
        if (op != 0x63) return std::nullopt;
        if (id == 1) return ldap_result(id, 0x65, 0, "");
        Bytes all;
        for (int i = 0; i < 1500; ++i)
            all = all + entry(id, "cn=e" + std::to_string(i) + ",dc=x");
        return all + ldap_result(id, 0x65, 0, "");
    });
    RunEnvironment env;
    auto r = test::run_probe(ldap_probe(), env,
                             {{"host", "127.0.0.1"}, {"port", server.port()}, {"base", "dc=x"}});
    BOOST_TEST(r.status == Status::pass, r.summary);
    BOOST_TEST(contains(r.summary, "base 'dc=x' exists with at least 1000 entries"), r.summary);
}

BOOST_AUTO_TEST_CASE(huge_or_broken_messages_are_verdicts) {
    RunEnvironment env;
    // A message announcing 16 MiB: refused from its header, nothing buffered.
    HostileLdap huge([](std::uint8_t, std::uint8_t) -> std::optional<Bytes> {
        return Bytes{0x30, 0x84, 0x01, 0x00, 0x00, 0x00, 0x02, 0x01};
    });
    auto r = test::run_probe(ldap_probe(), env, {{"host", "127.0.0.1"}, {"port", huge.port()}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(reason_code(r.reason) == "protocol_error", r.summary);
    BOOST_TEST(contains(r.summary, "no LDAP answer from 127.0.0.1:" + huge.port()), r.summary);
    BOOST_TEST(contains(r.summary, "announced 16777222 bytes"), r.summary);
    // Not BER at all (an HTTP server on the port), then an LDAP message
    // whose answer is to another request.
    for (Bytes reply : {Bytes{'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ', '4', '0', '0'},
                        ldap_result(77, 0x65, 0, "")}) {
        HostileLdap odd(
            [reply](std::uint8_t, std::uint8_t) -> std::optional<Bytes> { return reply; });
        auto o = test::run_probe(ldap_probe(), env, {{"host", "127.0.0.1"}, {"port", odd.port()}});
        BOOST_TEST(o.status == Status::fail);
        BOOST_TEST(reason_code(o.reason) == "protocol_error", o.summary);
    }
}

BOOST_AUTO_TEST_CASE(a_refused_starttls_is_named) {
    // ExtendedResponse protocolError (2), as a server without a certificate answers.
    HostileLdap server([](std::uint8_t id, std::uint8_t op) -> std::optional<Bytes> {
        if (op != 0x77) return std::nullopt;
        return ldap_result(id, 0x78, 2, "unsupported extended operation");
    });
    RunEnvironment env;
    auto r =
        test::run_probe(ldap_probe(), env,
                        {{"host", "127.0.0.1"}, {"port", server.port()}, {"security", "starttls"}});
    BOOST_TEST(r.status == Status::fail);
    BOOST_TEST(reason_code(r.reason) == "no_starttls", r.summary);
    BOOST_TEST(contains(r.summary, "the server refused StartTLS on 127.0.0.1:" + server.port() +
                                       " (LDAP 2 Protocol error, server says 'unsupported extended "
                                       "operation')"),
               r.summary);
}

BOOST_AUTO_TEST_CASE(ad_reasons_are_decoded_from_long_and_odd_diagnostics) {
    std::string code;
    BOOST_TEST(ad_bind_reason("data " + std::string(30000, 'f'), &code).empty());
    // No AD code is that long: the run is not taken as one, nor copied.
    BOOST_TEST(code.empty());
    BOOST_TEST(ad_bind_reason("data 8009030c", &code).empty());
    BOOST_TEST(code == "8009030c");
    // Only the head of a diagnostic is read.
    code.clear();
    BOOST_TEST(ad_bind_reason(std::string(5000, ' ') + "data 775", &code).empty());
    BOOST_TEST(code.empty());
    BOOST_TEST(contains(ad_bind_reason("x data zz, data 775, v1", &code), "locked out"));
    BOOST_TEST(code == "775");
    BOOST_TEST(contains(ad_bind_reason("data 52E", &code), "invalid credentials"));
    BOOST_TEST(code == "52e");
    BOOST_TEST(ad_bind_reason("data ").empty());
    BOOST_TEST(ad_bind_reason(std::string(100000, 'd') + "data").empty());
}

BOOST_AUTO_TEST_SUITE_END()
