#include "net/tcp_connect.hpp"
#include "base/catalog.hpp"
#include "net/budget.hpp"
#include "net/probe_util.hpp"
#include <algorithm>
#include <asio/post.hpp>
#ifdef __linux__
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace pf {

std::string describe(const ConnectOutcome& o) {
    std::string a = o.endpoint.address().to_string();
    auto p = o.endpoint.port();
    switch (o.kind) {
    case ConnectOutcome::Kind::open:
        return render(
            msg("connect.outcome_open", {{"address", a}, {"port", p}, {"time", ms_text(o.ms)}}));
    case ConnectOutcome::Kind::refused:
        return render(
            msg("connect.outcome_refused", {{"address", a}, {"port", p}, {"time", ms_text(o.ms)}}));
    case ConnectOutcome::Kind::timed_out:
        return render(msg("connect.outcome_timed_out",
                          {{"address", a}, {"port", p}, {"time", ms_text(o.ms)}}));
    case ConnectOutcome::Kind::unreachable:
        return render(msg("connect.outcome_unreachable",
                          {{"address", a}, {"port", p}, {"detail", o.detail}}));
    case ConnectOutcome::Kind::self_connect:
        return render(msg("connect.outcome_self_connect", {{"address", a}, {"port", p}}));
    case ConnectOutcome::Kind::no_descriptors:
        return render(msg("connect.outcome_no_descriptors",
                          {{"address", a}, {"port", p}, {"detail", o.detail}}));
    case ConnectOutcome::Kind::not_tried:
        return render(msg("connect.outcome_not_tried", {{"address", a}, {"port", p}}));
    case ConnectOutcome::Kind::error:
        break;
    }
    return render(
        msg("connect.outcome_error", {{"address", a}, {"port", p}, {"detail", o.detail}}));
}

Reason connect_reason(ConnectOutcome::Kind k) {
    switch (k) {
    case ConnectOutcome::Kind::open:
        return Reason::ok;
    case ConnectOutcome::Kind::refused:
        return Reason::refused;
    case ConnectOutcome::Kind::timed_out:
    case ConnectOutcome::Kind::not_tried:
        return Reason::timed_out;
    case ConnectOutcome::Kind::unreachable:
        return Reason::unreachable;
    case ConnectOutcome::Kind::no_descriptors:
        return Reason::internal_error;
    case ConnectOutcome::Kind::self_connect:
    case ConnectOutcome::Kind::error:
        break;
    }
    return Reason::connect_failed;
}

Message connect_failure(const ConnectOutcome& o, const std::string& host) {
    std::string port = std::to_string(o.endpoint.port());
    switch (o.kind) {
    case ConnectOutcome::Kind::refused:
        return msg("connect.refused", {{"host", host}, {"port", port}});
    case ConnectOutcome::Kind::timed_out:
        return msg("connect.timed_out", {{"host", host}, {"port", port}, {"time", ms_text(o.ms)}});
    case ConnectOutcome::Kind::unreachable:
        return msg("connect.unreachable", {{"host", host}, {"detail", o.detail}});
    case ConnectOutcome::Kind::no_descriptors:
        return msg("connect.no_descriptors", {{"detail", o.detail}});
    default:
        return msg("connect.failed", {{"outcome", describe(o)}});
    }
}

std::string diagnose(const ConnectOutcome& o, const std::string& host) {
    return render(connect_failure(o, host));
}

std::string no_descriptors_text(const ConnectOutcome& o) {
    return render(msg("connect.no_descriptors", {{"detail", o.detail}}));
}

ConnectOutcome::Kind classify_connect_error(const std::error_code& ec) {
    if (ec == asio::error::connection_refused) return ConnectOutcome::Kind::refused;
    if (ec == asio::error::timed_out) return ConnectOutcome::Kind::timed_out;
    if (ec == asio::error::network_unreachable || ec == asio::error::host_unreachable)
        return ConnectOutcome::Kind::unreachable;
    if (ec == asio::error::no_descriptors || ec == std::errc::too_many_files_open_in_system)
        return ConnectOutcome::Kind::no_descriptors;
    return ConnectOutcome::Kind::error;
}

// On Linux the kernel's own round trip of the SYN, when it was answered the
// first time (Karn: no sample otherwise).
double network_ms(asio::ip::tcp::socket::native_handle_type s, double wall_ms) {
#ifdef __linux__
    tcp_info info{};
    socklen_t len = sizeof info;
    if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len) == 0 && info.tcpi_total_retrans == 0 &&
        info.tcpi_rtt > 0)
        return std::min(wall_ms, info.tcpi_rtt / 1000.0);
#else
    (void)s;
#endif
    return wall_ms;
}

