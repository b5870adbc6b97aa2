#pragma once
#include <cstddef>
#include <string>

namespace pf {

// Size limits of the files a user hands preflight. Each is far above what a
// real file of its kind holds, and low enough that /dev/zero or a mistaken
// disk image ends in a clear error instead of exhausting memory.
constexpr std::size_t checklist_file_limit = 4u << 20;
constexpr std::size_t site_file_limit = 4u << 20;
constexpr std::size_t facts_file_limit = 1u << 20;
constexpr std::size_t cert_file_limit = 10u << 20;
constexpr std::size_t secret_file_limit = 64u << 10;

// The whole content of an input file, which must be a regular file of at
// most `limit` bytes; otherwise an InputError naming the file and `what` it
// was meant to be ("the checklist file"). A FIFO, a device or a directory is
// refused without reading from it.
std::string read_input_file(const std::string& path, std::size_t limit, const std::string& what);

} // namespace pf
