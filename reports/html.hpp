#pragma once
#include "core/run_report.hpp"
#include <ostream>
#include <string>
#include <string_view>

namespace pf {

// One self-contained page: inline CSS, no script, nothing fetched. Text that
// holds URLs (requirement texts quote the vendor's docs) is shown escaped,
// never as a link, so opening the report makes no network request.
void write_html(const RunReport& report, std::ostream& out);

// Text as the report shows it: control bytes and bad UTF-8 replaced, then
// escaped for HTML.
std::string html_escape(std::string_view text);

} // namespace pf
