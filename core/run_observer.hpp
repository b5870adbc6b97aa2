#pragma once
#include "core/run_report.hpp"
#include <chrono>

namespace pf {

// Told about a run as it happens; the console report is one. All calls come
// from the event loop's thread, in the order things happen.
class RunObserver {
  public:
    virtual ~RunObserver() = default;
    virtual void run_started(std::size_t /*checks*/) {}
    // deadline: when the runner cancels the check (the console's progress
    // line shows the time left).
    virtual void check_started(const Check&, std::chrono::steady_clock::time_point /*deadline*/) {}
    virtual void check_finished(const CheckResult&) {}
    virtual void run_finished(const RunReport&) {}
};

} // namespace pf
