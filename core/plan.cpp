#include "core/plan.hpp"
#include "core/errors.hpp"
#include "core/loader.hpp"
#include "core/secrets.hpp"

namespace pf {

namespace {

std::optional<SettingValue> lookup(const Checklist& c, const RunSettings& s,
                                   const std::string& name) {
    if (auto it = s.values.find(name); it != s.values.end()) return it->second;
    const ParamDecl* p = c.find_param(name);
    if (p && p->default_value)
        return SettingValue{*p->default_value, "default at " + p->where.str()};
    return std::nullopt;
}

void check_settings(const Checklist& c, const RunSettings& s) {
    // Every secret given is checked, whether or not a check will use it: a
    // password typed as itself must stop the run before any report exists.
    for (const auto& [name, v] : s.values)
        if (const ParamDecl* p = c.find_param(name); p && p->secret && !v.value.empty())
            require_secret_source(v.value, v.origin, "the secret parameter '" + name + "'");
    for (const auto& [name, v] : s.values)
        if (!c.find_param(name)) {
            std::string known;
            for (const auto& p : c.params)
                known += (known.empty() ? "" : ", ") + p.name;
            throw InputError(v.origin + ": checklist '" + c.id + "' has no parameter '" + name +
                             "' (its parameters: " + known + ")");
        }
    for (const auto& sv : s.services)
        if (!c.find_service(sv)) {
            std::string known;
            for (const auto& d : c.services)
                known += (known.empty() ? "" : ",") + d.id;
            throw InputError(s.services_origin + ": checklist '" + c.id + "' has no service '" +
                             sv + "' (its services: " + known + ")");
        }
    for (const auto& p : c.params)
        if (p.required && !lookup(c, s, p.name))
            throw InputError("checklist '" + c.id + "' needs the parameter '" + p.name + "' (" +
                             p.description + "): give --set " + p.name + "=VALUE");
}

// Replaces every ${name}; returns the names that had no value.
std::string substitute(const std::string& raw, const Checklist& c, const RunSettings& s,
                       std::vector<std::string>& missing, std::vector<std::string>& origins) {
    std::string out;
    std::size_t pos = 0;
    while (true) {
        auto b = raw.find("${", pos);
        if (b == std::string::npos) break;
        auto e = raw.find('}', b);
        if (e == std::string::npos) break;
        out += raw.substr(pos, b - pos);
        auto name = raw.substr(b + 2, e - b - 2);
        if (auto v = lookup(c, s, name)) {
            out += v->value;
            origins.push_back(v->origin);
        } else {
            missing.push_back(name);
        }
        pos = e + 1;
    }
    return out + raw.substr(pos);
}

// The guide's words for the parameters a value came from.
std::string hints_of(const Checklist& c, const std::string& raw) {
    std::string out;
    for (const auto& name : param_references(raw))
        if (const ParamDecl* p = c.find_param(name); p && !p->hint.empty()) out += ". " + p->hint;
    return out;
}

} // namespace

std::vector<PlannedCheck> plan_run(const Checklist& c, const ProbeRegistry& probes,
                                   const RunSettings& s) {
    check_settings(c, s);
    std::vector<PlannedCheck> plan;
    std::map<std::string, SecretRef> secrets; // by source: one prompt per secret
    for (const auto& section : c.sections)
        for (const auto& check : section.checks) {
            PlannedCheck pc;
            pc.check = &check;
            pc.kind = probes.find(check.probe.kind);
            pc.timeout = check.timeout ? *check.timeout : s.timeout.value_or(c.default_timeout);
            std::map<std::string, std::string> values;
            std::vector<std::string> missing;
            for (const auto& arg : check.probe.args) {
                std::vector<std::string> origins;
                auto v = substitute(arg.value, c, s, missing, origins);
                const ParamSpec* spec = pc.kind->find_param(arg.name);
                if (spec->secret) {
                    // A source (the loader and check_settings saw to it); the
                    // secret is read below, only if the check runs.
                    values[arg.name] = v;
                    continue;
                }
                if (missing.empty() && !origins.empty())
                    if (auto problem = validate_value(spec->type, v))
                        throw InputError(origins.front() + ": '" + v + "' is not valid for " +
                                         arg.name + " of check '" + check.id + "' (" +
                                         arg.where.str() + "): expected " + *problem +
                                         hints_of(c, arg.value));
                values[arg.name] = v;
            }
            for (const auto& spec : pc.kind->params)
                if (!values.count(spec.name) && !spec.default_value.empty())
                    values[spec.name] = spec.default_value;
            if (!check.service.empty() && !s.services.count(check.service)) {
                const ServiceDecl* d = c.find_service(check.service);
                pc.skip =
                    ProbeResult::make(Status::skip, "service '" + check.service + "' (" + d->title +
                                                        ") is not enabled: add --service " +
                                                        check.service + " to check it");
            } else if (!missing.empty()) {
                std::string flags;
                for (const auto& m : missing) {
                    const ParamDecl* p = c.find_param(m);
                    flags += (flags.empty() ? "" : ", ") + std::string("--set ") + m + "=…" +
                             (p && !p->description.empty() ? " (" + p->description + ")" : "");
                }
                pc.skip = ProbeResult::make(Status::skip, "not configured: give " + flags);
            }
            // Only checks that will run read their secrets: a disabled
            // service must not prompt for its password.
            std::map<std::string, SecretRef> read;
            if (!pc.skip)
                for (const auto& [name, value] : values)
                    if (const ParamSpec* spec = pc.kind->find_param(name);
                        spec && spec->secret && !value.empty()) {
                        auto& held = secrets[value];
                        if (!held) held = read_secret(value, name + " of check '" + check.id + "'");
                        read[name] = held;
                    }
            pc.args = ProbeArgs(values, std::move(read));
            plan.push_back(std::move(pc));
        }
    return plan;
}

std::vector<std::pair<std::string, std::string>> effective_settings(const Checklist& c,
                                                                    const RunSettings& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : c.params)
        if (auto v = lookup(c, s, p.name)) out.emplace_back(p.name, v->value);
    return out;
}

} // namespace pf
