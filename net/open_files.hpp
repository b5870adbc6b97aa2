#pragma once
#include <cstddef>

namespace pf {

// A run with thousands of checks, or one sampling thousands of ports, needs
// more descriptors than the usual soft limit of 1024; the hard limit is what
// the admin allows. Raises the soft limit to it (POSIX; nothing on Windows,
// where sockets are not counted against a descriptor limit).
void raise_open_file_limit();

// The soft limit on open descriptors now (a large number on Windows).
std::size_t open_file_limit();

} // namespace pf
