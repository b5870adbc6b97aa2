#pragma once
#include <string>

namespace pf {

// Secrets (proxy, bind and PFX passwords) never come from the command line
// itself, where they would end up in shell history and process lists. A
// secret is named by where to find it:
//   env:NAME   the environment variable NAME
//   file:PATH  the first line of the file PATH
//   prompt     asked on the terminal, without echo
// Errors say which secret (`what`) and where it was looked for, never its value.
std::string read_secret(const std::string& source, const std::string& what);

// True when text looks like a secret source rather than a secret.
bool is_secret_source(const std::string& text);

} // namespace pf
