#pragma once
#include "core/probe.hpp"
#include <asio/io_context.hpp>
#include <asio/ip/address.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace pf {

// The outcome of a name lookup, told apart the way an admin needs it: a name
// that does not exist is a typo or a missing record; a temporary failure is
// a DNS server that cannot be reached or answered SERVFAIL.
struct Resolution {
    // cancelled: the check's deadline (or an interrupt) came first.
    enum class Outcome { resolved, not_found, no_address, temporary_failure, failure, cancelled };
    Outcome outcome = Outcome::failure;
    std::vector<asio::ip::address> addresses; // every address, in resolver order
    std::string detail;                       // the resolver's own words
    bool literal = false;                     // an IP address: no lookup was made
    std::chrono::milliseconds took{0};
};

// Why a lookup failed, as a message ("lookup.not_found", …) and as its sentence.
Message lookup_failure(const std::string& host, const Resolution& r);
std::string describe_failure(const std::string& host, const Resolution& r);
Reason lookup_reason(Resolution::Outcome o);

// Resolves host without blocking the loop (getaddrinfo on the run's worker
// pool); IP literals resolve at once. Returns a function that abandons the
// lookup.
std::function<void()> resolve_host(asio::io_context& io, const std::string& host,
                                   std::function<void(Resolution)> on_done);

// The same, ended by the check's cancellation: on_done then gets a
// Resolution whose outcome is cancelled. on_done runs exactly once unless
// the returned function abandons the lookup first.
std::function<void()> resolve_host(asio::io_context& io, const std::string& host,
                                   const CheckCancelPtr& cancel,
                                   std::function<void(Resolution)> on_done);

// A probe's lookup: on_resolved gets the addresses; a failed lookup, or none
// before the check's cancellation, becomes the probe's fail verdict through
// on_failed. Exactly one of them runs unless the returned function abandons
// the lookup first.
std::function<void()> resolve_for_probe(asio::io_context& io, const std::string& host,
                                        const CheckCancelPtr& cancel,
                                        std::function<void(Resolution)> on_resolved,
                                        std::function<void(ProbeResult)> on_failed);

} // namespace pf
