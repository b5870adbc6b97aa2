#pragma once
#include "base/human_format.hpp"
#include "core/run_report.hpp"
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

// Shared by the report formats so that all of them group, order and word
// things the same way.
namespace pf {

struct SectionView {
    std::string id;
    std::string title;
    std::vector<const CheckResult*> results; // checklist order
    Counts counts;
    std::chrono::milliseconds elapsed{0}; // sum over checks; they overlap in time
};

// Sections in checklist order, each holding the results of its checks.
std::vector<SectionView> sections_of(const RunReport& r);

// Worst status first, checklist order among equals.
std::vector<const CheckResult*> worst_first(std::vector<const CheckResult*> results);

// What needs the admin: every failure, then every error, then every
// warning, each group in checklist order. The console's recap and the HTML
// report's Problems list show them in this one order.
std::vector<const CheckResult*> problems_worst_first(const RunReport& r);

// A report is written even from a half-built RunReport (an early interrupt),
// so a missing checklist or check reads as empty rather than crashing.
const Checklist& checklist_of(const RunReport& r);
const Check& check_of(const CheckResult& r);

std::chrono::milliseconds run_duration(const RunReport& r);

// Checks an interrupt stopped before their verdict (reason interrupted): the
// number every report's INTERRUPTED banner and the JSON "unfinished" give.
std::size_t unfinished_checks(const RunReport& r);

std::string_view status_tag(Status s); // "PASS", "WARN", ...
// The words people read for a verdict tag, a severity and a change kind: the
// codes above in English (scripts grep for PASS), the catalog's words in
// another language; CSS classes and machine outputs keep the codes.
std::string status_label(Status s);
std::string severity_word(Severity s);
std::string change_label(ChangeKind k);
// A chain role code of a certificate row ("leaf", "intermediate", "root").
std::string chain_role_word(const std::string& role);
// A measurement's unit as people read it ("ms": ミリ秒 in Japanese); JSON and
// Prometheus keep the unit code.
std::string unit_word(const std::string& unit);
// A measurement's name as people read it ("connect 10.0.0.1": 接続 10.0.0.1 in
// Japanese); JSON and Prometheus keep the name.
std::string measurement_label(const std::string& name);
// Spaces after a tag so that the next column starts at width terminal
// cells: CJK characters take two (at least one space).
std::string tag_padding(std::string_view tag, std::size_t width);
std::string counted(std::size_t n, std::string_view noun); // "1 error", "2 errors"
std::string format_number(double v);                       // "12.5", "3", "0.004"
std::string format_seconds(std::chrono::milliseconds d);   // "1.234"
std::string format_duration(std::chrono::milliseconds d);  // "850 ms", "4.2 s", "2 min 5 s"

// Probe text can carry bytes from the network (server banners, certificate
// fields): invalid UTF-8 and control characters other than tab and newline
// become U+FFFD, so that XML stays well-formed and a terminal can't be driven.
std::string clean_text(std::string_view s);

} // namespace pf
