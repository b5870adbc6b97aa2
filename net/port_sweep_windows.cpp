#include "net/port_sweep.hpp"
#include <algorithm>
#include <asio/post.hpp>

namespace pf {

namespace {

// One connect_once per port, at most `window` in flight: Windows counts no
// descriptors against a limit, and its sockets connect through IOCP.
struct PortSweep : std::enable_shared_from_this<PortSweep> {
    PortSweep(asio::io_context& io, const asio::ip::address& a, std::vector<std::uint16_t> p,
              std::size_t w, CheckCancelPtr c, std::function<void(std::vector<ConnectOutcome>)> d)
        : io(io), address(a), ports(std::move(p)), window(w), cancel(std::move(c)),
          done(std::move(d)) {
        outcomes.resize(ports.size());
        cancels.resize(ports.size());
    }
    asio::io_context& io;
    asio::ip::address address;
    std::vector<std::uint16_t> ports;
    std::size_t window;
    CheckCancelPtr cancel;
    std::function<void(std::vector<ConnectOutcome>)> done; // emptied once called or abandoned
    std::vector<ConnectOutcome> outcomes;
    std::vector<std::function<void()>> cancels; // of attempts in flight
    std::size_t next = 0, in_flight = 0, recorded = 0;
    bool abandoned = false, finishing = false;

    void launch() {
        while (!abandoned && in_flight < window && next < ports.size()) {
            std::size_t i = next++;
            asio::ip::tcp::endpoint ep{address, ports[i]};
            if (cancel->cancelled()) {
                // The deadline came before this port's turn.
                outcomes[i] = {ConnectOutcome::Kind::not_tried, ep, 0, {}};
                ++recorded;
                continue;
            }
            ++in_flight;
            cancels[i] =
                connect_once(io, ep, cancel, [self = shared_from_this(), i](ConnectOutcome o) {
                    self->cancels[i] = nullptr;
                    --self->in_flight;
                    self->outcomes[i] = std::move(o);
                    ++self->recorded;
                    self->launch();
                });
        }
        if (recorded == ports.size() && !finishing) {
            // Posted: launch() also runs inside the caller's start.
            finishing = true;
            asio::post(io, [self = shared_from_this()] {
                auto d = std::move(self->done);
                self->done = nullptr;
                if (d) d(std::move(self->outcomes));
            });
        }
    }

    void abandon() {
        abandoned = true;
        done = nullptr;
        for (auto& c : cancels)
            if (auto stop = std::move(c)) {
                c = nullptr;
                stop();
            }
    }
};

} // namespace

std::function<void()> sweep_ports(asio::io_context& io, const asio::ip::address& address,
                                  std::vector<std::uint16_t> ports, std::size_t window,
                                  const CheckCancelPtr& cancel,
                                  std::function<void(std::vector<ConnectOutcome>)> on_done) {
    auto sweep =
        std::make_shared<PortSweep>(io, address, std::move(ports), std::max<std::size_t>(window, 1),
                                    cancel, std::move(on_done));
    sweep->launch();
    return [sweep] { sweep->abandon(); };
}

} // namespace pf
