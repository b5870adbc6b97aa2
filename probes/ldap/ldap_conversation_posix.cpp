// The LDAP conversation on Linux, spoken by the probe itself on the run's
// event loop: liblber encodes and decodes the messages, the connection is
// the probe's own socket, TLS the project's (net/tls_connect), so the chain
// is judged by the same check as every other TLS peer and nothing reads a
// client library's private state. No step blocks and no thread waits: at the
// deadline the probe closes the socket and the conversation is over.
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/tls_connect.hpp"
#include "probes/ldap/ldap_client.hpp"
#include "probes/ldap/ldap_messages_posix.hpp"
#include <array>
#include <asio/write.hpp>
#include <openssl/crypto.h>

namespace pf {

namespace {

const std::vector<std::string> rootdse_attrs = {"defaultNamingContext", "dnsHostName",
                                                "isGlobalCatalogReady", "supportedLDAPVersion",
                                                "namingContexts",       "vendorName"};

// The same names as the decoder matches them.
const std::vector<std::string> rootdse_keys = {"defaultnamingcontext", "dnshostname",
                                               "isglobalcatalogready", "supportedldapversion",
                                               "namingcontexts",       "vendorname"};

// The bytes of one request, wiped when they go (a bind's hold the password).
struct Outgoing {
    std::string bytes;
    ~Outgoing() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

class Conversation : public std::enable_shared_from_this<Conversation> {
  public:
    Conversation(asio::io_context& io, SocketPtr socket, const LdapRequest& req,
                 LdapTlsCheck tls_ok, std::shared_ptr<std::atomic<int>> step,
                 std::function<void(LdapOutcome)> on_done)
        : io_(io), socket_(std::move(socket)), req_(req), tls_ok_(std::move(tls_ok)),
          step_(std::move(step)), on_done_(std::move(on_done)) {}

    void start() {
        if (req_.security == LdapSecurity::ldaps) return handshake("TLS");
        if (req_.security == LdapSecurity::none) return read_rootdse();
        enter(LdapStep::tls);
        auto self = shared_from_this();
        send(ldap::starttls_request(next_id_), [self](const ldap::Message& m) {
            if (m.op != ldap::extended_response)
                return self->not_ldap(msg("ldap.expected_extended_response"));
            if (m.code != 0) return self->refused(m);
            self->handshake("StartTLS");
        });
    }

    void cancel() {
        on_done_ = nullptr;
        close();
    }

  private:
    asio::io_context& io_;
    SocketPtr socket_;
    std::shared_ptr<TlsLink> tls_;
    std::function<void()> cancel_tls_;
    LdapRequest req_;
    LdapTlsCheck tls_ok_;
    std::shared_ptr<std::atomic<int>> step_;
    std::function<void(LdapOutcome)> on_done_;
    LdapOutcome out_;
    Clock::time_point t0_ = Clock::now();
    int next_id_ = 1;
    std::string in_; // received, not yet a whole message
    std::array<char, 16 * 1024> chunk_{};
    bool first_entry_ = true;

    void enter(LdapStep s) {
        out_.step = s;
        *step_ = static_cast<int>(s);
        t0_ = Clock::now();
    }
    void took(const char* what) { out_.timings_ms.emplace_back(what, ms_since(t0_)); }

    void close() {
        if (cancel_tls_) cancel_tls_();
        cancel_tls_ = nullptr;
        std::error_code ignore;
        if (tls_) tls_->stream.lowest_layer().close(ignore);
        if (socket_) socket_->close(ignore);
    }

    void finish() {
        close();
        if (auto cb = std::move(on_done_)) {
            on_done_ = nullptr;
            cb(std::move(out_));
        }
    }

    // The connection broke, or the server hung up (RFC 4511 4.4.1 lets it
    // say why first).
    void lost(const std::string& what) {
        out_.code = -1;
        out_.api_error = true;
        out_.error = what;
        finish();
    }
    void lost(const Message& what) { lost(part(what).text); }
    void not_ldap(const Message& expected) {
        out_.not_ldap = true;
        lost(msg("ldap.answer_not", {{"expected", part(expected)}}));
    }
    // An LDAP result that ends the conversation.
    void refused(const ldap::Message& m) {
        out_.code = m.code;
        out_.error = ldap::result_name(m.code);
        out_.diagnostic = m.diagnostic.substr(0, 4096);
        out_.matched_dn = m.matched_dn.substr(0, 4096);
        finish();
    }

