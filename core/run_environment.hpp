#pragma once
#include "core/proxy_config.hpp"
#include "hardware/host_facts.hpp"
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// Where trusted roots come from. Empty system locations mean the platform's
// own store; tests inject theirs so they never depend on the machine's.
struct TrustLocations {
    std::string system_file;           // --trust-store: a PEM bundle replacing the system store
    std::string system_dir;            // a hashed directory replacing the system store
    std::vector<std::string> ca_files; // --ca-file: added to whichever store is used
};

struct TlsSettings {
    TrustLocations trust;
    // The public root programme's bundle as the OS ships it (Debian:
    // /usr/share/ca-certificates/mozilla). A chain ending at a root the
    // system trusts but this bundle lacks was added locally: a sign of TLS
    // inspection. Empty: the platform default, if it has one.
    std::string public_roots;
    int expiry_warn_days = 60;      // certificates expiring sooner warn...
    int expiry_fail_days = 30;      // ...and sooner than this fail
    bool expiry_from_flags = false; // set on the command line: checks' own thresholds give way
    // The connection-persistence probe's idle time: unset means each check's
    // own; zero skips those checks.
    std::optional<std::chrono::milliseconds> idle;
};

// What the run knows besides a check's own parameters: facts about this host,
// the deployment the admin plans (the ACC guide's sizing table input), and how to
// reach the outside (proxy, trust).
struct RunEnvironment {
    HostFacts facts;
    std::optional<std::uint64_t> users;   // --users
    std::optional<std::uint32_t> servers; // --servers
    ProxyConfig proxy;
    TlsSettings tls;
};

} // namespace pf
