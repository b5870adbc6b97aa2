#pragma once
#include "base/probe_result.hpp"
#include "core/run_report.hpp"
#include <functional>
#include <ostream>
#include <string>

namespace pf {

// A file report format. One file pair in reports/ plus one line in
// app/report_registry.cpp adds a format, and with it a --<name> FILE option.
struct ReportFormat {
    std::string name;      // "html": also the CLI flag
    std::string extension; // ".html"
    Message help;          // "Write the <help> to FILE" in --help, in the active language
    bool written_by_default = false;
    std::function<void(const RunReport&, std::ostream&)> write;
};

} // namespace pf
