// --baseline / --history: what a scheduled run's reader looks for first.
#include "reports/html_parts.hpp"
#include "reports/html_text.hpp"

namespace pf::html {

void changes_section(std::ostream& out, const RunChanges& ch) {
    out << "<section id=\"pf-changes\" class=\"changes\"><h2>" << text(msg("html.changes"))
        << "</h2>\n<p>"
        << text(msg("html.changes.compared", {{"baseline", ch.baseline},
                                              {"started", ch.baseline_started},
                                              {"count", ch.new_failures()}}))
        << "</p>\n";
    if (ch.changes.empty()) {
        out << "<p class=\"muted\">" << text(msg("html.changes.none")) << "</p>\n</section>\n";
        return;
    }
    out << "<table class=\"changes\">\n<thead><tr><th>" << text(msg("html.changes.check"))
        << "</th><th>" << text(msg("html.changes.change")) << "</th><th>"
        << text(msg("html.changes.before")) << "</th><th>" << text(msg("html.changes.now"))
        << "</th></tr></thead>\n<tbody>\n";
    for (const auto& c : ch.changes)
        out << "<tr><td class=\"id\"><a href=\"#" << anchor(c.check) << "\">" << esc(c.check)
            << "</a></td><td>" << esc(change_label(c.kind)) << "</td><td>" << esc(c.before)
            << "</td><td>" << esc(c.after) << "</td></tr>\n";
    out << "</tbody>\n</table>\n</section>\n";
}

} // namespace pf::html
