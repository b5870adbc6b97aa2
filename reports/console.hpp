#pragma once
#include "core/run_observer.hpp"
#include <chrono>
#include <functional>
#include <memory>
#include <ostream>

namespace pf {

// The caller decides colour and live from isatty and NO_COLOR; the reporter
// only honours what it is given.
struct ConsoleOptions {
    bool color = false; // ANSI colour on verdict tags
    // A progress line redrawn in place: checks done, and those still running
    // with their time left.
    bool live = false;
    bool quiet = false;     // only non-pass results, the problems and the summary
    std::size_t width = 80; // terminal columns: the progress line stays within them
    // How often the progress line is redrawn while nothing finishes, so its
    // time left counts down; zero: only when a check starts or finishes.
    std::chrono::milliseconds redraw{0};
    // The clock the time left is read from (tests give a fake one).
    std::function<std::chrono::steady_clock::time_point()> now;
};

// One line per check as it finishes; when the run ends the problems again,
// worst first with their fix, and the summary.
std::unique_ptr<RunObserver> make_console_reporter(std::ostream& out, ConsoleOptions opts);

// The live progress line: "12/40 done · running: net.awcm-443 (3.1 s left),
// ..." in at most width columns, the checks with the least time left first.
std::string progress_line(
    std::size_t done, std::size_t total,
    const std::vector<std::pair<const Check*, std::chrono::steady_clock::time_point>>& running,
    std::chrono::steady_clock::time_point now, std::size_t width);

} // namespace pf
