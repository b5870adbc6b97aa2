#pragma once
// Helpers shared by the parts of the HTML report (reports/html*.cpp).
#include "base/catalog.hpp"
#include "core/run_report.hpp"
#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pf::html {

// Cleaned (report_util's clean_text) and escaped for text and attributes.
std::string esc(std::string_view raw);
// A catalog sentence, rendered with the active catalog and escaped.
std::string text(const Message& m);

// The fragment a ticket links to for a check: its id where that is a valid
// fragment as is ("net.awcm-443"), other bytes written as _XX, so that the
// anchor stays the same from run to run and needs no escaping in a URL.
std::string anchor(std::string_view check_id);

// "2027-01-15 09:00:00 +01:00": the clock of the machine that wrote the
// report, which is what its admin reads off their own logs.
std::string local_timestamp(std::chrono::system_clock::time_point t);

// Evidence folded on screen but printed in full: Chromium prints a closed
// <details> without its content, so the content is also written once more
// in a block only print shows.
void folded(std::ostream& out, std::string_view css_class, const std::string& summary_html,
            const std::string& body_html);

// A two-column table of labels (already HTML) and values (text, escaped here).
void key_values(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& rows);

} // namespace pf::html
