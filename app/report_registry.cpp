#include "app/registries.hpp"
#include "base/catalog.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"
#include "reports/nagios.hpp"
#include "reports/prometheus.hpp"

namespace pf {

// One line per file format; each adds a --<name> FILE option.
const std::vector<ReportFormat>& builtin_reports() {
    static const std::vector<ReportFormat> formats = {
        {"html", ".html", msg("cli.report.html"), true, write_html},
        {"junit", ".junit.xml", msg("cli.report.junit"), true, write_junit},
        {"json", ".json", msg("cli.report.json"), false, write_json},
        {"nagios", ".nagios.txt", msg("cli.report.nagios"), false, write_nagios},
        {"prom", ".prom", msg("cli.report.prom"), false, write_prometheus},
    };
    return formats;
}

} // namespace pf
