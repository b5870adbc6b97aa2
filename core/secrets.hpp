#pragma once
#include "base/secret.hpp"
#include <string>

namespace pf {

// Secrets (proxy, bind and PFX passwords) never come from the command line
// itself, where they would end up in shell history and process lists, nor
// from a checklist or site file. A secret is named by where to find it:
//   env:NAME   the environment variable NAME
//   file:PATH  the first line of the file PATH (a regular file of 64 KB at most)
//   prompt     asked on the terminal, without echo
// Errors say which secret (`what`) and where it was looked for, never its value.
SecretRef read_secret(const std::string& source, const std::string& what);

// True when text names a secret source rather than being a secret.
bool is_secret_source(const std::string& text);

// Throws InputError "<origin>: <what> must name where the secret is …" when
// text is not a secret source; the text itself is never part of the message.
void require_secret_source(const std::string& text, const std::string& origin,
                           const std::string& what);

} // namespace pf
