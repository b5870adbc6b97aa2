#include "base/build_info.hpp"

// Written by cmake/build_info.cmake at build time (build_info_values.cpp):
// only when a value changes, so an unchanged tree relinks nothing.
namespace pf::build_values {
extern const char commit[];
extern const char date[];
} // namespace pf::build_values

namespace pf {

namespace {

// The platform comes from the compiler, not the build host: a cross build
// on Linux says windows-x86_64.
constexpr const char* target_text() {
#if defined(_WIN32)
#define PF_OS "windows"
#elif defined(__linux__)
#define PF_OS "linux"
#else
#define PF_OS "unknown"
#endif
#if defined(__x86_64__) || defined(_M_X64)
#define PF_ARCH "x86_64"
#elif defined(__aarch64__) || defined(_M_ARM64)
#define PF_ARCH "aarch64"
#else
#define PF_ARCH "unknown"
#endif
    return PF_OS "-" PF_ARCH;
}

} // namespace

const BuildInfo& build_info() {
    static const BuildInfo info{PREFLIGHT_VERSION, build_values::commit, build_values::date,
                                target_text()};
    return info;
}

} // namespace pf
