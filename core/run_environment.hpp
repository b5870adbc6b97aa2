#pragma once
#include "hardware/host_facts.hpp"
#include <cstdint>
#include <optional>

namespace pf {

// What the run knows besides a check's own parameters: facts about this host
// and the deployment the admin plans (seed 001's sizing table input).
struct RunEnvironment {
    HostFacts facts;
    std::optional<std::uint64_t> users;   // --users
    std::optional<std::uint32_t> servers; // --servers
};

} // namespace pf
