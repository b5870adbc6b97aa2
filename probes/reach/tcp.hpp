#pragma once
#include "core/probe.hpp"
#include "net/tcp_connect.hpp"
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// "tcp": connects to a port on every address of a host and says, per address,
// open / refused / timed out (filtered) / unreachable. Given a range such as
// 49152-65535 it samples ports and classifies the range as reachable or
// filtered, which is what a firewall rule for DCOM's dynamic ports decides.
ProbeKind tcp_probe();

// The ports sampled from a range: both ends and evenly spaced ones between.
std::vector<std::uint16_t> sample_ports(std::uint16_t first, std::uint16_t last, std::size_t count);

// Connects to every port of address, a bounded number at once, each taking a
// descriptor from the run's budget and giving up at the check's deadline
// (ports whose turn never came are not_tried); on_done gets the outcomes in
// the order of ports. Returns a cancel.
std::function<void()> connect_ports(asio::io_context& io, const asio::ip::address& address,
                                    const std::vector<std::uint16_t>& ports,
                                    const CheckCancelPtr& cancel,
                                    std::function<void(std::vector<ConnectOutcome>)> on_done);

// How the sampled ports of a range answered. A self-connect is no answer
// from the host and counts as neither.
// Ports not tried (no descriptor, or the deadline came first) count as
// neither either.
struct RangeTally {
    std::size_t open = 0, refused = 0, timed_out = 0, unreachable = 0, self_connect = 0, other = 0;
    std::size_t no_descriptors = 0, not_tried = 0;
    std::size_t answered() const { return open + refused; }
    std::size_t counted() const { return open + refused + timed_out + unreachable + other; }
    std::string text() const; // "0 open, 6 refused, 0 timed out"
};

// An error verdict when descriptors ran out while sampling: a port that was
// never tried says nothing about a firewall.
std::optional<ProbeResult> range_not_judged(const RangeTally& t, std::size_t sampled);
// ", 40 of 5000 not tried before the deadline" or "".
std::string not_tried_text(const RangeTally& t, std::size_t sampled);
RangeTally tally_range(const std::vector<ConnectOutcome>& outcomes);

// The evidence of a sampled range: one line per run of consecutive samples
// that answered alike ("port 40000: refused in 0.05 ms …; likewise 16383
// more sampled ports up to port 56383"), not one per port: a closed range of
// 16,384 ports is one line, not 16,384 in every report.
std::vector<std::string> range_evidence(const std::vector<ConnectOutcome>& outcomes);

} // namespace pf
