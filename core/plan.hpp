#pragma once
#include "core/check_selection.hpp"
#include "core/checklist.hpp"
#include "core/probe.hpp"
#include <chrono>
#include <map>
#include <memory>
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
    CheckSelection selection;                         // --only, --skip
    // --idle: the time every hold parameter (ProbeKind::hold_param) waits.
    std::optional<std::chrono::milliseconds> hold;
    // --max-time: the whole run's budget, applied by fit_to_budget.
    std::optional<std::chrono::milliseconds> budget;
};

// A planned check's skip verdict, held apart: most checks run, and an
// optional ProbeResult in place was a quarter KiB of each planned check.
class SkipVerdict {
  public:
    SkipVerdict& operator=(ProbeResult r) {
        verdict_ = std::make_shared<const ProbeResult>(std::move(r));
        return *this;
    }
    bool has_value() const { return verdict_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    const ProbeResult& operator*() const { return *verdict_; }
    const ProbeResult* operator->() const { return verdict_.get(); }

  private:
    std::shared_ptr<const ProbeResult> verdict_;
};

struct PlannedCheck {
    const Check* check = nullptr;
    const ProbeKind* kind = nullptr;
    ProbeArgs args;
    SkipVerdict skip; // set: the check does not run, with this reason
    std::chrono::milliseconds timeout{0};
};

// Binds a checklist to the run's settings: services and parameters decide
// which checks run, ${param} values are substituted and validated. Bad input
// is an InputError naming the flag or file:line:column.
std::vector<PlannedCheck> plan_run(const Checklist& c, const ProbeRegistry& probes,
                                   const RunSettings& settings);

// --max-time: no check may outlast the remaining time. Deadlines beyond it
// are shortened to it; a check that holds a connection open for a set time
// (tls_idle) cannot be shortened without checking less than asked, so it is
// skipped, saying which --idle would fit. Called just before the run, with
// the budget left after reading host facts.
void fit_to_budget(std::vector<PlannedCheck>& plan, const Checklist& c, const RunSettings& s,
                   std::chrono::milliseconds remaining);

// The parameters in effect, for reports.
std::vector<std::pair<std::string, std::string>> effective_settings(const Checklist& c,
                                                                    const RunSettings& settings);

} // namespace pf
