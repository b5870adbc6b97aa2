#pragma once
#include "core/checklist.hpp"
#include <string>
#include <vector>

namespace pf {

// One --only or --skip pattern: a check id, a section id, or a glob over
// either ('*' any run of characters, '?' one).
struct SelectPattern {
    std::string pattern;
    std::string origin; // "--only", "--skip", for errors and skip reasons
};

struct CheckSelection {
    std::vector<SelectPattern> only; // empty: every check
    std::vector<SelectPattern> skip;
    bool empty() const { return only.empty() && skip.empty(); }
};

// Splits comma lists and checks each pattern's length and characters;
// throws InputError naming origin.
std::vector<SelectPattern> parse_select_patterns(const std::vector<std::string>& given,
                                                 const std::string& origin);

// '*' and '?' only, iterative (no std::regex): linear in practice, bounded
// by the pattern and id lengths, which are short.
bool glob_match(std::string_view pattern, std::string_view text);

bool selects(const SelectPattern& p, const Check& check);

// Every pattern must select at least one check of c: a typo would otherwise
// turn a monitoring run into one that checks nothing. Throws InputError.
void require_matches(const CheckSelection& sel, const Checklist& c);

// Empty when the check is selected; else the skip reason's text.
std::string why_not_selected(const CheckSelection& sel, const Check& check);

} // namespace pf