namespace {

// A socket and the descriptor token it was opened with, in one allocation:
// the token goes back when the socket is destroyed, whoever owns it last
// (a probe, a TLS link, a conversation), so no path can leak or double it.
struct BudgetedSocket {
    BudgetedSocket(asio::io_context& io, BudgetToken t) : token(std::move(t)), socket(io) {}
    BudgetToken token; // declared first: released after the socket is closed
    asio::ip::tcp::socket socket;
};

// One attempt: waits for a descriptor, then connects. The socket is held by
// the pending operation and then by whoever it is handed to, never by the
// attempt, so an attempt kept by a finished probe holds no descriptor.
struct Attempt : std::enable_shared_from_this<Attempt> {
    Attempt(asio::io_context& io, const asio::ip::tcp::endpoint& ep, CheckCancelPtr c,
            std::function<void(ConnectOutcome, SocketPtr)> d)
        : io(io), ep(ep), cancel(std::move(c)), done(std::move(d)) {}
    asio::io_context& io;
    asio::ip::tcp::endpoint ep;
    CheckCancelPtr cancel;
    std::function<void(ConnectOutcome, SocketPtr)> done; // emptied once called or abandoned
    std::weak_ptr<asio::ip::tcp::socket> socket;
    std::function<void()> withdraw, unregister; // while waiting for a descriptor
    bool granted = false;

    void report(ConnectOutcome o, SocketPtr s) {
        auto d = std::move(done);
        done = nullptr;
        if (d) d(std::move(o), std::move(s));
    }

    void stop_waiting() {
        if (auto w = std::move(withdraw)) w();
        if (auto u = std::move(unregister)) u();
        withdraw = unregister = nullptr;
    }

    void start() {
        if (cancel->cancelled()) {
            // Never inside the caller's call: on_done runs from the loop.
            return asio::post(io, [self = shared_from_this()] {
                self->report({ConnectOutcome::Kind::not_tried, self->ep, 0, {}}, nullptr);
            });
        }
        auto w = descriptor_budget(io).acquire(
            [self = shared_from_this()](BudgetToken token) { self->connect(std::move(token)); });
        if (granted) return;
        withdraw = std::move(w);
        // Waiting for a descriptor ends at the deadline: nothing was sent.
        unregister = cancel->on_cancel([weak = weak_from_this()] {
            auto self = weak.lock();
            if (!self) return;
            self->unregister = nullptr; // the callback is being dropped by emit()
            if (auto w = std::move(self->withdraw)) w();
            self->withdraw = nullptr;
            asio::post(self->io, [self] {
                self->report({ConnectOutcome::Kind::not_tried, self->ep, 0, {}}, nullptr);
            });
        });
    }

    void connect(BudgetToken token) {
        if (auto u = std::move(unregister)) u();
        withdraw = unregister = nullptr;
        granted = true;
        if (!done) return; // abandoned while waiting
        auto held = std::make_shared<BudgetedSocket>(io, std::move(token));
        SocketPtr s(held, &held->socket);
        socket = s;
        // Measured from here: time spent waiting for a descriptor is no
        // part of the network's answer.
        auto start = Clock::now();
        s->async_connect(ep,
                         cancel->bind([self = shared_from_this(), s, start](std::error_code ec) {
                             self->completed(ec, s, ms_since(start));
                         }));
    }

    void completed(std::error_code ec, const SocketPtr& s, double ms) {
        if (!done) return;
        ConnectOutcome o{ConnectOutcome::Kind::open, ep, ms, {}};
        if (ec == asio::error::operation_aborted)
            o.kind = ConnectOutcome::Kind::timed_out; // the check's deadline
        else if (ec) {
            o.kind = classify_connect_error(ec);
            o.detail = ec.message();
        } else {
            o.ms = network_ms(s->native_handle(), ms);
            std::error_code lec;
            auto local = s->local_endpoint(lec);
            // Linux lets a socket whose local port equals the target port
            // connect to itself on loopback (TCP simultaneous open); that is
            // no listener.
            if (!lec && local == ep) o.kind = ConnectOutcome::Kind::self_connect;
        }
        if (o.kind == ConnectOutcome::Kind::open) return report(o, s);
        std::error_code ignore;
        s->close(ignore);
        report(o, nullptr);
    }

    void abandon() {
        done = nullptr;
        stop_waiting();
        if (auto s = socket.lock()) {
            std::error_code ignore;
            s->close(ignore);
        }
    }
};

} // namespace

std::function<void()> connect_socket(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                     const CheckCancelPtr& cancel,
                                     std::function<void(ConnectOutcome, SocketPtr)> on_done) {
    auto a = std::make_shared<Attempt>(
        io, ep, cancel, [on_done = std::move(on_done)](ConnectOutcome o, SocketPtr s) {
            // Every protocol spoken over a handed-over socket writes a few
            // small records and then waits for the answer (a TLS Finished
            // then the LDAP request): with Nagle's algorithm the second
            // waits for the peer's delayed ACK, 40 ms on Linux.
            if (s) {
                std::error_code ignore;
                s->set_option(asio::ip::tcp::no_delay(true), ignore);
            }
            on_done(std::move(o), std::move(s));
        });
    a->start();
    return [a] { a->abandon(); };
}

std::function<void()> connect_once(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                   const CheckCancelPtr& cancel,
                                   std::function<void(ConnectOutcome)> on_done) {
    auto a = std::make_shared<Attempt>(io, ep, cancel, [on_done](ConnectOutcome o, SocketPtr s) {
        if (s) {
            std::error_code ignore;
            s->close(ignore);
        }
        on_done(o);
    });
    a->start();
    return [a] { a->abandon(); };
}

} // namespace pf
