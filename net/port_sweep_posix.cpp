#include "net/budget.hpp"
#include "net/port_sweep.hpp"
#include "net/probe_util.hpp"
#include <algorithm>
#include <array>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <cerrno>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pf {

namespace {

using Kind = ConnectOutcome::Kind;

// In Asio's category, which is the one classify_connect_error compares with.
std::error_code os_error(int err) {
    return {err, asio::error::get_system_category()};
}

// Asio's own connect costs three more system calls a port (making the socket
// non-blocking, a second epoll registration for writability, a poll before
// reading the error), and an attempt object, a budget request and a
// cancellation slot each: a third more than the connects themselves on a
// closed range. Here the sockets are born non-blocking, sit in an epoll set
// of the sweep's own, which the loop waits on as one descriptor bound to the
// check's cancellation, and the descriptors of the budget are taken once per
// place in the window and passed from port to port.
struct Sweep : std::enable_shared_from_this<Sweep> {
    Sweep(asio::io_context& io, const asio::ip::address& a, std::vector<std::uint16_t> p,
          CheckCancelPtr c, std::function<void(std::vector<ConnectOutcome>)> d)
        : io(io), address(a), ports(std::move(p)), cancel(std::move(c)), done(std::move(d)),
          poller(io) {}
    ~Sweep() { close_sockets(); }

    // A place in the window: the budget's descriptor it holds and the
    // socket, if any, connecting on it.
    struct Slot {
        BudgetToken token;
        int fd = -1;
        std::size_t port = 0; // index into ports
        Clock::time_point start;
    };

    asio::io_context& io;
    asio::ip::address address;
    std::vector<std::uint16_t> ports;
    CheckCancelPtr cancel;
    std::function<void(std::vector<ConnectOutcome>)> done; // emptied once called or abandoned
    std::vector<ConnectOutcome> outcomes;
    asio::posix::stream_descriptor poller; // the epoll set of the sockets in flight
    std::vector<Slot> slots;
    std::vector<std::function<void()>> withdraws; // requests for descriptors
    std::size_t next = 0, recorded = 0;
    bool waiting = false, over = false;

    void start(std::size_t window) {
        outcomes.resize(ports.size());
        if (cancel->cancelled())
            while (next < ports.size())
                record(next++, Kind::not_tried, 0);
        if (recorded == ports.size()) return finish();
        int set = epoll_create1(EPOLL_CLOEXEC);
        std::error_code ec;
        if (set >= 0)
            poller.assign(set, ec);
        else
            ec = os_error(errno);
        if (ec) {
            // No descriptor for the set: no port can be tried either.
            if (set >= 0 && !poller.is_open()) ::close(set);
            while (next < ports.size())
                record(next++, classify_connect_error(ec), 0, ec);
            return finish();
        }
        window = std::clamp<std::size_t>(window, 1, ports.size());
        slots.reserve(window);
        auto& budget = descriptor_budget(io);
        for (std::size_t i = 0; i < window && !over; ++i)
            withdraws.push_back(budget.acquire(
                [self = shared_from_this()](BudgetToken t) { self->granted(std::move(t)); }));
        arm();
    }

    void granted(BudgetToken token) {
        if (over || next == ports.size()) return; // the descriptor goes straight back
        slots.emplace_back().token = std::move(token);
        fill(slots.size() - 1);
        if (recorded == ports.size()) return finish();
        arm();
    }

    void record(std::size_t i, Kind kind, double ms, std::error_code ec = {}) {
        auto& o = outcomes[i];
        o.kind = kind;
        o.endpoint = {address, ports[i]};
        o.ms = ms;
        // Only what a report shows: the system's words for a refusal are
        // no part of its sentence, and a closed range has thousands.
        if (ec && kind != Kind::refused && kind != Kind::timed_out) o.detail = ec.message();
        ++recorded;
    }

