#include "hardware/facts_json.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include <array>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>
#include <variant>

namespace pf {

namespace {

// Insertion order keeps the file in HostFacts' order, so files diff well.
using json = nlohmann::ordered_json;

using Member =
    std::variant<std::string HostFacts::*, unsigned HostFacts::*, std::uint64_t HostFacts::*,
                 bool HostFacts::*, std::optional<double> HostFacts::*,
                 std::optional<std::uint64_t> HostFacts::*,
                 std::optional<std::uint32_t> HostFacts::*>;

struct Field {
    const char* name;
    Member member;
};

// One table for writing and reading, so the two cannot drift apart.
const std::array fields{
    Field{"hostname", &HostFacts::hostname},
    Field{"os_family", &HostFacts::os_family},
    Field{"os_name", &HostFacts::os_name},
    Field{"os_version", &HostFacts::os_version},
    Field{"kernel", &HostFacts::kernel},
    Field{"arch", &HostFacts::arch},
    Field{"cpu_model", &HostFacts::cpu_model},
    Field{"logical_cores", &HostFacts::logical_cores},
    Field{"cpu_max_mhz", &HostFacts::cpu_max_mhz},
    Field{"ram_bytes", &HostFacts::ram_bytes},
    Field{"disk_path", &HostFacts::disk_path},
    Field{"disk_free_bytes", &HostFacts::disk_free_bytes},
    Field{"cpu_packages", &HostFacts::cpu_packages},
    Field{"is_admin", &HostFacts::is_admin},
    Field{"os_product_type", &HostFacts::os_product_type},
    Field{"os_installation", &HostFacts::os_installation},
    Field{"os_build", &HostFacts::os_build},
    Field{"dotnet4_full", &HostFacts::dotnet4_full},
    Field{"dotnet_release", &HostFacts::dotnet_release},
    Field{"dotnet_version", &HostFacts::dotnet_version},
    Field{"powershell_version", &HostFacts::powershell_version},
};

template <class T> json to_json_value(const T& v) {
    if constexpr (std::is_same_v<T, std::string>)
        return v.empty() ? json(nullptr) : json(v);
    else if constexpr (std::is_same_v<T, bool>)
        return json(v);
    else if constexpr (std::is_arithmetic_v<T>)
        return v ? json(v) : json(nullptr); // the readers' way of saying "could not tell"
    else
        return v ? json(*v) : json(nullptr);
}

// expected: what the field must hold, a noun phrase ("a number").
[[noreturn]] void bad_field(const std::string& origin, const std::string& name,
                            const std::string& expected) {
    throw InputError(origin + ": " +
                     render(msg("input.json_field", {{"field", name}, {"expected", expected}})));
}

template <class T>
T whole_number(const json& v, const std::string& origin, const std::string& name) {
    if (!v.is_number()) bad_field(origin, name, render(msg("input.json_a_number")));
    if (!v.is_number_unsigned() || v.get<std::uint64_t>() > std::numeric_limits<T>::max())
        bad_field(origin, name,
                  render(msg("input.json_whole_number_up_to",
                             {{"max", std::to_string(std::numeric_limits<T>::max())}})));
    return static_cast<T>(v.get<std::uint64_t>());
}

template <class T>
void from_json_value(const json& v, T& out, const std::string& origin, const std::string& name) {
    if constexpr (std::is_same_v<T, std::string>) {
        if (v.is_null())
            out.clear();
        else if (v.is_string())
            out = v.get<std::string>();
        else
            bad_field(origin, name, render(msg("input.json_a_string")));
    } else if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_null() && !v.is_boolean())
            bad_field(origin, name, render(msg("input.true_or_false")));
        out = v.is_boolean() && v.get<bool>();
    } else if constexpr (std::is_arithmetic_v<T>) {
        out = v.is_null() ? T{} : whole_number<T>(v, origin, name);
    } else if constexpr (std::is_same_v<T, std::optional<double>>) {
        if (v.is_null())
            out.reset();
        else if (v.is_number() && std::isfinite(v.get<double>()) && v.get<double>() >= 0 &&
                 v.get<double>() <= 1e9)
            out = v.get<double>();
        else
            bad_field(origin, name, render(msg("input.json_number_up_to")));
    } else {
        if (v.is_null())
            out.reset();
        else
            out = whole_number<typename T::value_type>(v, origin, name);
    }
}

} // namespace

std::string facts_to_json(const HostFacts& f) {
    json j;
    j["format"] = facts_format;
    for (const Field& field : fields)
        std::visit([&](auto member) { j[field.name] = to_json_value(f.*member); }, field.member);
    // Host names and CPU models come from the system and may not be UTF-8;
    // a replaced character is better than no facts file.
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

HostFacts facts_from_json(const std::string& text, const std::string& origin) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        // parse_error, and out_of_range for a number too large for a double
        // (2e18558): both are the file's fault, named as such.
        std::string what = e.what();
        if (auto at = what.find("] ");
            what.starts_with("[json.exception") && at != std::string::npos)
            what.erase(0, at + 2);
        throw InputError(origin + ": " + render(msg("input.json_invalid", {{"detail", what}})));
    }
    if (!j.is_object()) throw InputError(origin + ": " + render(msg("input.facts_not_object")));
    auto format = j.find("format");
    if (format == j.end() || !format->is_string() || format->get<std::string>() != facts_format)
        bad_field(origin, "format", std::string("\"") + facts_format + "\"");

    for (auto it = j.begin(); it != j.end(); ++it) {
        bool known = it.key() == "format";
        for (const Field& field : fields)
            known = known || it.key() == field.name;
        if (!known)
            throw InputError(origin + ": " +
                             render(msg("input.facts_unknown_field",
                                        {{"field", it.key()}, {"format", facts_format}})));
    }

    HostFacts f;
    for (const Field& field : fields) {
        auto v = j.find(field.name);
        if (v == j.end()) continue;
        std::visit([&](auto member) { from_json_value(*v, f.*member, origin, field.name); },
                   field.member);
    }
    return f;
}

} // namespace pf
