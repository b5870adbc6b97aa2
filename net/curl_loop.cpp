#include "net/curl_loop.hpp"
#include "net/budget.hpp"
#include <algorithm>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <mutex>

namespace pf {

namespace {

struct Watch {
    explicit Watch(asio::io_context& io) : socket(io) {}
    explicit Watch(asio::ip::tcp::socket&& connected) : socket(std::move(connected)) {}
    asio::ip::tcp::socket socket;
    int wanted = CURL_POLL_NONE; // what curl wants to hear about
    bool reading = false, writing = false;
    bool closed = false;
};

// An asio::execution_context service gives each io_context exactly one
// CurlLoop, destroyed with the io_context.
class CurlService : public asio::execution_context::service {
  public:
    using key_type = CurlService;
    static inline asio::execution_context::id id;
    explicit CurlService(asio::execution_context& ctx)
        : asio::execution_context::service(ctx), loop(static_cast<asio::io_context&>(ctx)) {}
    // Services are shut down before any is destroyed: release curl and its
    // sockets while the socket service can still take them back.
    void shutdown() override { loop.shutdown(); }
    CurlLoop loop;
};

} // namespace

struct CurlLoop::Impl : std::enable_shared_from_this<Impl> {
    // The socket member makes Asio create its socket service before this one,
    // so that this service is shut down first.
    explicit Impl(asio::io_context& io) : io(io), timer(io), service_order(io) {
        static std::once_flag once;
        std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
        multi = curl_multi_init();
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    }
    ~Impl() { release(); }

    void release() {
        if (!multi) return;
        // The callbacks may own their easy handles and, destroyed, run code
        // that calls back in here (a cancel): drop them only at the end.
        auto dropped = std::move(transfers);
        transfers.clear();
        for (auto& [easy, transfer] : dropped)
            curl_multi_remove_handle(multi, easy);
        curl_multi_cleanup(multi);
        multi = nullptr;
        for (auto& [fd, w] : sockets) {
            w->closed = true;
            std::error_code ec;
            w->socket.close(ec);
        }
        sockets.clear();
        timer.cancel();
    }

    asio::io_context& io;
    asio::steady_timer timer;
    asio::ip::tcp::socket service_order;
    CURLM* multi = nullptr;
    std::map<curl_socket_t, std::shared_ptr<Watch>> sockets;

    // What a transfer's socket callback needs: the loop, and the connected
    // socket it takes over, if any.
    struct Opener {
        Impl* impl = nullptr;
        SocketPtr connected;
    };
    struct Transfer {
        std::function<void(CURLcode)> done;
        std::unique_ptr<Opener> opener; // curl's OPENSOCKETDATA for this easy handle
    };
    std::map<CURL*, Transfer> transfers;

    static curl_socket_t open_socket(void* data, curlsocktype purpose, curl_sockaddr* addr) {
        auto* opener = static_cast<Opener*>(data);
        auto* impl = opener->impl;
        if (purpose != CURLSOCKTYPE_IPCXN || addr->socktype != SOCK_STREAM) return CURL_SOCKET_BAD;
        std::shared_ptr<Watch> w;
        SocketPtr& connected = opener->connected;
        if (connected) {
            // The socket moves into the watch, which curl's close callback
            // closes: one owner, and curl gets it once.
            if (!connected->is_open()) return CURL_SOCKET_BAD;
            w = std::make_shared<Watch>(std::move(*connected));
            connected.reset();
        } else {
            w = std::make_shared<Watch>(impl->io);
            std::error_code ec;
            w->socket.open(addr->family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(),
                           ec);
            if (ec) return CURL_SOCKET_BAD;
        }
        auto fd = w->socket.native_handle();
        impl->sockets[fd] = w;
        return fd;
    }

    static int already_connected(void*, curl_socket_t, curlsocktype) {
        return CURL_SOCKOPT_ALREADY_CONNECTED;
    }

    static int close_socket(void* self, curl_socket_t fd) {
        auto* impl = static_cast<Impl*>(self);
        auto it = impl->sockets.find(fd);
        if (it == impl->sockets.end()) return 0;
        it->second->closed = true;
        std::error_code ec;
        it->second->socket.close(ec); // pending waits end with operation_aborted
        impl->sockets.erase(it);
        return 0;
    }

    static int on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
        auto* impl = static_cast<Impl*>(self);
        auto it = impl->sockets.find(fd);
        if (it == impl->sockets.end())
            return 0; // not one of ours: never the case with CURLOPT_RESOLVE
        it->second->wanted = what == CURL_POLL_REMOVE ? CURL_POLL_NONE : what;
        impl->arm(fd, it->second);
        return 0;
    }

