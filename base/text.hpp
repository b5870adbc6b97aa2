#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pf {

// Small text helpers every layer needs, written once.

// ASCII lower case (header names, product patterns, file extensions).
std::string lower(std::string s);

// Standard base64 (RFC 4648), padded.
std::string base64(std::string_view bytes);
// Its inverse, stopping at "="; nullopt at a character outside the alphabet.
std::optional<std::string> unbase64(std::string_view text);

// host as it stands in a URL or an authority: an IPv6 literal in brackets.
std::string bracket_host(const std::string& host);

// "host:port", "[::1]:port".
std::string host_port(const std::string& host, std::uint16_t port);

} // namespace pf
