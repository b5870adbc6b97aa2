#include "base/param_types.hpp"
#include "base/catalog.hpp"
#include <asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

namespace pf {

std::string_view to_string(ParamType t) {
    switch (t) {
    case ParamType::text:
        return "text";
    case ParamType::host:
        return "host";
    case ParamType::port:
        return "port";
    case ParamType::port_range:
        return "port range";
    case ParamType::integer:
        return "integer";
    case ParamType::seconds:
        return "seconds";
    case ParamType::size:
        return "size";
    case ParamType::frequency:
        return "frequency";
    case ParamType::boolean:
        return "boolean";
    case ParamType::choice:
        return "choice";
    }
    return "?";
}

NumberBounds default_bounds(ParamType t) {
    if (t == ParamType::seconds) return {0, 3600};
    return {0, 1e9};
}

static std::string number_text(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.15g", v);
    return buf;
}

std::string bounds_text(const NumberBounds& b) {
    return render(msg("input.bounds", {{"min", number_text(b.min)}, {"max", number_text(b.max)}}));
}

std::optional<std::uint64_t> parse_integer(std::string_view v) {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
    return n;
}

static std::optional<std::uint16_t> parse_port(std::string_view v) {
    auto n = parse_integer(v);
    if (!n || *n < 1 || *n > 65535) return std::nullopt;
    return static_cast<std::uint16_t>(*n);
}

std::optional<PortRange> parse_port_range(std::string_view v) {
    auto dash = v.find('-');
    if (dash == std::string_view::npos) {
        auto p = parse_port(v);
        if (!p) return std::nullopt;
        return PortRange{*p, *p};
    }
    auto a = parse_port(v.substr(0, dash));
    auto b = parse_port(v.substr(dash + 1));
    if (!a || !b || *a > *b) return std::nullopt;
    return PortRange{*a, *b};
}

// Splits "2.5GB" into 2.5 and "GB".
static bool split_number(std::string_view v, double& number, std::string& unit) {
    std::size_t i = 0;
    while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.'))
        ++i;
    if (i == 0) return false;
    std::string num(v.substr(0, i));
    char* end = nullptr;
    number = std::strtod(num.c_str(), &end);
    if (end != num.c_str() + num.size() || !std::isfinite(number)) return false;
    std::size_t j = i;
    while (j < v.size() && v[j] == ' ')
        ++j;
    unit.clear();
    for (char c : v.substr(j))
        unit += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return true;
}

std::optional<double> parse_seconds(std::string_view v) {
    double n = 0;
    std::string unit;
    if (!split_number(v, n, unit)) return std::nullopt;
    if (unit.empty() || unit == "S") return n;
    if (unit == "MS") return n / 1000.0;
    if (unit == "M" || unit == "MIN") return n * 60.0;
    return std::nullopt;
}

std::optional<std::uint64_t> parse_size(std::string_view v) {
    double n = 0;
    std::string unit;
    if (!split_number(v, n, unit)) return std::nullopt;
    // Sizing guides say "GB" and mean what Windows shows, which counts in 2^30.
    double mult = 0;
    if (unit.empty() || unit == "B")
        mult = 1;
    else if (unit == "KB" || unit == "KIB")
        mult = 1024.0;
    else if (unit == "MB" || unit == "MIB")
        mult = 1024.0 * 1024;
    else if (unit == "GB" || unit == "GIB")
        mult = 1024.0 * 1024 * 1024;
    else if (unit == "TB" || unit == "TIB")
        mult = 1024.0 * 1024 * 1024 * 1024;
    else
        return std::nullopt;
    if (n * mult > max_size_bytes) return std::nullopt;
    return static_cast<std::uint64_t>(n * mult);
}

std::optional<double> parse_frequency_mhz(std::string_view v) {
    double n = 0;
    std::string unit;
    if (!split_number(v, n, unit)) return std::nullopt;
    if (unit == "GHZ")
        n *= 1000.0;
    else if (unit != "MHZ")
        return std::nullopt;
    if (n > max_frequency_mhz) return std::nullopt;
    return n;
}

std::optional<bool> parse_boolean(std::string_view v) {
    if (v == "true" || v == "yes" || v == "1") return true;
    if (v == "false" || v == "no" || v == "0") return false;
    return std::nullopt;
}

static std::optional<std::string> validate_host(std::string_view v) {
    if (v.empty()) return render(msg("input.expect_host_empty"));
    if (v.find("://") != std::string_view::npos) return render(msg("input.expect_host_scheme"));
    if (v.find('/') != std::string_view::npos) return render(msg("input.expect_host_path"));
    std::error_code ec;
    asio::ip::make_address(std::string(v), ec);
    if (!ec) return std::nullopt;
    if (v.find(':') != std::string_view::npos) return render(msg("input.expect_host_port"));
    if (v.size() > 253) return render(msg("input.expect_host_length"));
    std::size_t label = 0;
    for (char c : v) {
        if (c == '.') {
            if (label == 0) return render(msg("input.expect_host_labels"));
            label = 0;
            continue;
        }
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
            return render(msg("input.expect_host_character", {{"character", std::string(1, c)}}));
        if (++label > 63) return render(msg("input.expect_host_label_length"));
    }
    return std::nullopt;
}

std::optional<double> parse_timeout_seconds(std::string_view v) {
    auto s = parse_seconds(v);
    if (!s || *s < timeout_bounds.min || *s > timeout_bounds.max) return std::nullopt;
    return s;
}

std::string timeout_expected() {
    return render(msg("input.expect_duration", {{"bounds", bounds_text(timeout_bounds)}}));
}

std::optional<std::string> validate_value(ParamType t, std::string_view v) {
    return validate_value(t, v, default_bounds(t));
}

std::optional<std::string> validate_value(ParamType t, std::string_view v, const NumberBounds& b) {
    switch (t) {
    case ParamType::text:
        return std::nullopt;
    case ParamType::host:
        return validate_host(v);
    case ParamType::port:
        if (parse_port(v)) return std::nullopt;
        return render(msg("input.expect_port"));
    case ParamType::port_range:
        if (parse_port_range(v)) return std::nullopt;
        return render(msg("input.expect_port_range"));
    case ParamType::integer:
        if (auto n = parse_integer(v); n && double(*n) >= b.min && double(*n) <= b.max)
            return std::nullopt;
        return render(msg("input.expect_whole_number", {{"bounds", bounds_text(b)}}));
    case ParamType::seconds:
        if (auto s = parse_seconds(v); s && *s >= b.min && *s <= b.max) return std::nullopt;
        return render(msg("input.expect_duration", {{"bounds", bounds_text(b)}}));
    case ParamType::size:
        if (parse_size(v)) return std::nullopt;
        return render(msg("input.expect_size"));
    case ParamType::frequency:
        if (parse_frequency_mhz(v)) return std::nullopt;
        return render(msg("input.expect_frequency"));
    case ParamType::boolean:
        if (parse_boolean(v)) return std::nullopt;
        return render(msg("input.true_or_false"));
    case ParamType::choice:
        return std::nullopt;
    }
    return std::nullopt;
}

std::string format_size(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024 && u < 4) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

} // namespace pf
