#pragma once
#include "core/probe.hpp"
#include <asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>

namespace pf {

// One TCP connection attempt, classified as the admin needs it.
struct ConnectOutcome {
    enum class Kind { open, refused, timed_out, unreachable, self_connect, error };
    Kind kind = Kind::error;
    asio::ip::tcp::endpoint endpoint;
    double ms = 0;
    std::string detail; // the system's error text, when there was one
};

std::string describe(const ConnectOutcome& o);

// A failed connect as a verdict line: "refused: HOST is up but nothing
// accepts connections on port P (...)", "timed out: ... (filtered ...)".
std::string diagnose(const ConnectOutcome& o, const std::string& host);

// Connects to endpoint, giving up at deadline. The returned function cancels.
// The connected socket (when open) is closed before on_done runs.
std::function<void()> connect_once(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                   Clock::time_point deadline,
                                   std::function<void(ConnectOutcome)> on_done);

// The same, handing over the connected socket (null unless open).
using SocketPtr = std::shared_ptr<asio::ip::tcp::socket>;
std::function<void()> connect_socket(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                     Clock::time_point deadline,
                                     std::function<void(ConnectOutcome, SocketPtr)> on_done);

} // namespace pf
