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
    choice,     // one of the values the parameter's declaration lists
};

// Inclusive bounds of a number. integer and seconds parameters may narrow
// their type's bounds in their declaration.
struct NumberBounds {
    double min = 0;
    double max = 0;
};

// The bounds of a type when a parameter declares none: integers up to a
// billion, durations up to an hour.
NumberBounds default_bounds(ParamType t);

// Every deadline (a checklist's or check's timeout, --timeout): from 1 ms to
// an hour. Shorter cannot be measured; longer is a typo, not a network.
constexpr NumberBounds timeout_bounds{0.001, 3600};
// nullopt unless v is a duration within timeout_bounds.
std::optional<double> parse_timeout_seconds(std::string_view v);
// "a duration from 0.001 to 3600 seconds such as 5 or 2.5 (ms and min suffixes allowed)"
std::string timeout_expected();

// --users and a site file's users: the sizing table's deployments, with room.
constexpr NumberBounds users_bounds{1, 10'000'000};

// The largest size (1 PiB) and clock (100 GHz) a minimum can state: larger
// ones are typos, and would overflow.
constexpr double max_size_bytes = 1125899906842624.0;
constexpr double max_frequency_mhz = 100000.0;

std::string_view to_string(ParamType t);

// nullopt when valid for the type (within its default bounds); otherwise what
// was expected, in the user's words. choice accepts anything here: its values
// are in the parameter's declaration (check_value in core/probe.hpp).
std::optional<std::string> validate_value(ParamType t, std::string_view value);
std::optional<std::string> validate_value(ParamType t, std::string_view value,
                                          const NumberBounds& bounds);

// "0 to 3600", "1 to 65535": bounds as the user reads them.
std::string bounds_text(const NumberBounds& b);

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
