#include "base/reason.hpp"

namespace pf {

namespace {

struct Entry {
    Reason reason;
    std::string_view code, meaning;
};

constexpr Entry entries[] = {
#define PF_REASON_ENTRY(code, meaning) {Reason::code, #code, meaning},
    PF_REASONS(PF_REASON_ENTRY)
#undef PF_REASON_ENTRY
};

} // namespace

std::string_view reason_code(Reason r) {
    return entries[static_cast<std::size_t>(r)].code;
}

std::string_view reason_meaning(Reason r) {
    return entries[static_cast<std::size_t>(r)].meaning;
}

std::optional<Reason> parse_reason(std::string_view code) {
    for (const auto& e : entries)
        if (e.code == code) return e.reason;
    return std::nullopt;
}

const std::vector<Reason>& all_reasons() {
    static const std::vector<Reason> all = [] {
        std::vector<Reason> v;
        for (const auto& e : entries)
            v.push_back(e.reason);
        return v;
    }();
    return all;
}

} // namespace pf
