#pragma once
#include "core/run_observer.hpp"
#include <memory>
#include <ostream>

namespace pf {

// The caller decides colour and live from isatty and NO_COLOR; the reporter
// only honours what it is given.
struct ConsoleOptions {
    bool color = false; // ANSI colour on verdict tags
    bool live = false;  // a "[done/total] N running" line redrawn in place
    bool quiet = false; // only non-pass results and the final summary
};

// One line per check as it finishes, then a summary when the run ends.
std::unique_ptr<RunObserver> make_console_reporter(std::ostream& out, ConsoleOptions opts);

} // namespace pf
