#pragma once
#include "base/catalog.hpp"
#include "base/language.hpp"
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace pf {

// A help text (a command's or an option's description, a group name) in the
// active language.
std::string tr(const Message& m);

// The columns text takes in a terminal or Notepad: a character of three or
// four UTF-8 bytes (kana, kanji, full-width punctuation) takes two, any
// other one.
std::size_t columns(std::string_view text);

// The language the help is written in, known before CLI11 parses: the value
// of the first --lang (or --lang=) in argv when it is ja or en, else the
// user's locale. A bad value is left for the real option to reject.
Language help_language(int argc, char** argv);

// The help every command shows: options under named groups in a fixed order
// (checklist; targets and secrets; trust and proxy; reports; run control),
// each with its placeholder (FILE, N, SECONDS) but none of CLI11's type and
// validator labels (FILE:FILE, N:UINT in [1 - 1000], REQUIRED).
void use_preflight_help(CLI::App& app);

// Puts every option of app and its subcommands in its help group by its long
// name (the table in cli_help.cpp). An option not in the table shows under
// "Other options": a new option needs one row there.
void group_options(CLI::App& app);

// The parse error (parse_failure_text), told better: an unknown command is
// named with the list of commands, and a mistyped command or long option
// gets "did you mean".
std::string parse_error_text(const CLI::App& app, int argc, char** argv, const std::string& error);

} // namespace pf
