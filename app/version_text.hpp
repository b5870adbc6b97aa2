#pragma once
#include <string>
#include <utility>
#include <vector>

namespace pf {

// The libraries linked in, as they report themselves at run time where they
// can: a static build carries its own OpenSSL and curl, not the system's.
std::vector<std::pair<std::string, std::string>> linked_library_versions();

// What `preflight --version` prints: version, commit, build date, target and
// the linked libraries, one per line.
std::string version_text();

} // namespace pf
