#pragma once
#include "base/human_format.hpp"
#include "core/probe.hpp"
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace pf {

// Delivers a probe's verdict exactly once, whichever of its operations gets
// there first (several may end at once when the check's cancellation comes).
class OnceDone {
  public:
    explicit OnceDone(ProbeDone done) : done_(std::move(done)) {}
    bool finished() const { return finished_; }
    void operator()(ProbeResult r) {
        if (finished_) return;
        finished_ = true;
        done_(std::move(r));
    }

  private:
    ProbeDone done_;
    bool finished_ = false;
};

inline double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

inline std::string ms_text(double ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f" : "%.0f", ms);
    return with_milliseconds(buf);
}

inline std::string seconds_left_text(Clock::time_point from, Clock::time_point deadline) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", std::chrono::duration<double>(deadline - from).count());
    return with_seconds(buf);
}

} // namespace pf
