#include "core/check_selection.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/nearest_word.hpp"
#include "base/terminal_text.hpp"

namespace pf {

namespace {

// Check and section ids are short words; a longer pattern is a mistake,
// and the bound keeps matching cheap.
constexpr std::size_t max_pattern_length = 200;

bool id_char(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '.' || ch == '-' || ch == '_' || ch == '*' || ch == '?';
}

std::string quoted(const SelectPattern& p) {
    return p.origin + " '" + p.pattern + "'";
}

} // namespace

std::vector<SelectPattern> parse_select_patterns(const std::vector<std::string>& given,
                                                 const std::string& origin) {
    std::vector<SelectPattern> out;
    for (const auto& item : given) {
        std::size_t pos = 0;
        while (pos <= item.size()) {
            auto comma = item.find(',', pos);
            if (comma == std::string::npos) comma = item.size();
            std::string p = item.substr(pos, comma - pos);
            pos = comma + 1;
            // "hw, sw" as a person types a list.
            while (!p.empty() && (p.back() == ' ' || p.back() == '\t'))
                p.pop_back();
            while (!p.empty() && (p.front() == ' ' || p.front() == '\t'))
                p.erase(0, 1);
            if (p.empty()) continue;
            if (p.size() > max_pattern_length)
                throw InputError(origin + ": " +
                                 render(msg("input.pattern_too_long",
                                            {{"length", p.size()}, {"max", max_pattern_length}})));
            for (char ch : p)
                if (!id_char(ch))
                    throw InputError(origin + " '" + terminal_safe(p) +
                                     "': " + render(msg("input.pattern_characters")));
            out.push_back({p, origin});
        }
    }
    return out;
}

bool glob_match(std::string_view p, std::string_view t) {
    std::size_t pi = 0, ti = 0;
    std::size_t star = std::string_view::npos, resume = 0;
    while (ti < t.size()) {
        if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
            ++pi;
            ++ti;
        } else if (pi < p.size() && p[pi] == '*') {
            star = pi++;
            resume = ti;
        } else if (star != std::string_view::npos) {
            pi = star + 1;
            ti = ++resume;
        } else {
            return false;
        }
    }
    while (pi < p.size() && p[pi] == '*')
        ++pi;
    return pi == p.size();
}

bool selects(const SelectPattern& p, const Check& check) {
    return glob_match(p.pattern, check.id) || glob_match(p.pattern, check.section_id);
}

void require_matches(const CheckSelection& sel, const Checklist& c) {
    for (const auto* list : {&sel.only, &sel.skip})
        for (const auto& p : *list) {
            bool any = false;
            for (const auto& section : c.sections)
                for (const auto& check : section.checks)
                    any = any || selects(p, check);
            if (!any) {
                std::string sections;
                std::vector<std::string> ids;
                for (const auto& s : c.sections) {
                    sections += (sections.empty() ? "" : ", ") + s.id;
                    ids.push_back(s.id);
                    for (const auto& check : s.checks)
                        ids.push_back(check.id);
                }
                // A glob is meant to be loose; only a plain id is a typo.
                std::string hint;
                if (p.pattern.find_first_of("*?") == std::string::npos)
                    if (auto closest = nearest_word(p.pattern, ids))
                        hint = render(msg("input.did_you_mean", {{"word", *closest}}));
                throw InputError(
                    quoted(p) + ": " +
                    render(msg("input.pattern_no_match",
                               {{"checklist", c.id}, {"sections", sections}, {"hint", hint}})));
            }
        }
}

std::string why_not_selected(const CheckSelection& sel, const Check& check) {
    for (const auto& p : sel.skip)
        if (selects(p, check)) return render(msg("selection.skipped", {{"pattern", quoted(p)}}));
    if (sel.only.empty()) return {};
    for (const auto& p : sel.only)
        if (selects(p, check)) return {};
    std::string patterns;
    for (const auto& p : sel.only)
        patterns += (patterns.empty() ? "" : ",") + p.pattern;
    return render(msg("selection.not_in_only", {{"patterns", patterns}}));
}

} // namespace pf
