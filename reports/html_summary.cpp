// The top of the page: what a support engineer reads in ten seconds.
#include "reports/html_parts.hpp"
#include "reports/html_text.hpp"

namespace pf::html {

Verdict verdict_of(const RunReport& r) {
    if (r.interrupted) return Verdict::could_not_run;
    if (r.counts.fail || r.counts.error) return Verdict::not_ready;
    if (r.counts.warn) return Verdict::warnings;
    return Verdict::ready;
}

std::string verdict_text(Verdict v) {
    switch (v) {
    case Verdict::ready:
        return render(msg("html.verdict.ready"));
    case Verdict::warnings:
        return render(msg("html.verdict.warnings"));
    case Verdict::not_ready:
        return render(msg("html.verdict.not_ready"));
    case Verdict::could_not_run:
        break;
    }
    return render(msg("html.verdict.could_not_run"));
}

std::string_view verdict_class(Verdict v) {
    switch (v) {
    case Verdict::ready:
        return "ready";
    case Verdict::warnings:
        return "warnings";
    case Verdict::not_ready:
        return "not-ready";
    case Verdict::could_not_run:
        break;
    }
    return "could-not-run";
}

void banner(std::ostream& out, const RunReport& r) {
    const Checklist& cl = checklist_of(r);
    const Counts& n = r.counts;
    Verdict v = verdict_of(r);
    out << "<header id=\"pf-verdict\" class=\"banner " << verdict_class(v) << "\">"
        << "<div class=\"word\">" << esc(verdict_text(v)) << "</div><div class=\"what\">";
    if (r.kind == ReportKind::cert || r.facts.hostname.empty())
        out << esc(cl.title);
    else
        out << text(
            msg("html.verdict.for_host", {{"checklist", cl.title}, {"host", r.facts.hostname}}));
    out << "</div>\n<p class=\"counts\">";
    struct Count {
        Message label;
        std::string_view css;
    };
    for (const auto& [label, css] :
         {Count{msg("html.count.fail", {{"count", n.fail}}), "fail"},
          Count{msg("html.count.error", {{"count", n.error}}), "error"},
          Count{msg("html.count.warn", {{"count", n.warn}}), "warn"},
          Count{msg("html.count.pass", {{"count", n.pass}}), "pass"},
          Count{msg("html.count.skip", {{"count", n.skip}}), "skip"},
          Count{msg("html.count.total", {{"count", n.total()}}), "total"},
          Count{msg("html.count.exit_code", {{"code", exit_code(r)}}), "exit"}})
        out << "<span class=\"" << css << "\">" << text(label) << "</span> ";
    out << "</p>\n";
    if (r.interrupted)
        out << "<p class=\"interrupted\">"
            << text(msg("html.interrupted", {{"count", unfinished_checks(r)}})) << "</p>\n";
    out << "</header>\n";
}

void problems(std::ostream& out, const RunReport& r) {
    const std::vector<const CheckResult*> all = problems_worst_first(r);
    out << "<section id=\"pf-problems\" class=\"problems\"><h2>" << text(msg("html.problems"))
        << "</h2>\n";
    if (all.empty()) {
        out << "<p class=\"muted\">" << text(msg("html.problems.none")) << "</p>\n</section>\n";
        return;
    }
    out << "<ol class=\"problems\">\n";
    for (const CheckResult* p : all) {
        const Check& c = check_of(*p);
        out << "<li class=\"" << to_string(p->status) << "\"><div class=\"head\">"
            << "<span class=\"tag\">" << esc(status_label(p->status))
            << "</span> <a class=\"id\" href=\"#" << anchor(c.id) << "\">" << esc(c.id)
            << "</a> <span class=\"title\">" << esc(c.title) << "</span></div>";
        if (!p->result.alert.empty())
            out << "<div class=\"alert\">" << esc(p->result.alert) << "</div>";
        out << "<div class=\"diag\">" << esc(p->result.summary) << "</div>";
        if (!c.fix.empty())
            out << "<div class=\"fix\"><span class=\"label\">" << text(msg("html.problems.fix"))
                << "</span> " << esc(c.fix) << "</div>";
        out << "</li>\n";
    }
    out << "</ol>\n</section>\n";
}

} // namespace pf::html
