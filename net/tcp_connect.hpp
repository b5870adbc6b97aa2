#pragma once
#include "core/probe.hpp"
#include <asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

namespace pf {

// One TCP connection attempt, classified as the admin needs it.
struct ConnectOutcome {
    // no_descriptors: this process (EMFILE) or the system (ENFILE) is out of
    // file descriptors, so nothing was sent: no verdict about the network.
    // not_tried: the deadline came before a socket was free to try it.
    enum class Kind {
        open,
        refused,
        timed_out,
        unreachable,
        self_connect,
        no_descriptors,
        not_tried,
        error
    };
    Kind kind = Kind::error;
    asio::ip::tcp::endpoint endpoint;
    double ms = 0;
    std::string detail; // the system's error text, when there was one
};

std::string describe(const ConnectOutcome& o);

// The reason code of a failed connect (ok for open).
Reason connect_reason(ConnectOutcome::Kind k);

// A failed connect as a message ("connect.refused", …) and as its sentence: "refused: HOST is up
// but nothing accepts connections on port P (...)", "timed out: ... (filtered ...)".
Message connect_failure(const ConnectOutcome& o, const std::string& host);
std::string diagnose(const ConnectOutcome& o, const std::string& host);

// "out of file descriptors: …": the verdict (an error) of a no_descriptors outcome.
std::string no_descriptors_text(const ConnectOutcome& o);

// The outcome a connect's error stands for (open for none).
ConnectOutcome::Kind classify_connect_error(const std::error_code& ec);

// The time an open connect took, without the time the loop took to run its
// handler (busy with other checks' work, it can add tens of milliseconds to a
// loopback connect of 0.1 ms): the kernel's measure where it has one, else
// wall_ms.
double network_ms(asio::ip::tcp::socket::native_handle_type connected, double wall_ms);

// Connects to endpoint until the check's cancellation, which ends the attempt
// as timed_out (no answer before the deadline). The socket is opened once the
// run's descriptor budget (net/budget.hpp) has one free, and gives it back
// when destroyed; the deadline while waiting for it is not_tried, and the
// time measured (ms) starts when the connect does. on_done runs once, on the
// loop; the returned function abandons the attempt (on_done is then not
// called). The connected socket (when open) is closed before on_done runs.
std::function<void()> connect_once(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                   const CheckCancelPtr& cancel,
                                   std::function<void(ConnectOutcome)> on_done);

// The same, handing over the connected socket (null unless open).
using SocketPtr = std::shared_ptr<asio::ip::tcp::socket>;
std::function<void()> connect_socket(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                     const CheckCancelPtr& cancel,
                                     std::function<void(ConnectOutcome, SocketPtr)> on_done);

} // namespace pf
