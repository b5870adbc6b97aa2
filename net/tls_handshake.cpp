#include "net/tls_handshake.hpp"
#include "net/worker_pool.hpp"
#include <algorithm>
#include <asio/error.hpp>
#include <asio/post.hpp>
#include <asio/ssl/error.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <openssl/err.h>
#include <vector>

namespace pf {

namespace {

// Our own ex_data slot: asio keeps its verify callback in SSL app data.
int notes_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

void on_info(const SSL* ssl, int where, int ret) {
    if (!(where & SSL_CB_ALERT)) return;
    auto* notes = static_cast<TlsNotes*>(SSL_get_ex_data(ssl, notes_index()));
    if (!notes) return;
    std::string text =
        std::string(SSL_alert_type_string_long(ret)) + " " + SSL_alert_desc_string_long(ret);
    std::string& slot = (where & SSL_CB_READ) ? notes->alert_received : notes->alert_sent;
    if (slot.empty()) slot = text;
}

// The largest record a server may send (RFC 8446 5.2: 2^14 + 256; TLS 1.2
// allows 2^14 + 2048), with room to spare: a longer one is no TLS.
constexpr std::size_t max_record_body = 16384 + 2048 + 1024;
// What one look at the socket takes at most; a handshake flight is a few KiB.
constexpr std::size_t max_peek = 64 * 1024;

// The length of the whole TLS record at the start of p, or 0 while it is
// incomplete. Bytes that cannot start a record (an HTTP or SMTP answer) go
// to OpenSSL as they are, so that it says what they are ("wrong version
// number") without waiting for more.
std::size_t next_record(const unsigned char* p, std::size_t n) {
    if (n == 0) return 0;
    if (p[0] < 20 || p[0] > 24) return n; // content types: CCS, alert, handshake, data, heartbeat
    if (n < 2) return 0;
    if (p[1] != 3) return n; // SSL 3.0 to TLS 1.3 all say 3.x
    if (n < 5) return 0;
    std::size_t body = (std::size_t(p[3]) << 8) | p[4];
    if (body > max_record_body) return n;
    return n >= 5 + body ? 5 + body : 0;
}

// The SSL object and what its callbacks write: owned by the handshake, and
// by the step computing on it while one does.
std::atomic<std::size_t> cores_alive{0};

struct Core {
    Core() { ++cores_alive; }
    ~Core() { --cores_alive; }
    Core(const Core&) = delete;
    Core& operator=(const Core&) = delete;
    SslPtr ssl;
    TlsNotes notes;
};

struct Step {
    enum class State { done, more, failed } state = State::failed;
    std::error_code error;
    std::vector<unsigned char> output; // to send to the server
    std::size_t fed = 0;               // bytes of the input given to OpenSSL
    TlsNotes notes;
    Clock::time_point began, ended;
    std::thread::id thread;
};

// asio's mapping of an OpenSSL failure, so that callers tell failures apart
// as they did with asio's own handshake.
std::error_code step_error(int ssl_error) {
    unsigned long e = ERR_get_error();
    if (ssl_error == SSL_ERROR_ZERO_RETURN) return asio::error::eof;
    if (ssl_error == SSL_ERROR_SSL && e != 0)
        return {static_cast<int>(e), asio::error::get_ssl_category()};
    return asio::ssl::error::unspecified_system_error;
}

// One step, on a CPU thread: whole records of in go to OpenSSL, one at a
// time, until the handshake is done, fails, or wants what has not arrived.
// OpenSSL's error queue is per thread, so the error is read here.
Step step(Core& core, const std::vector<unsigned char>& in) {
    Step s;
    s.began = Clock::now();
    s.thread = std::this_thread::get_id();
    SSL* ssl = core.ssl.get();
    for (;;) {
        ERR_clear_error();
        int r = SSL_do_handshake(ssl);
        if (r == 1) {
            s.state = Step::State::done;
            break;
        }
        int e = SSL_get_error(ssl, r);
        if (e != SSL_ERROR_WANT_READ) {
            s.error = step_error(e);
            break;
        }
        std::size_t n = next_record(in.data() + s.fed, in.size() - s.fed);
        if (n == 0) {
            s.state = Step::State::more;
            break;
        }
        BIO_write(SSL_get_rbio(ssl), in.data() + s.fed, static_cast<int>(n));
        s.fed += n;
    }
    BIO* out = SSL_get_wbio(ssl);
    s.output.resize(BIO_ctrl_pending(out));
    if (!s.output.empty()) BIO_read(out, s.output.data(), static_cast<int>(s.output.size()));
    ERR_clear_error();
    s.notes = core.notes;
    s.ended = Clock::now();
    return s;
}

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

struct Handshake : std::enable_shared_from_this<Handshake> {
    Handshake(asio::io_context& io, SocketPtr socket, CheckCancelPtr cancel)
        : io(io), socket(std::move(socket)), cancel(std::move(cancel)),
          core(std::make_shared<Core>()) {}
    asio::io_context& io;
    SocketPtr socket;
    CheckCancelPtr cancel;
    std::shared_ptr<Core> core; // not touched by the loop while a step runs
    std::function<void(HandshakeResult)> on_done;
    std::function<void()> abandon_step, unregister;
    // Bytes taken from the socket and not yet given to OpenSSL (the start of
    // a record), then those only looked at (still in the socket).
    std::vector<unsigned char> input;
    std::size_t taken = 0;
    HandshakeResult result;
    Clock::time_point t0;
    double queued_ms = 0;
    std::thread::id loop_thread;

