#pragma once
#include "core/probe.hpp"
#include <cstdint>
#include <vector>

namespace pf {

// "tcp": connects to a port on every address of a host and says, per address,
// open / refused / timed out (filtered) / unreachable. Given a range such as
// 49152-65535 it samples ports and classifies the range as reachable or
// filtered, which is what a firewall rule for DCOM's dynamic ports decides.
ProbeKind tcp_probe();

// The ports sampled from a range: both ends and evenly spaced ones between.
std::vector<std::uint16_t> sample_ports(std::uint16_t first, std::uint16_t last, std::size_t count);

} // namespace pf
