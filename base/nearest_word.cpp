#include "base/nearest_word.hpp"
#include <algorithm>

namespace pf {

namespace {

constexpr std::size_t max_word = 64;

// Optimal string alignment distance: a swapped pair of letters, the most
// common typo, counts as one edit.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

std::optional<std::string> nearest_word(std::string_view word,
                                        const std::vector<std::string>& candidates) {
    if (word.empty() || word.size() > max_word) return std::nullopt;
    const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 3);
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    bool tie = false;
    for (const auto& c : candidates) {
        if (c.size() > max_word || c == word) continue;
        std::size_t d = distance(word, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
            tie = false;
        } else if (d == best_distance && best && *best != c) {
            tie = true;
        }
    }
    if (tie) return std::nullopt;
    return best;
}

} // namespace pf
