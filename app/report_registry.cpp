#include "app/registries.hpp"
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"

namespace pf {

// One line per file format; each adds a --<name> FILE option.
const std::vector<ReportFormat>& builtin_reports() {
    static const std::vector<ReportFormat> formats = {
        {"html", ".html", "self-contained HTML report for people", true, write_html},
        {"junit", ".junit.xml", "JUnit XML for CI servers", true, write_junit},
        {"json", ".json", "JSON for scripts", false, write_json},
    };
    return formats;
}

} // namespace pf
