#include "reports/html.hpp"
#include "base/language.hpp"
#include "reports/html_parts.hpp"
#include "reports/html_text.hpp"

namespace pf {

namespace {

// A catalog text inside a CSS string: quotes and backslashes escaped, and
// "<" too, so no text can close the <style> element.
std::string css_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\' || c == '<' || c == '\n')
            out += "\\" + std::string(c == '\n' ? "a " : c == '<' ? "3c " : std::string(1, c));
        else
            out += c;
    }
    return out + "\"";
}

} // namespace

std::string html_escape(std::string_view text) {
    return html::esc(text);
}

void write_html(const RunReport& report, std::ostream& out) {
    using namespace html;
    const Checklist& cl = checklist_of(report);
    const std::string verdict = verdict_text(verdict_of(report));
    std::string title;
    if (report.kind == ReportKind::cert)
        title = render(msg("html.title_cert", {{"verdict", verdict}, {"checklist", cl.title}}));
    else if (report.facts.hostname.empty()) // an early interrupt, before the facts
        title = render(msg("html.title_no_host", {{"verdict", verdict}, {"checklist", cl.title}}));
    else
        title = render(
            msg("html.title",
                {{"verdict", verdict}, {"checklist", cl.title}, {"host", report.facts.hostname}}));

    // The page names its language, so that a browser picks the fonts and
    // hyphenation of the text it holds.
    out << "<!DOCTYPE html>\n<html lang=\"" << language_code(report.lang)
        << "\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>" << esc(title) << "</title>\n<style>"
        << stylesheet()
        // The SHA-1 cell keeps its plain markup (scripts read the
        // thumbprint from it); its card label comes from here.
        << "@media screen and (max-width:800px){td.thumb:not([data-label])::before{content:"
        << css_string(render(msg("html.cert.sha1"))) << "}}\n</style>\n</head>\n<body>\n";

    banner(out, report);
    problems(out, report);
    context(out, report);
    if (report.changes) changes_section(out, *report.changes);
    if (report.kind == ReportKind::run) parameters(out, report);
    certificate_table(out, report);
    for (const SectionView& s : sections_of(report))
        section_table(out, s);
    if (report.kind == ReportKind::run) host_facts(out, report);

    out << "</body>\n</html>\n";
}

} // namespace pf