    void start() {
        t0 = Clock::now();
        loop_thread = std::this_thread::get_id();
        std::error_code ignore;
        socket->non_blocking(true, ignore);
        unregister = cancel->on_cancel([weak = weak_from_this()] {
            auto self = weak.lock();
            if (!self) return;
            self->unregister = nullptr; // dropped by emit() itself
            // A step still computing is left to finish alone; the verdict
            // is not held for it. Socket operations end by themselves.
            if (auto a = std::move(self->abandon_step)) {
                self->abandon_step = nullptr;
                self->result.computing = true;
                a();
                asio::post(self->io, [self] { self->finish(asio::error::operation_aborted); });
            }
        });
        run_step();
    }

    void run_step() {
        if (cancel->cancelled()) return finish(asio::error::operation_aborted);
        auto submitted = Clock::now();
        auto in = std::make_shared<const std::vector<unsigned char>>(input);
        abandon_step = compute<Step>(
            io, cancel, [core = core, in] { return step(*core, *in); },
            [self = shared_from_this(), submitted](Step s) {
                self->stepped(std::move(s), submitted);
            });
    }

    void stepped(Step s, Clock::time_point submitted) {
        abandon_step = nullptr;
        queued_ms += ms_between(submitted, s.began) + ms_between(s.ended, Clock::now());
        ++result.steps;
        if (s.thread == loop_thread) ++result.steps_on_loop;
        result.notes = std::move(s.notes);
        if (s.state == Step::State::failed) {
            // The alert OpenSSL wrote goes out if the socket takes it now.
            std::error_code ignore;
            if (!s.output.empty()) socket->write_some(asio::buffer(s.output), ignore);
            return finish(s.error);
        }
        std::error_code ec;
        if (s.state == Step::State::done) {
            // Only what OpenSSL used: what follows stays in the socket.
            if (s.fed > taken) discard(s.fed - taken, ec);
            if (ec) return finish(ec);
        } else {
            // OpenSSL wants the next record: every byte looked at is part of it.
            discard(input.size() - taken, ec);
            if (ec) return finish(ec);
            input.erase(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(s.fed));
            taken = input.size();
        }
        if (s.output.empty()) return next(s.state);
        auto out = std::make_shared<std::vector<unsigned char>>(std::move(s.output));
        auto state = s.state;
        asio::async_write(
            *socket, asio::buffer(*out),
            cancel->bind([self = shared_from_this(), out, state](std::error_code ec, std::size_t) {
                if (ec) return self->finish(ec);
                self->next(state);
            }));
    }

