#include "net/open_files.hpp"
#ifndef _WIN32
#include <sys/resource.h>
#endif

namespace pf {

#ifdef _WIN32

void raise_open_file_limit() {}

std::size_t open_file_limit() {
    return 1 << 16;
}

#else

void raise_open_file_limit() {
    rlimit l{};
    if (getrlimit(RLIMIT_NOFILE, &l) != 0 || l.rlim_cur >= l.rlim_max) return;
    l.rlim_cur = l.rlim_max;
    setrlimit(RLIMIT_NOFILE, &l); // a refusal leaves the soft limit, which still works
}

std::size_t open_file_limit() {
    rlimit l{};
    if (getrlimit(RLIMIT_NOFILE, &l) != 0 || l.rlim_cur == RLIM_INFINITY) return 1 << 20;
    return static_cast<std::size_t>(l.rlim_cur);
}

#endif

} // namespace pf
