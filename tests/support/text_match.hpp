#pragma once
#include <string>
#include <vector>

namespace pft {

// Verdict texts are asserted by the words that carry the diagnosis.
inline bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

inline bool any_contains(const std::vector<std::string>& v, const std::string& part) {
    for (const auto& s : v)
        if (contains(s, part)) return true;
    return false;
}

} // namespace pft