    static int on_timer(CURLM*, long timeout_ms, void* self) {
        auto* impl = static_cast<Impl*>(self);
        impl->timer.cancel();
        if (timeout_ms < 0) return 0;
        impl->timer.expires_after(std::chrono::milliseconds(timeout_ms));
        std::weak_ptr<Impl> weak = impl->shared_from_this();
        impl->timer.async_wait([weak](std::error_code ec) {
            auto self = weak.lock();
            if (ec || !self || !self->multi) return;
            int running = 0;
            curl_multi_socket_action(self->multi, CURL_SOCKET_TIMEOUT, 0, &running);
            self->collect();
        });
        return 0;
    }

    void arm(curl_socket_t fd, const std::shared_ptr<Watch>& w) {
        std::weak_ptr<Impl> weak = shared_from_this();
        auto wait = [&](asio::socket_base::wait_type type, bool& pending, int mask, int select) {
            if (pending || !(w->wanted & mask) || w->closed) return;
            pending = true;
            w->socket.async_wait(type, [weak, w, fd, &pending, select](std::error_code ec) {
                pending = false;
                auto self = weak.lock();
                if (!self || !self->multi || w->closed || ec == asio::error::operation_aborted)
                    return;
                int running = 0;
                curl_multi_socket_action(self->multi, fd, ec ? CURL_CSELECT_ERR : select, &running);
                self->collect();
                if (!w->closed) self->arm(fd, w);
            });
        };
        wait(asio::socket_base::wait_read, w->reading, CURL_POLL_IN, CURL_CSELECT_IN);
        wait(asio::socket_base::wait_write, w->writing, CURL_POLL_OUT, CURL_CSELECT_OUT);
    }

    void collect() {
        int left = 0;
        while (CURLMsg* m = curl_multi_info_read(multi, &left)) {
            if (m->msg != CURLMSG_DONE) continue;
            CURL* easy = m->easy_handle;
            CURLcode rc = m->data.result;
            curl_multi_remove_handle(multi, easy);
            auto it = transfers.find(easy);
            if (it == transfers.end()) continue;
            auto done = std::move(it->second.done);
            transfers.erase(it);
            done(rc);
        }
    }
};

CurlLoop::CurlLoop(asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}
CurlLoop::~CurlLoop() = default;
void CurlLoop::shutdown() {
    impl_->release();
}

CurlLoop& CurlLoop::of(asio::io_context& io) {
    return asio::use_service<CurlService>(io).loop;
}

std::function<void()> CurlLoop::perform(CURL* easy, std::function<void(CURLcode)> on_done,
                                        SocketPtr connected) {
    if (!impl_->multi) return [] {};
    auto& transfer = impl_->transfers[easy];
    transfer.done = std::move(on_done);
    bool adopt = connected != nullptr;
    transfer.opener =
        std::make_unique<Impl::Opener>(Impl::Opener{impl_.get(), std::move(connected)});
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Impl::open_socket);
    curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, transfer.opener.get());
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::close_socket);
    curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, impl_.get());
    if (adopt) curl_easy_setopt(easy, CURLOPT_SOCKOPTFUNCTION, &Impl::already_connected);
    curl_multi_add_handle(impl_->multi, easy);
    std::weak_ptr<Impl> weak = impl_;
    return [weak, easy] {
        auto self = weak.lock();
        if (!self || !self->multi) return;
        auto it = self->transfers.find(easy);
        if (it == self->transfers.end()) return;
        // on_done often owns easy (through the caller's state): remove the
        // handle before destroying on_done, or curl would see a freed handle.
        auto keep = std::move(it->second);
        self->transfers.erase(it);
        curl_multi_remove_handle(self->multi, easy);
        // curl closes the socket it took through the close callback above.
    };
}

