#pragma once
#include "core/run_report.hpp"

namespace pf {

// Told about a run as it happens; the console report is one. All calls come
// from the event loop's thread, in the order things happen.
class RunObserver {
  public:
    virtual ~RunObserver() = default;
    virtual void run_started(std::size_t /*checks*/) {}
    virtual void check_started(const Check&) {}
    virtual void check_finished(const CheckResult&) {}
    virtual void run_finished(const RunReport&) {}
};

} // namespace pf
