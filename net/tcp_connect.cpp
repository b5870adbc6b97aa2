#include "net/tcp_connect.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include <asio/post.hpp>

namespace pf {

std::string describe(const ConnectOutcome& o) {
    auto where = o.endpoint.address().to_string() + " port " + std::to_string(o.endpoint.port());
    switch (o.kind) {
    case ConnectOutcome::Kind::open:
        return where + ": open (" + ms_text(o.ms) + ")";
    case ConnectOutcome::Kind::refused:
        return where + ": refused in " + ms_text(o.ms) +
               " (host up, nothing listening, or a firewall rejects)";
    case ConnectOutcome::Kind::timed_out:
        return where + ": timed out after " + ms_text(o.ms) +
               " (filtered: a firewall drops the packets, or the host is down)";
    case ConnectOutcome::Kind::unreachable:
        return where + ": unreachable (" + o.detail + ")";
    case ConnectOutcome::Kind::self_connect:
        return where +
               ": connected to itself (the port is in this host's ephemeral range; not a listener)";
    case ConnectOutcome::Kind::no_descriptors:
        return where + ": not tried, no file descriptor left for a socket (" + o.detail + ")";
    case ConnectOutcome::Kind::not_tried:
        return where + ": not tried before the deadline";
    case ConnectOutcome::Kind::error:
        break;
    }
    return where + ": " + o.detail;
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

namespace {

ConnectOutcome::Kind classify(const std::error_code& ec) {
    if (ec == asio::error::connection_refused) return ConnectOutcome::Kind::refused;
    if (ec == asio::error::timed_out) return ConnectOutcome::Kind::timed_out;
    if (ec == asio::error::network_unreachable || ec == asio::error::host_unreachable)
        return ConnectOutcome::Kind::unreachable;
    if (ec == asio::error::no_descriptors || ec == std::errc::too_many_files_open_in_system)
        return ConnectOutcome::Kind::no_descriptors;
    return ConnectOutcome::Kind::error;
}

} // namespace

std::function<void()> connect_socket(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                     const CheckCancelPtr& cancel,
                                     std::function<void(ConnectOutcome, SocketPtr)> on_done) {
    auto socket = std::make_shared<asio::ip::tcp::socket>(io);
    // Emptied by the returned function: an abandoned attempt reports nothing.
    auto report =
        std::make_shared<std::function<void(ConnectOutcome, SocketPtr)>>(std::move(on_done));
    auto start = Clock::now();
    auto complete = [socket, report, ep, start](std::error_code ec) {
        auto done = std::move(*report);
        *report = nullptr;
        if (!done) return;
        ConnectOutcome o{ConnectOutcome::Kind::open, ep, ms_since(start), {}};
        if (ec == asio::error::operation_aborted)
            o.kind = ConnectOutcome::Kind::timed_out; // the check's deadline
        else if (ec) {
            o.kind = classify(ec);
            o.detail = ec.message();
        } else {
            std::error_code lec;
            auto local = socket->local_endpoint(lec);
            // Linux lets a socket whose local port equals the target port
            // connect to itself on loopback (TCP simultaneous open); that is
            // no listener.
            if (!lec && local == ep) o.kind = ConnectOutcome::Kind::self_connect;
        }
        if (o.kind == ConnectOutcome::Kind::open) return done(o, socket);
        std::error_code ignore;
        socket->close(ignore);
        done(o, nullptr);
    };
    if (cancel->cancelled())
        asio::post(io, [complete] { complete(asio::error::operation_aborted); });
    else
        socket->async_connect(ep, cancel->bind(complete));
    return [socket, report] {
        *report = nullptr;
        std::error_code ignore;
        socket->close(ignore);
    };
}

std::function<void()> connect_once(asio::io_context& io, const asio::ip::tcp::endpoint& ep,
                                   const CheckCancelPtr& cancel,
                                   std::function<void(ConnectOutcome)> on_done) {
    return connect_socket(io, ep, cancel, [on_done](ConnectOutcome o, SocketPtr s) {
        if (s) {
            std::error_code ignore;
            s->close(ignore);
        }
        on_done(o);
    });
}

} // namespace pf