std::function<void()> perform_until(asio::io_context& io, CURL* easy, const CheckCancelPtr& cancel,
                                    std::function<void(CURLcode, bool)> on_done,
                                    SocketPtr connected, std::function<void()> on_start) {
    // The check's cancellation stops the transfer at the deadline, so that
    // the probe gives a verdict naming the phase it stopped in; curl's own
    // limits are only a backstop a second later.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        cancel->deadline() - std::chrono::steady_clock::now());
    long backstop = static_cast<long>(std::max<long long>(left.count(), 1) + 1000);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, backstop);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, backstop);
    struct State {
        explicit State(asio::io_context& io) : slot_lease(io) {}
        std::function<void()> cancel_curl, unregister, withdraw;
        std::function<void(CURLcode, bool)> done;
        BudgetToken descriptor; // curl's connection, counted with the run's sockets
        BudgetToken slot;       // a CPU slot until the connection (and its TLS) is up
        asio::steady_timer slot_lease;
        void stop() {
            // Unregistered, an armed cancellation stops waiting for the deadline.
            if (auto u = std::move(unregister)) u();
            if (auto w = std::move(withdraw)) w();
            if (auto c = std::move(cancel_curl)) c();
            descriptor.reset();
            slot.reset();
            slot_lease.cancel();
        }
        // Curl's connection is up, TLS included: the CPU-heavy part is over.
        static int connected(void* self, char*, char*, int, int) {
            auto* s = static_cast<State*>(self);
            s->slot.reset();
            s->slot_lease.cancel();
            return CURL_PREREQFUNC_OK;
        }
        void finish(CURLcode code, bool late) {
            if (!done) return;
            auto d = std::move(done);
            done = nullptr;
            stop();
            d(code, late);
        }
    };
    auto s = std::make_shared<State>(io);
    s->done = std::move(on_done);
    if (cancel->cancelled()) {
        // Never inside the caller's start: on_done runs from the loop.
        asio::post(io, [s] { s->finish(CURLE_OPERATION_TIMEDOUT, true); });
        return [s] { s->done = nullptr; };
    }
    // A handed-over socket already holds its descriptor's token (net/
    // tcp_connect): kept here, since curl takes the socket out of it, and no
    // second one is asked for, which under a full budget would wait for a
    // descriptor this transfer itself holds.
    BudgetToken held = connected;
    // The transfer starts once a descriptor is free for its connection and
    // a CPU slot for its TLS handshake, as open_tls's do; curl's phase times
    // (and on_start's clock) begin then. The slot goes back when the
    // connection is up, or after a while (a far or silent server).
    auto start = [&io, easy, s, weak = std::weak_ptr<CheckCancel>(cancel),
                  on_start = std::move(on_start),
                  connected = std::move(connected)](BudgetToken slot) mutable {
        s->withdraw = nullptr;
        if (!s->done) return;
        s->slot = std::move(slot);
        s->slot_lease.expires_after(std::chrono::milliseconds(25));
        s->slot_lease.async_wait([weak = std::weak_ptr<State>(s)](std::error_code ec) {
            if (auto s = weak.lock(); s && !ec) s->slot.reset();
        });
        curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, &State::connected);
        curl_easy_setopt(easy, CURLOPT_PREREQDATA, s.get());
        if (on_start) on_start();
        // Guarded: what the caller's completion throws ends only its own check.
        s->cancel_curl = CurlLoop::of(io).perform(
            easy,
            [s, weak](CURLcode rc) {
                auto c = weak.lock();
                if (!c) return s->finish(rc, false);
                c->guard([&] { s->finish(rc, false); });
            },
            std::move(connected));
    };
    auto with_descriptor = [&io, s, start = std::move(start)](BudgetToken token) mutable {
        s->withdraw = nullptr;
        if (!s->done) return;
        s->descriptor = std::move(token);
        auto w = cpu_slots(io).acquire(std::move(start));
        if (!s->slot) s->withdraw = std::move(w);
    };
    if (held) {
        with_descriptor(std::move(held));
    } else {
        auto withdraw = descriptor_budget(io).acquire(std::move(with_descriptor));
        if (!s->descriptor) s->withdraw = std::move(withdraw);
    }
    // Weak: the caller's callback may hold the cancellation (a request keeps
    // its check's), and a strong capture would make a cycle that nothing
    // breaks when the loop goes away with the transfer in flight.
    s->unregister = cancel->on_cancel([weak = std::weak_ptr<State>(s)] {
        auto s = weak.lock();
        if (!s) return;
        // The transfer is removed before on_done, which reads the handle.
        if (auto c = std::move(s->cancel_curl)) c();
        s->finish(CURLE_OPERATION_TIMEDOUT, true);
    });
    return [s] {
        s->done = nullptr;
        s->stop();
    };
}

CurlEasy make_curl_easy() {
    CurlEasy e(curl_easy_init(), &curl_easy_cleanup);
    curl_easy_setopt(e.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e.get(), CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(e.get(), CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(e.get(), CURLOPT_PROXY, "");
    return e;
}

namespace {

CURLcode install_peer_judge(CURL*, void* ssl_ctx, void* judge) {
    static_cast<PeerJudge*>(judge)->install(static_cast<SSL_CTX*>(ssl_ctx));
    return CURLE_OK;
}

} // namespace

void use_peer_judge(CURL* e, PeerJudge& judge) {
    curl_easy_setopt(e, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(e, CURLOPT_CAPATH, nullptr);
    curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_SESSIONID_CACHE, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &install_peer_judge);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, &judge);
}

} // namespace pf