    void handshake(const char* timing) {
        enter(LdapStep::tls);
        auto self = shared_from_this();
        // The deadline is the probe's (it closes the socket); this one only
        // keeps the handshake from outliving it.
        cancel_tls_ =
            tls_over(io_, std::move(socket_), req_.host, req_.port, req_.host,
                     req_.deadline + std::chrono::seconds(1), [self, timing](TlsConnection c) {
                         self->cancel_tls_ = nullptr;
                         self->secured(std::move(c), timing);
                     });
    }

    void secured(TlsConnection c, const char* timing) {
        if (c.outcome != TlsConnection::Outcome::open) {
            out_.tls_failure = c.failure;
            return lost(c.failure);
        }
        tls_ = c.link;
        out_.tls_version = c.protocol;
        out_.chain = std::move(c.chain);
        took(timing);
        if (out_.chain.empty()) {
            out_.tls_unchecked = true;
            return lost(msg("ldap.no_certificate"));
        }
        if (!tls_ok_(out_.chain)) {
            out_.tls_refused = true;
            return finish();
        }
        read_rootdse();
    }

    // Servers may refuse it to anonymous clients: an LDAP result is noted
    // and the conversation goes on.
    void read_rootdse() {
        enter(LdapStep::rootdse);
        first_entry_ = true;
        auto request = ldap::search_request(next_id_, "", false, "(objectClass=*)", rootdse_attrs,
                                            0, time_limit());
        auto self = shared_from_this();
        send(request.value_or(""), [self](const ldap::Message& m) {
            if (m.op != ldap::search_done)
                return self->not_ldap(msg("ldap.expected_search_result"));
            if (m.code == 0) {
                self->took("rootDSE");
                self->out_.rootdse_error.clear();
            } else {
                self->out_.rootdse.clear();
                self->out_.rootdse_error =
                    ldap::result_name(m.code) + " (" + std::to_string(m.code) + ")";
            }
            self->after_rootdse();
        });
    }

    void after_rootdse() {
        if (!req_.bind_dn.empty() && !out_.bound) return bind();
        if (!req_.base.empty()) return search_base();
        done();
    }

    void bind() {
        enter(LdapStep::bind);
        auto self = shared_from_this();
        send(ldap::bind_request(next_id_, req_.bind_dn, req_.password->reveal()),
             [self](const ldap::Message& m) {
                 if (m.op != ldap::bind_response)
                     return self->not_ldap(msg("ldap.expected_bind_response"));
                 if (m.code != 0) return self->refused(m);
                 self->out_.bound = true;
                 self->took("bind");
                 // Refused anonymously: the account may read it.
                 if (self->out_.rootdse.empty()) return self->read_rootdse();
                 self->after_rootdse();
             });
    }

    void search_base() {
        enter(LdapStep::search);
        out_.entries = 0;
        auto request = ldap::search_request(next_id_, req_.base, true, req_.filter, {"1.1"},
                                            req_.size_limit, time_limit());
        if (!request) {
            out_.bad_filter = true;
            out_.error = "the filter cannot be parsed";
            return finish();
        }
        auto self = shared_from_this();
        send(*request, [self](const ldap::Message& m) {
            if (m.op != ldap::search_done)
                return self->not_ldap(msg("ldap.expected_search_result"));
            if (m.code != 0 && m.code != 4) return self->refused(m);
            self->out_.size_limited = self->out_.size_limited || m.code == 4;
            self->took("search");
            self->done();
        });
    }

    void done() {
        enter(LdapStep::done);
        // A courtesy, not waited for: the server closes on unbind anyway.
        auto self = shared_from_this();
        auto bye = std::make_shared<Outgoing>(Outgoing{ldap::unbind_request(next_id_++)});
        write(bye, [self, bye](std::error_code) { self->finish(); });
    }

    int time_limit() const {
        auto left = std::chrono::duration_cast<std::chrono::seconds>(req_.deadline - Clock::now());
        return static_cast<int>(std::max<long long>(1, left.count() + 1));
    }

    template <class Handler> void write(const std::shared_ptr<Outgoing>& o, Handler h) {
        if (tls_)
            asio::async_write(tls_->stream, asio::buffer(o->bytes), [h](auto ec, auto) { h(ec); });
        else
            asio::async_write(*socket_, asio::buffer(o->bytes), [h](auto ec, auto) { h(ec); });
    }

