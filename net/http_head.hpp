#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pf {

// A response head: a proxy's answer to CONNECT, an interim 1xx, or the
// origin's response. One parser for all of them, whether the head arrives
// line by line (curl's header callback) or as one block (the tunnel's own
// CONNECT).
struct HttpHead {
    bool from_proxy = false; // the answer to CONNECT
    int status = 0;
    std::string status_line; // "HTTP/1.1 407 Proxy Authentication Required"
    std::vector<std::pair<std::string, std::string>> headers;
    // Every value of the header named (case-insensitive).
    std::vector<std::string> values(const std::string& name) const;
};

// Headers kept per head: a hostile server must not make us buffer without limit.
constexpr std::size_t max_head_headers = 100;

// Whether line (CR LF removed) starts a head.
bool is_status_line(std::string_view line);
// A new head from its status line; status 0 when no code follows the version.
HttpHead head_from_status_line(std::string_view line);
// Adds a "Name: value" line to head (leading blanks of the value dropped);
// a line without a colon, or one past max_head_headers, is passed over.
void add_header_line(HttpHead& head, std::string_view line);

// A whole head, lines ending in CR LF or LF; the blank line ends it.
HttpHead parse_head(std::string_view text);

} // namespace pf
