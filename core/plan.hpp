#pragma once
#include "core/checklist.hpp"
#include "core/probe.hpp"
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pf {

// Where a parameter's value came from, so errors can name it.
struct SettingValue {
    std::string value;
    std::string origin; // "--set awcm_host", "site.xml:4:3"
};

struct RunSettings {
    std::map<std::string, SettingValue> values;
    std::set<std::string> services;
    std::string services_origin = "--service";
    // Where each service was enabled, when known (a site file's line).
    std::map<std::string, std::string> service_origins;
    std::optional<std::chrono::milliseconds> timeout; // replaces the checklist default
};

struct PlannedCheck {
    const Check* check = nullptr;
    const ProbeKind* kind = nullptr;
    ProbeArgs args;
    std::optional<ProbeResult> skip; // set: the check does not run, with this reason
    std::chrono::milliseconds timeout{0};
};

// Binds a checklist to the run's settings: services and parameters decide
// which checks run, ${param} values are substituted and validated. Bad input
// is an InputError naming the flag or file:line:column.
std::vector<PlannedCheck> plan_run(const Checklist& c, const ProbeRegistry& probes,
                                   const RunSettings& settings);

// The parameters in effect, for reports.
std::vector<std::pair<std::string, std::string>> effective_settings(const Checklist& c,
                                                                    const RunSettings& settings);

} // namespace pf
