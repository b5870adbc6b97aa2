#pragma once
// The parts of the HTML report, top to bottom; reports/html.cpp puts them
// together. Each writes complete elements.
#include "core/run_report.hpp"
#include "reports/report_util.hpp"
#include <ostream>
#include <string>
#include <string_view>

namespace pf::html {

// The inline stylesheet: screen, narrow screen (one card per check) and print.
std::string_view stylesheet();

enum class Verdict { ready, warnings, not_ready, could_not_run };
// From the counts, not the exit code: --fail-on new changes the code but
// not what the checks found.
Verdict verdict_of(const RunReport& r);
std::string verdict_text(Verdict v); // the banner's word, not escaped
std::string_view verdict_class(Verdict v);

void banner(std::ostream& out, const RunReport& r);   // verdict, counts, interrupted note
void problems(std::ostream& out, const RunReport& r); // fail, error, warn: worst first
void context(std::ostream& out, const RunReport& r);  // host, times, command line, inputs
void parameters(std::ostream& out, const RunReport& r);
void host_facts(std::ostream& out, const RunReport& r);
void changes_section(std::ostream& out, const RunChanges& ch);
void certificate_table(std::ostream& out, const RunReport& r);
void section_table(std::ostream& out, const SectionView& s);

} // namespace pf::html
