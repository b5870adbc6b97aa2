#include "app/registries.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"
#include "reports/nagios.hpp"
#include "reports/prometheus.hpp"

namespace pf {

// One line per file format; each adds a --<name> FILE option.
const std::vector<ReportFormat>& builtin_reports() {
    static const std::vector<ReportFormat> formats = {
        {"html", ".html", "self-contained HTML report for people", true, write_html},
        {"junit", ".junit.xml", "JUnit XML for CI servers", true, write_junit},
        {"json", ".json", "JSON for scripts", false, write_json},
        {"nagios", ".nagios.txt",
         "Nagios/Icinga plugin output (FILE '-': standard output, console silenced)", false,
         write_nagios},
        {"prom", ".prom", "Prometheus metrics for the textfile collector", false, write_prometheus},
    };
    return formats;
}

} // namespace pf
