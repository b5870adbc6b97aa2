#include "base/message_words.hpp"
#include "base/catalog.hpp"

namespace pf {

namespace {

// A joiner's entry is "{list}, {item}" (a catalog text keeps no trailing
// space): rendered with empty arguments it is the words between two items,
// made once per join so the work stays linear in the items' size.
std::string joined(const std::vector<std::string>& items, const std::string& between) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i)
        out += (i ? between : "") + items[i];
    return out;
}

} // namespace

std::string join_list(const std::vector<std::string>& items) {
    return joined(items, part(msg("join.list", {{"list", ""}, {"item", ""}})).text);
}

std::string join_clauses(const std::vector<std::string>& clauses) {
    return joined(clauses, part(msg("join.clauses", {{"clauses", ""}, {"clause", ""}})).text);
}

std::string join_alternatives(const std::vector<std::string>& items) {
    if (items.size() < 2) return joined(items, "");
    std::vector<std::string> head(items.begin(), items.end() - 1);
    return join_list(head) + part(msg("join.or", {{"list", ""}, {"item", ""}})).text + items.back();
}

std::string status_word(Status s) {
    switch (s) {
    case Status::pass:
        return part(msg("status.pass")).text;
    case Status::warn:
        return part(msg("status.warn")).text;
    case Status::fail:
        return part(msg("status.fail")).text;
    case Status::error:
        return part(msg("status.error")).text;
    case Status::skip:
        return part(msg("status.skip")).text;
    }
    return std::string(to_string(s));
}

} // namespace pf
