#include "net/http_head.hpp"
#include "base/text.hpp"
#include <cstdlib>

namespace pf {

std::vector<std::string> HttpHead::values(const std::string& name) const {
    std::vector<std::string> out;
    auto want = lower(name);
    for (const auto& [n, v] : headers)
        if (lower(n) == want) out.push_back(v);
    return out;
}

bool is_status_line(std::string_view line) {
    return line.substr(0, 5) == "HTTP/";
}

HttpHead head_from_status_line(std::string_view line) {
    HttpHead h;
    h.status_line = std::string(line);
    auto sp = h.status_line.find(' ');
    if (sp != std::string::npos) h.status = std::atoi(h.status_line.c_str() + sp + 1);
    return h;
}

void add_header_line(HttpHead& head, std::string_view line) {
    if (head.headers.size() >= max_head_headers) return;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return;
    auto value = line.substr(colon + 1);
    auto start = value.find_first_not_of(" \t");
    value = start == std::string_view::npos ? std::string_view() : value.substr(start);
    head.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
}

HttpHead parse_head(std::string_view text) {
    HttpHead head;
    bool first = true;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (first) {
            head = head_from_status_line(line);
            first = false;
        } else if (line.empty()) {
            break;
        } else {
            add_header_line(head, line);
        }
    }
    return head;
}

} // namespace pf
