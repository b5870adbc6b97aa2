#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

// The candidate closest to a mistyped word, for "did you mean": within an edit
// distance of a third of the word (at least 1, at most 3), nullopt when none
// is that close or two are equally close. Words longer than 64 characters are
// no typo of a name and get no suggestion.
std::optional<std::string> nearest_word(std::string_view word,
                                        const std::vector<std::string>& candidates);

} // namespace pf
