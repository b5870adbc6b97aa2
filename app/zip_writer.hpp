#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace pf {

// One file of a zip archive. The name is relative, '/'-separated and UTF-8;
// the content is held by the caller until make_zip returns.
struct ZipMember {
    std::string name;
    std::string content;
};

// The bytes of a zip archive of the members, in their order, as Windows
// Explorer opens it: deflate, UTF-8 names flagged as such, DOS timestamps
// (local time of `modified`), no absolute or parent paths. Throws
// std::runtime_error when libzip fails or a name is not a plain relative
// UTF-8 path. The only place that knows libzip.
std::string make_zip(const std::vector<ZipMember>& members,
                     std::chrono::system_clock::time_point modified);

// Whether name is usable as a member name: relative, no "..", no drive or
// backslash, no control characters, valid UTF-8.
bool plain_member_name(const std::string& name);

// The text with every byte that starts no UTF-8 sequence replaced by '?':
// Windows hands a program its command line in the local code page.
std::string utf8_text(const std::string& text);

} // namespace pf
