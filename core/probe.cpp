#include "core/probe.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include <asio/post.hpp>
#include <cmath>
#include <stdexcept>

namespace pf {

// Values were validated by the loader, so a parse failure here is a bug in a
// probe's parameter declaration, not bad input.
template <class T> static T must(std::optional<T> v, const std::string& name) {
    if (!v) throw std::logic_error("probe parameter '" + name + "' has the wrong type");
    return *v;
}

const std::string& ProbeArgs::text(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw std::logic_error("probe parameter '" + name + "' missing");
    return it->second;
}

SecretRef ProbeArgs::secret(const std::string& name) const {
    auto it = secrets_.find(name);
    return it == secrets_.end() ? nullptr : it->second;
}

std::uint16_t ProbeArgs::port(const std::string& name) const {
    return must(parse_port_range(text(name)), name).first;
}
PortRange ProbeArgs::port_range(const std::string& name) const {
    return must(parse_port_range(text(name)), name);
}
std::uint64_t ProbeArgs::integer(const std::string& name) const {
    return must(parse_integer(text(name)), name);
}
std::chrono::milliseconds ProbeArgs::seconds(const std::string& name) const {
    // Bounded by the declaration (an hour at most), so the cast cannot overflow.
    return std::chrono::milliseconds(std::llround(must(parse_seconds(text(name)), name) * 1000.0));
}
std::uint64_t ProbeArgs::size(const std::string& name) const {
    return must(parse_size(text(name)), name);
}
double ProbeArgs::frequency_mhz(const std::string& name) const {
    return must(parse_frequency_mhz(text(name)), name);
}
bool ProbeArgs::boolean(const std::string& name) const {
    return must(parse_boolean(text(name)), name);
}

std::optional<std::string> check_value(const ParamSpec& spec, std::string_view value) {
    if (spec.type == ParamType::choice) {
        for (const auto& c : spec.choices)
            if (value == c) return std::nullopt;
        return join_alternatives(spec.choices);
    }
    if (spec.form && !spec.form->accepts(value)) return render(spec.form->expected);
    return validate_value(spec.type, value, spec.bounds.value_or(default_bounds(spec.type)));
}

std::string type_text(const ParamSpec& spec) {
    if (spec.type == ParamType::choice) {
        std::string out;
        for (const auto& c : spec.choices)
            out += (out.empty() ? "" : "|") + c;
        return "one of " + out;
    }
    if (spec.form) return spec.form->name;
    std::string t(to_string(spec.type));
    if (spec.type == ParamType::integer || spec.type == ParamType::seconds)
        t += " " + bounds_text(spec.bounds.value_or(default_bounds(spec.type)));
    return spec.secret ? "secret" : t;
}

std::string ProbeArgs::how_to_set(const std::string& name, const std::string& value) const {
    if (auto it = settings_.find(name); it != settings_.end())
        return "--set " + it->second + "=" + value;
    return name + "=\"" + value + "\"";
}

const ParamSpec* ProbeKind::find_param(const std::string& n) const {
    for (const auto& p : params)
        if (p.name == n) return &p;
    return nullptr;
}

ProbeCancel deliver_now(const ProbeContext& ctx, ProbeDone done, ProbeResult r) {
    asio::post(ctx.io,
               [done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    return [] {};
}

void ProbeRegistry::add(ProbeKind kind) {
    auto name = kind.name;
    if (!kinds_.emplace(name, std::move(kind)).second)
        throw std::logic_error("probe kind registered twice: " + name);
}

const ProbeKind* ProbeRegistry::find(const std::string& name) const {
    auto it = kinds_.find(name);
    return it == kinds_.end() ? nullptr : &it->second;
}

std::vector<std::string> ProbeRegistry::names() const {
    std::vector<std::string> out;
    for (const auto& [n, k] : kinds_)
        out.push_back(n);
    return out;
}

} // namespace pf
