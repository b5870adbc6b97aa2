#include "core/plan.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/human_format.hpp"
#include "core/loader.hpp"
#include "core/secrets.hpp"

namespace pf {

namespace {

std::optional<SettingValue> lookup(const Checklist& c, const RunSettings& s,
                                   const std::string& name) {
    if (auto it = s.values.find(name); it != s.values.end()) return it->second;
    const ParamDecl* p = c.find_param(name);
    if (p && p->default_value)
        return SettingValue{*p->default_value,
                            render(msg("input.default_at", {{"where", p->where.str()}}))};
    return std::nullopt;
}

void check_settings(const Checklist& c, const RunSettings& s) {
    // Every secret given is checked, whether or not a check will use it: a
    // password typed as itself must stop the run before any report exists.
    for (const auto& [name, v] : s.values)
        if (const ParamDecl* p = c.find_param(name); p && p->secret && !v.value.empty())
            require_secret_source(v.value, v.origin,
                                  render(msg("input.secret_param", {{"name", name}})));
    for (const auto& [name, v] : s.values)
        if (!c.find_param(name)) {
            std::string known;
            for (const auto& p : c.params)
                known += (known.empty() ? "" : ", ") + p.name;
            throw InputError(v.origin + ": " +
                             render(msg("input.param_unknown",
                                        {{"checklist", c.id}, {"name", name}, {"known", known}})));
        }
    for (const auto& sv : s.services)
        if (!c.find_service(sv)) {
            std::string known;
            for (const auto& d : c.services)
                known += (known.empty() ? "" : ",") + d.id;
            throw InputError(
                (s.service_origins.count(sv) ? s.service_origins.at(sv) : s.services_origin) +
                ": " +
                render(msg("input.service_unknown",
                           {{"checklist", c.id}, {"service", sv}, {"known", known}})));
        }
    for (const auto& p : c.params)
        if (p.required && !lookup(c, s, p.name))
            throw InputError(render(
                msg("input.param_required",
                    {{"checklist", c.id}, {"name", p.name}, {"description", p.description}})));
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
        if (const ParamDecl* p = c.find_param(name); p && !p->hint.empty())
            out += render(msg("input.param_hint", {{"hint", p->hint}}));
    return out;
}

InputError bad_value(const std::string& origin, const std::string& value, const Check& check,
                     const ProbeArg& arg, const std::string& expected, const Checklist& c) {
    return InputError(origin + ": " +
                      render(msg("input.value_invalid", {{"value", value},
                                                         {"param", arg.name},
                                                         {"check", check.id},
                                                         {"where", arg.where.str()},
                                                         {"expected", expected},
                                                         {"hints", hints_of(c, arg.value)}})));
}

// "55", "2.5": whole seconds unless the budget is finer.
std::string seconds_number(std::chrono::milliseconds ms) {
    auto n = ms.count();
    std::string out = std::to_string(n / 1000);
    if (n % 1000 != 0) {
        std::string frac = std::to_string(1000 + n % 1000).substr(1);
        while (frac.back() == '0')
            frac.pop_back();
        out += "." + frac;
    }
    return out;
}

std::string seconds_text(std::chrono::milliseconds ms) {
    return with_seconds(seconds_number(ms));
}

} // namespace

std::vector<PlannedCheck> plan_run(const Checklist& c, const ProbeRegistry& probes,
                                   const RunSettings& s) {
    check_settings(c, s);
    require_matches(s.selection, c);
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
            std::map<std::string, const ProbeArg*> arg_of;
            std::map<std::string, std::string> settings; // for ProbeArgs::how_to_set
            std::map<std::string, std::string> origin_of;
            for (const auto& arg : check.probe.args) {
                std::vector<std::string> origins;
                auto missing_before = missing.size();
                auto v = substitute(arg.value, c, s, missing, origins);
                // Each value is checked on its own, even when another
                // parameter of the check is unset and the check is skipped.
                bool resolved = missing.size() == missing_before;
                arg_of[arg.name] = &arg;
                if (auto refs = param_references(arg.value);
                    refs.size() == 1 && arg.value == "${" + refs[0] + "}")
                    settings[arg.name] = refs[0];
                origin_of[arg.name] = origins.empty() ? arg.where.str() : origins.front();
                const ParamSpec* spec = pc.kind->find_param(arg.name);
                if (spec->secret) {
                    // A source (the loader and check_settings saw to it); the
                    // secret is read below, only if the check runs.
                    values[arg.name] = v;
                    continue;
                }
                if (resolved && !origins.empty())
                    if (auto problem = check_value(*spec, v))
                        throw bad_value(origins.front(), v, check, arg, *problem, c);
                values[arg.name] = v;
            }
            for (const auto& spec : pc.kind->params)
                if (!values.count(spec.name) && !spec.default_value.empty())
                    values[spec.name] = spec.default_value;
            if (missing.empty() && pc.kind->check_args)
                if (auto problem = pc.kind->check_args(values)) {
                    if (!arg_of.count(problem->param))
                        throw InputError(check.probe.where.str() + ": " +
                                         render(msg("input.check_needs",
                                                    {{"check", check.id},
                                                     {"param", problem->param},
                                                     {"expected", part(problem->expected)}})));
                    throw bad_value(origin_of[problem->param], values[problem->param], check,
                                    *arg_of[problem->param], render(problem->expected), c);
                }
            if (auto why = why_not_selected(s.selection, check); !why.empty()) {
                pc.skip = ProbeResult::make(Status::skip, Reason::not_selected, why);
            } else if (!check.service.empty() && !s.services.count(check.service)) {
                const ServiceDecl* d = c.find_service(check.service);
                pc.skip = make_result(Status::skip, Reason::service_disabled,
                                      msg("plan.service_disabled",
                                          {{"service", check.service}, {"title", d->title}}));
            } else if (!missing.empty()) {
                std::string flags;
                for (const auto& m : missing) {
                    const ParamDecl* p = c.find_param(m);
                    flags += (flags.empty() ? "" : ", ") + std::string("--set ") + m + "=…" +
                             (p && !p->description.empty() ? " (" + p->description + ")" : "");
                }
                pc.skip = make_result(Status::skip, Reason::not_configured,
                                      msg("plan.not_configured", {{"flags", flags}}));
            }
            // Only checks that will run read their secrets: a disabled
            // service must not prompt for its password.
            std::map<std::string, SecretRef> read;
            if (!pc.skip)
                for (const auto& [name, value] : values)
                    if (const ParamSpec* spec = pc.kind->find_param(name);
                        spec && spec->secret && !value.empty()) {
                        auto& held = secrets[value];
                        if (!held)
                            held = read_secret(value,
                                               render(msg("input.check_param",
                                                          {{"param", name}, {"check", check.id}})));
                        read[name] = held;
                    }
            pc.args = ProbeArgs(std::move(values), std::move(read), std::move(settings));
            plan.push_back(std::move(pc));
        }
    return plan;
}

