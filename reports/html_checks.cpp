// One table per checklist section, one row per check, worst first. Below
// ~800 px the stylesheet turns each row into a card, labelled from the
// cells' data-label.
#include "base/human_format.hpp"
#include "base/message_words.hpp"
#include "reports/html_parts.hpp"
#include "reports/html_text.hpp"

namespace pf::html {

namespace {

struct Labels {
    std::string verdict = text(msg("html.column.verdict"));
    std::string check = text(msg("html.column.check"));
    std::string title = text(msg("html.column.title"));
    std::string diagnosis = text(msg("html.column.diagnosis"));
    std::string requirement = text(msg("html.column.requirement"));
    std::string fix = text(msg("html.column.fix"));
};

void blocks(std::ostream& out, const ProbeResult& p) {
    for (const auto& b : p.blocks) {
        std::string body = "<pre>";
        for (const auto& line : b.lines)
            body += esc(line) + "\n";
        body += "</pre>";
        folded(out, "block", esc(b.title), body);
    }
}

void diagnosis(std::ostream& out, const CheckResult& r) {
    const Check& c = check_of(r);
    const ProbeResult& p = r.result;
    if (!p.alert.empty()) out << "<div class=\"alert\">" << esc(p.alert) << "</div>";
    out << "<div class=\"diag\">" << esc(p.summary) << "</div>";
    if (p.status != r.status)
        out << "<div class=\"meta\">"
            << text(msg("html.check.reported_as", {{"probe", status_word(p.status)},
                                                   {"status", status_word(r.status)},
                                                   {"severity", severity_word(c.severity)}}))
            << "</div>";
    if (!p.evidence.empty()) {
        out << "<ul class=\"evidence\">";
        for (const auto& e : p.evidence)
            out << "<li>" << esc(e) << "</li>";
        out << "</ul>";
    }
    blocks(out, p);
    if (!p.measurements.empty()) {
        out << "<div class=\"meta\">";
        const char* sep = "";
        for (const auto& m : p.measurements) {
            out << sep << esc(measurement_label(m.name)) << " " << format_number(m.value);
            if (!m.unit.empty()) out << " " << esc(unit_word(m.unit));
            sep = "; ";
        }
        out << "</div>";
    }
    out << "<div class=\"meta\">" << esc(c.probe.kind);
    for (const auto& [k, v] : r.args)
        out << " " << esc(k) << "=" << esc(v);
    out << " &middot; " << text(msg("html.check.reason", {{"reason", reason_code(p.reason)}}))
        << " &middot; " << esc(with_milliseconds(std::to_string(r.elapsed.count()))) << "</div>";
}

void check_row(std::ostream& out, const CheckResult& r, const Labels& l) {
    const Check& c = check_of(r);
    out << "<tr id=\"" << anchor(c.id) << "\" class=\"" << to_string(r.status) << "\">";
    // The verdict word and the id head a card on a narrow screen: no label.
    out << "<td class=\"verdict\">" << esc(status_label(r.status)) << "</td>";
    out << "<td class=\"id\">" << esc(c.id) << "</td>";
    out << "<td class=\"title\" data-label=\"" << l.title << "\">" << esc(c.title)
        << "<div class=\"meta\">" << esc(severity_word(c.severity));
    if (!c.service.empty())
        out << " &middot; " << text(msg("html.check.service", {{"service", c.service}}));
    out << "</div></td>";
    out << "<td class=\"diagnosis\" data-label=\"" << l.diagnosis << "\">";
    diagnosis(out, r);
    out << "</td>";
    out << "<td class=\"req\" data-label=\"" << l.requirement << "\">" << esc(c.requirement)
        << "</td>";
    bool needs_fix = r.status != Status::pass && r.status != Status::skip && !c.fix.empty();
    out << "<td class=\"fixcell\" data-label=\"" << l.fix << "\">";
    if (needs_fix)
        out << "<div class=\"fix\">" << esc(c.fix) << "</div>";
    else
        out << "<div class=\"muted req\">" << esc(c.fix) << "</div>";
    out << "</td></tr>\n";
}

} // namespace

void section_table(std::ostream& out, const SectionView& s) {
    Labels l;
    out << "<section class=\"checks\" id=\"section-" << anchor(s.id) << "\"><h2>"
        << esc(s.title.empty() ? s.id : s.title) << " <span class=\"meta id\">" << esc(s.id)
        << "</span></h2>\n";
    out << "<table class=\"checks\"><colgroup><col class=\"c-verdict\"><col class=\"c-id\">"
        << "<col class=\"c-title\"><col class=\"c-diag\"><col class=\"c-req\"><col class=\"c-fix\">"
        << "</colgroup>\n<thead><tr><th>" << l.verdict << "</th><th>" << l.check << "</th><th>"
        << l.title << "</th><th>" << l.diagnosis << "</th><th>" << l.requirement << "</th><th>"
        << l.fix << "</th></tr></thead>\n<tbody>\n";
    for (const CheckResult* r : worst_first(s.results))
        check_row(out, *r, l);
    out << "</tbody>\n</table>\n</section>\n";
}

} // namespace pf::html