    // Sends a request and hands the answer to it (its final message: search
    // entries are taken in between) to on_answer.
    void send(std::string bytes, std::function<void(const ldap::Message&)> on_answer) {
        int id = next_id_++;
        auto o = std::make_shared<Outgoing>(Outgoing{std::move(bytes)});
        auto self = shared_from_this();
        write(o, [self, o, id, on_answer](std::error_code ec) {
            if (!self->on_done_) return;
            if (ec)
                return self->lost(msg("ldap.connection_broke_sending", {{"error", ec.message()}}));
            self->receive(id, on_answer);
        });
    }

    // Takes whole messages from what has arrived, reading more until the
    // request's final answer is there; entries are counted or read as they
    // pass and not kept.
    void receive(int id, std::function<void(const ldap::Message&)> on_answer) {
        for (;;) {
            if (!on_done_) return;
            auto f = ldap::frame(in_);
            if (f.state == ldap::Frame::State::need_more) break;
            if (f.state == ldap::Frame::State::invalid) return not_ldap(msg("ldap.expected_ldap"));
            if (f.state == ldap::Frame::State::too_large)
                return not_ldap(msg("ldap.expected_message_under",
                                    {{"mib", ldap::max_message_bytes >> 20}, {"bytes", f.size}}));
            bool rootdse = out_.step == LdapStep::rootdse && first_entry_;
            auto m = ldap::decode(std::string_view(in_).substr(0, f.size),
                                  rootdse ? &rootdse_keys : nullptr);
            in_.erase(0, f.size);
            if (!m) return not_ldap(msg("ldap.expected_ldap"));
            if (m->id == 0 && m->op == ldap::extended_response)
                return lost(m->diagnostic.empty()
                                ? msg("ldap.server_ended")
                                : msg("ldap.server_ended_saying",
                                      {{"diagnostic", m->diagnostic.substr(0, 200)}}));
            if (m->id != id) return not_ldap(msg("ldap.expected_answer_to", {{"id", id}}));
            if (m->op == ldap::search_entry) {
                entry(*m, rootdse);
                // A server ignoring the size limit is cut off there.
                if (out_.step == LdapStep::search && req_.size_limit > 0 &&
                    out_.entries > req_.size_limit) {
                    out_.entries = req_.size_limit;
                    out_.size_limited = true;
                    took("search");
                    return done();
                }
                continue;
            }
            if (m->op == ldap::search_reference || m->op == ldap::intermediate_response) continue;
            // Nothing may follow the StartTLS answer before the handshake:
            // bytes sent ahead would be taken as if they came over TLS.
            if (m->op == ldap::extended_response && !in_.empty())
                return not_ldap(msg("ldap.expected_lone_starttls"));
            return on_answer(*m);
        }
        auto self = shared_from_this();
        auto got = [self, id, on_answer](std::error_code ec, std::size_t n) {
            if (!self->on_done_) return;
            if (ec)
                return self->lost(ec == asio::error::eof || ec == asio::ssl::error::stream_truncated
                                      ? msg("ldap.server_closed")
                                      : msg("ldap.connection_broke", {{"error", ec.message()}}));
            self->in_.append(self->chunk_.data(), n);
            self->receive(id, on_answer);
        };
        if (tls_)
            tls_->stream.async_read_some(asio::buffer(chunk_), got);
        else
            socket_->async_read_some(asio::buffer(chunk_), got);
    }

    void entry(ldap::Message& m, bool rootdse) {
        if (out_.step == LdapStep::search) {
            ++out_.entries;
        } else if (rootdse) {
            first_entry_ = false;
            out_.rootdse = std::move(m.attributes);
        }
    }
};

} // namespace

const char* ldap_client_name() {
    return "";
}

std::function<void()> start_ldap_conversation(asio::io_context& io, SocketPtr socket,
                                              const LdapRequest& request, LdapTlsCheck tls_ok,
                                              std::shared_ptr<std::atomic<int>> step,
                                              std::function<void(LdapOutcome)> on_done) {
    auto c = std::make_shared<Conversation>(io, std::move(socket), request, std::move(tls_ok),
                                            std::move(step), std::move(on_done));
    c->start();
    return [c] { c->cancel(); };
}

} // namespace pf
