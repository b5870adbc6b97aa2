#pragma once
#include "base/param_types.hpp"
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace pf {

// What preflight says when the command line is wrong, in the active
// language (chosen from --lang or the locale before CLI11 parses). The
// English texts are CLI11's own, so scripts that read them see no change.

// Validators whose failure is a catalog sentence; CLI11 puts the option's
// name before it ("--site: File does not exist: x.xml"). Each keeps the
// description CLI11's own validator had, which CLI11 shows in its "value
// missing" error after the placeholder ("FILE:FILE").
CLI::Validator existing_file();
CLI::Validator existing_directory();
CLI::Validator existing_path();
CLI::Validator one_of(std::vector<std::string> choices);
// CLI11's Range lets NaN through (every comparison with it is false) and an
// unsigned option reads "-5" as 18446744073709551611: numbers are checked
// here, as text, before CLI11 converts them.
CLI::Validator number_in(NumberBounds b, bool whole);
// A JUnit prefix is a host name or a short label: it becomes part of CI's
// class names, where a space or a slash would split or nest them.
CLI::Validator junit_prefix_text();

// The sentence for a parse error of app (parsed from argv), from the catalog:
// chosen by the error's type, with its arguments read from what CLI11 kept
// of the parse (the arguments left over, the options given and their
// values) and from argv, never from CLI11's English message. A validator's
// failure is already a catalog sentence and comes as it is.
std::string parse_failure_text(const CLI::App& app, const CLI::ParseError& e, int argc,
                               char** argv);

} // namespace pf
