#pragma once
#include "base/status.hpp"
#include <cstdint>
#include <string>
#include <vector>

namespace pf {

// One column of the ACC guide's "Sizing for up to 200,000 Users" table. RAM is per
// server, in the guide's GB (2^30 bytes, as Windows counts).
struct SizingBand {
    std::uint64_t min_users;
    std::uint64_t max_users;
    std::uint32_t min_servers;
    std::uint32_t max_servers; // the guide's "2 to 3"; more is never a failure
    unsigned cores;            // per server
    unsigned ram_gb;           // per server
};

// The bands in ascending order of users.
const std::vector<SizingBand>& sizing_bands();

// The band covering this many users, or nullptr beyond the guide's table.
const SizingBand* find_band(std::uint64_t users);

struct SizingVerdict {
    Status status = Status::error;
    std::string summary;
    std::vector<std::string> evidence;
};

// Compares a planned deployment (users, ACC servers) and this host's cores and
// RAM (as the OS reports it) with the guide's band for that many users.
SizingVerdict evaluate_sizing(std::uint64_t users, std::uint32_t servers, unsigned cores,
                              std::uint64_t ram_bytes);

// Whether RAM as the OS reports it counts as an installed ram_gb. The OS keeps
// part of the installed memory for firmware and the kernel, so a machine with
// exactly the guide's RAM reports a little less.
bool ram_meets(std::uint64_t reported_bytes, std::uint64_t required_bytes);

// Figures written the way the guide writes them: "20,000", "2.40 GHz".
std::string format_count(std::uint64_t n);
std::string format_clock_mhz(double mhz);

} // namespace pf