    // Starts the next port's connect on slot s; a slot with no port left
    // gives its descriptor back.
    void fill(std::size_t s) {
        while (next < ports.size()) {
            std::size_t i = next++;
            asio::ip::tcp::endpoint ep{address, ports[i]};
            int fd = ::socket(ep.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                              IPPROTO_TCP);
            if (fd < 0) {
                auto ec = os_error(errno);
                record(i, classify_connect_error(ec), 0, ec);
                continue;
            }
            auto start = Clock::now();
            if (::connect(fd, ep.data(), static_cast<socklen_t>(ep.size())) == 0) {
                settle(i, fd, 0, start);
                continue;
            }
            int err = errno;
            epoll_event ev{};
            ev.events = EPOLLOUT;
            ev.data.u64 = s;
            if (err != EINPROGRESS ||
                epoll_ctl(poller.native_handle(), EPOLL_CTL_ADD, fd, &ev) != 0) {
                settle(i, fd, err == EINPROGRESS ? errno : err, start);
                continue;
            }
            slots[s].fd = fd;
            slots[s].port = i;
            slots[s].start = start;
            return;
        }
        slots[s].token.reset();
    }

    // The answer of port i's connect (err 0: connected); closes its socket.
    void settle(std::size_t i, int fd, int err, Clock::time_point start) {
        double ms = ms_since(start);
        if (err) {
            auto ec = os_error(err);
            record(i, classify_connect_error(ec), ms, ec);
        } else {
            asio::ip::tcp::endpoint local;
            auto len = static_cast<socklen_t>(local.capacity());
            // Linux lets a socket whose local port equals the target port
            // connect to itself on loopback (TCP simultaneous open); that is
            // no listener.
            bool self = getsockname(fd, local.data(), &len) == 0 &&
                        (local.resize(len), local == asio::ip::tcp::endpoint{address, ports[i]});
            record(i, self ? Kind::self_connect : Kind::open, network_ms(fd, ms));
        }
        ::close(fd);
    }

    void arm() {
        if (waiting || over) return;
        waiting = true;
        poller.async_wait(
            asio::posix::stream_descriptor::wait_read,
            cancel->bind([self = shared_from_this()](std::error_code ec) { self->ready(ec); }));
    }

    void ready(std::error_code ec) {
        waiting = false;
        if (over) return;
        if (ec || cancel->cancelled()) return stop();
        // The loop is told of the set edge-triggered: it is read until empty,
        // so that the next answer is a new edge.
        std::array<epoll_event, 256> events;
        int n;
        do {
            n = epoll_wait(poller.native_handle(), events.data(), int(events.size()), 0);
            for (int k = 0; k < n; ++k) {
                auto s = static_cast<std::size_t>(events[k].data.u64);
                auto& slot = slots[s];
                int err = 0;
                socklen_t len = sizeof err;
                if (getsockopt(slot.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
                settle(slot.port, slot.fd, err, slot.start);
                slot.fd = -1;
                fill(s);
            }
        } while (n == int(events.size()) || (n < 0 && errno == EINTR));
        if (recorded == ports.size()) return finish();
        arm();
    }

    // The check's deadline: what is in flight had no answer, and what
    // waited for its turn was never tried.
    void stop() {
        for (auto& slot : slots)
            if (slot.fd >= 0) {
                record(slot.port, Kind::timed_out, ms_since(slot.start));
                ::close(slot.fd);
                slot.fd = -1;
            }
        while (next < ports.size())
            record(next++, Kind::not_tried, 0);
        finish();
    }

    void release() {
        over = true;
        for (auto& w : withdraws)
            w();
        withdraws.clear();
        close_sockets();
        slots.clear();
        std::error_code ignore;
        poller.close(ignore);
    }

    void close_sockets() {
        for (auto& slot : slots)
            if (slot.fd >= 0) {
                ::close(slot.fd);
                slot.fd = -1;
            }
    }

    void finish() {
        release();
        // Posted: finish() also runs inside the caller's start.
        asio::post(io, [self = shared_from_this()] {
            auto d = std::move(self->done);
            self->done = nullptr;
            if (d) d(std::move(self->outcomes));
        });
    }

    void abandon() {
        done = nullptr;
        release();
    }
};

} // namespace

std::function<void()> sweep_ports(asio::io_context& io, const asio::ip::address& address,
                                  std::vector<std::uint16_t> ports, std::size_t window,
                                  const CheckCancelPtr& cancel,
                                  std::function<void(std::vector<ConnectOutcome>)> on_done) {
    auto sweep = std::make_shared<Sweep>(io, address, std::move(ports), cancel, std::move(on_done));
    sweep->start(window);
    return [sweep] { sweep->abandon(); };
}

} // namespace pf