void fit_to_budget(std::vector<PlannedCheck>& plan, const Checklist& c, const RunSettings& s,
                   std::chrono::milliseconds remaining) {
    using std::chrono::milliseconds;
    // The runner stops a check a grace period after its deadline, and the
    // reports are written after the last check: both must fit too.
    const milliseconds reserve{1000};
    const milliseconds limit = remaining - reserve;
    // Opening the held connection takes up to an ordinary check's deadline.
    const milliseconds opening = s.timeout.value_or(c.default_timeout);
    for (auto& pc : plan) {
        if (pc.skip) continue;
        std::string budget_text = "--max-time " + seconds_number(s.budget.value_or(remaining));
        if (limit <= milliseconds::zero()) {
            pc.skip = make_result(Status::skip, Reason::over_time_budget,
                                  msg("plan.no_time_left", {{"budget", budget_text}}));
            continue;
        }
        if (!pc.kind->hold_param.empty()) {
            milliseconds hold = s.hold ? *s.hold : pc.args.seconds(pc.kind->hold_param);
            if (hold.count() > 0 && hold + opening > limit) {
                milliseconds fits = limit - opening;
                pc.skip = ProbeResult::make(
                    Status::skip, Reason::over_time_budget,
                    "holds the connection idle for " + seconds_text(hold) + " plus up to " +
                        seconds_text(opening) + " to open it, more than the " +
                        seconds_text(limit) + " that " + budget_text + " leaves for checks" +
                        (fits >= milliseconds(1000)
                             ? ": give --idle " + std::to_string(fits.count() / 1000) +
                                   " (or less) to check a shorter idle time, or a longer --max-time"
                             : ": give a longer --max-time"));
                continue;
            }
        }
        if (pc.timeout > limit) pc.timeout = limit;
    }
}

std::vector<std::pair<std::string, std::string>> effective_settings(const Checklist& c,
                                                                    const RunSettings& s) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& p : c.params)
        if (auto v = lookup(c, s, p.name)) out.emplace_back(p.name, v->value);
    return out;
}

} // namespace pf
