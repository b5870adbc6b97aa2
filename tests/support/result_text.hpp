#pragma once
#include "base/probe_result.hpp"
#include <string>

namespace pft {

// Everything a report could show of a result, one line each: what tests
// search for a leaked secret.
inline std::string all_text(const pf::ProbeResult& r) {
    std::string s = r.summary + "\n" + r.alert + "\n";
    for (const auto& e : r.evidence)
        s += e + "\n";
    for (const auto& b : r.blocks) {
        s += b.title + "\n";
        for (const auto& l : b.lines)
            s += l + "\n";
    }
    return s;
}

} // namespace pft
