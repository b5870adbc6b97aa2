#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pf {

// The kinds of value a probe parameter can hold. The loader checks every
// value against its kind so that a bad checklist or --set is caught before
// anything is sent on the network.
enum class ParamType {
    text,
    host,       // DNS name or IP literal; no scheme, path or port
    port,       // 1..65535
    port_range, // "N" or "N-M"
    integer,    // non-negative
    seconds,    // decimal seconds, e.g. "2.5"
    size,       // bytes with unit: "2GB", "512MiB"; GB and GiB both mean 2^30 here
    frequency,  // "2.0GHz", "1800MHz"
    boolean,    // true/false/yes/no/1/0
};

std::string_view to_string(ParamType t);

// nullopt when valid; otherwise what was expected, in the user's words.
std::optional<std::string> validate_value(ParamType t, std::string_view value);

struct PortRange {
    std::uint16_t first = 0;
    std::uint16_t last = 0;
};

std::optional<std::uint64_t> parse_integer(std::string_view v);
std::optional<PortRange> parse_port_range(std::string_view v);
std::optional<double> parse_seconds(std::string_view v);
std::optional<std::uint64_t> parse_size(std::string_view v);
std::optional<double> parse_frequency_mhz(std::string_view v);
std::optional<bool> parse_boolean(std::string_view v);

std::string format_size(std::uint64_t bytes);

} // namespace pf
