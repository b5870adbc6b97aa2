// The ldap probe against a hostile LDAP server on 127.0.0.1: a raw BER
// responder that answers every search with an empty success and every bind
// with invalidCredentials (49) whose diagnostic is AD's "data " followed by
// 30,000 hex digits. The verdict must be the refused bind, not a crash
// (std::regex over the diagnostic used to overflow the worker's stack).
#include "probes/ldap/ldap.hpp"
#include "support/probe_harness.hpp"
#include "support/result_text.hpp"
#include "support/text_match.hpp"
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
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

class HostileLdap {
  public:
    explicit HostileLdap(std::string diagnostic) : diagnostic_(std::move(diagnostic)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        BOOST_REQUIRE(::listen(listener_, 8) == 0);
        socklen_t len = sizeof a;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~HostileLdap() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
    }
    std::string port() const { return std::to_string(port_); }
    int binds() const { return binds_; }

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
            Bytes reply;
            if (op == 0x63) { // SearchRequest: SearchResultDone, success, no entries
                reply = ldap_result(id, 0x65, 0, "");
            } else if (op == 0x60) { // BindRequest: BindResponse 49
                ++binds_;
                reply = ldap_result(id, 0x61, 49, diagnostic_);
            } else {
                break; // unbind or anything else: hang up
            }
            if (::send(fd, reply.data(), reply.size(), MSG_NOSIGNAL) != ssize_t(reply.size()))
                break;
        }
    }
    void serve() {
        // The probe connects twice: its TCP check, then the LDAP client.
        while (readable(listener_)) {
            int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) continue;
            converse(fd);
            ::close(fd);
        }
    }
    std::string diagnostic_;
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
    BOOST_TEST(contains(r.summary, "bind as 'CN=svc,DC=corp,DC=example' rejected: invalid "
                                   "credentials (LDAP 49"),
               r.summary.substr(0, 300));
    BOOST_TEST(!contains(all_text(r), "not-the-password"));
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
