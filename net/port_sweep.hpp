#pragma once
#include "net/tcp_connect.hpp"
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace pf {

// Connects to every port of address, at most `window` at once; each socket
// takes a descriptor from the run's budget (net/budget.hpp) while it is open,
// and its time is measured from its own connect. The check's cancellation
// ends the attempts in flight as timed_out and the ports whose turn never
// came as not_tried. on_done gets the outcomes in the order of ports, once,
// from the loop (never inside this call); the returned function abandons the
// sweep (on_done is then not called).
//
// A range of thousands of ports costs what its connects cost the kernel: on
// Linux each port is a socket, a connect, one registration in the sweep's
// own epoll set, its error and a close, as a hand-written sweep does, and
// the loop sees the set as one descriptor. Elsewhere each port is a
// connect_once.
std::function<void()> sweep_ports(asio::io_context& io, const asio::ip::address& address,
                                  std::vector<std::uint16_t> ports, std::size_t window,
                                  const CheckCancelPtr& cancel,
                                  std::function<void(std::vector<ConnectOutcome>)> on_done);

} // namespace pf