    // Takes n bytes already looked at (and so there) from the socket.
    void discard(std::size_t n, std::error_code& ec) {
        unsigned char sink[4096];
        while (n > 0 && !ec) {
            std::size_t got = socket->receive(asio::buffer(sink, std::min(n, sizeof sink)), 0, ec);
            n -= got;
            result.bytes_received += got;
        }
    }

    void next(Step::State state) {
        if (state == Step::State::done) return finish({});
        if (cancel->cancelled()) return finish(asio::error::operation_aborted);
        socket->async_wait(asio::ip::tcp::socket::wait_read,
                           cancel->bind([self = shared_from_this()](std::error_code ec) {
                               if (ec) return self->finish(ec);
                               self->readable();
                           }));
    }

    void readable() {
        std::error_code ec;
        std::size_t ready = socket->available(ec);
        if (ec) return finish(ec);
        if (ready == 0) {
            // Readable with nothing to read: the server closed, or an error.
            unsigned char b = 0;
            std::size_t got = socket->receive(asio::buffer(&b, 1), 0, ec);
            if (ec == asio::error::would_block) return next(Step::State::more);
            if (ec == asio::error::eof) return finish(asio::ssl::error::stream_truncated);
            if (ec) return finish(ec);
            // A byte came meanwhile: OpenSSL wants it, so it may be taken.
            if (got == 1) input.push_back(b);
            result.bytes_received += got;
            taken = input.size();
            return run_step();
        }
        std::size_t n = std::min(ready, max_peek);
        input.resize(taken + n);
        std::size_t got = socket->receive(asio::buffer(input.data() + taken, n),
                                          asio::socket_base::message_peek, ec);
        input.resize(taken + got);
        if (ec == asio::error::would_block) return next(Step::State::more);
        if (ec) return finish(ec);
        run_step();
    }

    void finish(std::error_code ec) {
        auto cb = std::move(on_done);
        on_done = nullptr;
        if (auto u = std::move(unregister)) u();
        unregister = nullptr;
        if (!cb) return;
        std::error_code ignore;
        socket->non_blocking(false, ignore);
        result.error = ec;
        result.ms = std::max(0.0, ms_between(t0, Clock::now()) - queued_ms);
        // A step may still hold the core after a cancellation: it is only
        // read when none does (a completed handshake has none in flight).
        if (!ec) {
            result.ssl = std::move(core->ssl);
            keep_notes(result.ssl.get(), nullptr);
        }
        core.reset();
        cb(std::move(result));
    }

    void abandon() {
        on_done = nullptr;
        if (auto a = std::move(abandon_step)) a();
        abandon_step = nullptr;
        if (auto u = std::move(unregister)) u();
        unregister = nullptr;
    }
};

} // namespace

std::size_t live_handshakes() {
    return cores_alive.load();
}

void keep_notes(SSL* ssl, TlsNotes* notes) {
    SSL_set_ex_data(ssl, notes_index(), notes);
    SSL_set_info_callback(ssl, notes ? on_info : nullptr);
}

int note_certificate_request(SSL* ssl, X509**, EVP_PKEY**) {
    if (auto* notes = static_cast<TlsNotes*>(SSL_get_ex_data(ssl, notes_index())))
        notes->certificate_requested = true;
    return 0;
}

std::function<void()> client_handshake(asio::io_context& io, SocketPtr socket, SslPtr ssl,
                                       const CheckCancelPtr& cancel,
                                       std::function<void(HandshakeResult)> on_done) {
    auto h = std::make_shared<Handshake>(io, std::move(socket), cancel);
    h->on_done = std::move(on_done);
    SSL* s = ssl.get();
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    if (!in || !out) {
        BIO_free(in);
        BIO_free(out);
        throw std::bad_alloc();
    }
    // An empty input is "not yet", not the end of the stream.
    BIO_set_mem_eof_return(in, -1);
    SSL_set_bio(s, in, out);
    SSL_set_connect_state(s);
    h->core->ssl = std::move(ssl);
    keep_notes(s, &h->core->notes);
    h->start();
    return [h] { h->abandon(); };
}

} // namespace pf
