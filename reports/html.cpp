#include "reports/html.hpp"
#include "reports/report_util.hpp"
#include <cmath>

namespace pf {

namespace {

std::string esc(std::string_view raw) {
    std::string s = clean_text(raw);
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

std::string css_class(Status s) {
    return std::string(to_string(s));
}

// Backgrounds are decoration only: verdicts are words, so a black-and-white
// printout loses nothing.
constexpr std::string_view stylesheet = R"(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5em;color:#1b1b1b;line-height:1.4}
:lang(ja) body{font-family:"Yu Gothic","Meiryo","Noto Sans CJK JP",sans-serif}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:2px solid #ccc}
table{border-collapse:collapse;width:100%;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}
th{background:#f0f0f0}
table.kv{width:auto}table.kv th{font-weight:normal;color:#444}
.verdict{font-weight:bold;white-space:nowrap}
tr.fail .verdict{color:#b00020}tr.error .verdict{color:#7b1fa2}tr.warn .verdict{color:#8a5a00}
tr.pass .verdict{color:#1b5e20}tr.skip .verdict{color:#666}
tr.fail{background:#fdecea}tr.error{background:#f5e9f8}tr.warn{background:#fff6e0}
.id{font-family:ui-monospace,Consolas,monospace;white-space:nowrap}
.meta,.muted{color:#555;font-size:.9em}
ul.evidence{margin:.3em 0 0 1.1em;padding:0;font-family:ui-monospace,Consolas,monospace;font-size:.85em}
.alert{border:2px solid #b00020;background:#fff;color:#b00020;font-weight:bold;padding:.3em .5em;margin:.3em 0}
details.block{margin:.3em 0}details.block summary{cursor:pointer;color:#333}
details.block pre{margin:.2em 0 0 1em;font-size:.8em;white-space:pre-wrap}
.fix{font-weight:bold;border-left:4px solid #b00020;padding-left:.4em}
.banner{border:3px solid #b00020;color:#b00020;font-weight:bold;padding:.6em;margin:1em 0}
.counts span{margin-right:1.2em}
.req,.fix,.diag{white-space:pre-wrap}
table.certs{font-size:.85em}td.check,td.thumb{font-family:ui-monospace,Consolas,monospace}
td.thumb{word-break:break-all}
@media print{body{margin:0;font-size:10pt}tr{break-inside:avoid;page-break-inside:avoid}
 th,tr.fail,tr.error,tr.warn{background:none}h2{break-after:avoid;page-break-after:avoid}}
)";

void key_values(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& kv,
                std::string_view empty) {
    if (kv.empty()) {
        out << "<p class=\"muted\">" << esc(empty) << "</p>\n";
        return;
    }
    out << "<table class=\"kv\">\n";
    for (const auto& [k, v] : kv)
        out << "<tr><th>" << esc(k) << "</th><td>" << esc(v) << "</td></tr>\n";
    out << "</table>\n";
}

void check_row(std::ostream& out, const CheckResult& r) {
    const Check& c = check_of(r);
    const ProbeResult& p = r.result;
    out << "<tr class=\"" << css_class(r.status) << "\">";
    out << "<td class=\"verdict\">" << status_tag(r.status) << "</td>";
    out << "<td class=\"id\">" << esc(c.id) << "</td>";

    out << "<td>" << esc(c.title) << "<div class=\"meta\">" << to_string(c.severity);
    if (!c.service.empty()) out << " &middot; service " << esc(c.service);
    out << "</div></td>";

    out << "<td>";
    if (!p.alert.empty()) out << "<div class=\"alert\">" << esc(p.alert) << "</div>";
    out << "<div class=\"diag\">" << esc(p.summary) << "</div>";
    if (p.status != r.status)
        out << "<div class=\"meta\">probe verdict " << to_string(p.status) << ", reported as "
            << to_string(r.status) << " because the check is " << to_string(c.severity) << "</div>";
    if (!p.evidence.empty()) {
        out << "<ul class=\"evidence\">";
        for (const auto& e : p.evidence)
            out << "<li>" << esc(e) << "</li>";
        out << "</ul>";
    }
    // Long evidence (a certificate chain) is folded; printing unfolds it
    // only if the reader opened it, which keeps tickets short.
    for (const auto& b : p.blocks) {
        out << "<details class=\"block\"><summary>" << esc(b.title) << "</summary><pre>";
        for (const auto& line : b.lines)
            out << esc(line) << "\n";
        out << "</pre></details>";
    }
    if (!p.measurements.empty()) {
        out << "<div class=\"meta\">";
        const char* sep = "";
        for (const auto& m : p.measurements) {
            out << sep << esc(m.name) << " " << format_number(m.value);
            if (!m.unit.empty()) out << " " << esc(m.unit);
            sep = "; ";
        }
        out << "</div>";
    }
    out << "<div class=\"meta\">" << esc(c.probe.kind);
    for (const auto& [k, v] : r.args)
        out << " " << esc(k) << "=" << esc(v);
    out << " &middot; reason " << reason_code(p.reason) << " &middot; "
        << esc(with_milliseconds(std::to_string(r.elapsed.count()))) << "</div></td>";

    out << "<td class=\"req\">" << esc(c.requirement) << "</td>";
    bool needs_fix = r.status != Status::pass && r.status != Status::skip && !c.fix.empty();
    out << "<td>";
    if (needs_fix)
        out << "<div class=\"fix\">" << esc(c.fix) << "</div>";
    else
        out << "<div class=\"muted req\">" << esc(c.fix) << "</div>";
    out << "</td></tr>\n";
}

// Every certificate the run looked at, one table: what a renewal plan
// needs at a glance, with the thumbprint ARM's certId wants.
void certificate_table(std::ostream& out, const RunReport& report) {
    std::vector<std::pair<const CheckResult*, const CertificateRow*>> rows;
    for (const auto& r : report.results)
        for (const auto& c : r.result.certificates)
            rows.emplace_back(&r, &c);
    if (rows.empty()) return;
    out << "<h2>Certificates</h2>\n<table class=\"certs\">\n<thead><tr><th>Check</th>"
        << "<th>Source</th><th>Role</th><th>Subject</th><th>Issuer</th><th>Names</th>"
        << "<th>Expires</th><th>Days left</th><th>Key</th><th>Signature</th><th>EKU</th>"
        << "<th>SHA-1 thumbprint (ARM certId)</th><th>SHA-256</th></tr></thead>\n<tbody>\n";
    for (const auto& [r, c] : rows) {
        out << "<tr class=\"" << css_class(c->days_left < 0 ? Status::fail : Status::pass)
            << "\"><td class=\"check\">" << esc(check_of(*r).id) << "</td>";
        for (const std::string* v :
             {&c->source, &c->role, &c->subject, &c->issuer, &c->names, &c->not_after})
            out << "<td>" << esc(*v) << "</td>";
        out << "<td>" << format_number(std::floor(c->days_left)) << "</td>";
        for (const std::string* v : {&c->key, &c->signature, &c->ekus})
            out << "<td>" << esc(*v) << "</td>";
        out << "<td class=\"thumb\">" << esc(c->sha1_thumbprint) << "</td><td class=\"thumb\">"
            << esc(c->sha256) << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n";
}

// --baseline / --history: what a scheduled run's reader looks for first.
void changes_section(std::ostream& out, const RunChanges& ch) {
    out << "<h2>Changes since the last run</h2>\n<p>Compared with " << esc(ch.baseline) << " ("
        << esc(ch.baseline_started) << "): " << esc(counted(ch.new_failures(), "new failure"))
        << "</p>\n";
    if (ch.changes.empty()) {
        out << "<p class=\"muted\">Nothing changed.</p>\n";
        return;
    }
    out << "<table>\n<thead><tr><th>Check</th><th>Change</th><th>Before</th><th>Now</th></tr>"
        << "</thead>\n<tbody>\n";
    for (const auto& c : ch.changes)
        out << "<tr><td class=\"id\">" << esc(c.check) << "</td><td>" << esc(to_string(c.kind))
            << "</td><td>" << esc(c.before) << "</td><td>" << esc(c.after) << "</td></tr>\n";
    out << "</tbody>\n</table>\n";
}

} // namespace

std::string html_escape(std::string_view text) {
    return esc(text);
}

void write_html(const RunReport& report, std::ostream& out) {
    const Checklist& cl = checklist_of(report);
    const Counts& n = report.counts;

    out << "<!DOCTYPE html>\n<html lang=\"" << language_code(report.lang)
        << "\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<title>preflight: " << esc(cl.title) << " on " << esc(report.facts.hostname)
        << "</title>\n<style>" << stylesheet << "</style>\n</head>\n<body>\n";

    out << "<h1>" << esc(cl.title) << "</h1>\n";
    out << "<p class=\"meta\">preflight " << esc(report.tool_version) << " &middot; checklist "
        << "<span class=\"id\">" << esc(cl.id) << "</span>";
    if (!cl.source_document.empty()) out << " &middot; from " << esc(cl.source_document);
    if (!cl.source_section.empty()) out << ", " << esc(cl.source_section);
    out << "<br>started " << esc(utc_timestamp(report.started)) << ", finished "
        << esc(utc_timestamp(report.finished)) << " (UTC), took "
        << esc(format_duration(run_duration(report))) << "</p>\n";
    if (!cl.description.empty()) out << "<p>" << esc(cl.description) << "</p>\n";

    if (report.interrupted)
        out << "<div class=\"banner\">INTERRUPTED: the run was stopped before every check "
               "finished: "
            << esc(counted(unfinished_checks(report), "check"))
            << " did not finish (reason interrupted: an error when it had started, skipped "
               "when it had not); run again for a complete verdict.</div>\n";

    out << "<h2>Summary</h2>\n<p class=\"counts\">"
        << "<span>" << n.fail << " failed</span><span>" << counted(n.error, "error") << "</span>"
        << "<span>" << counted(n.warn, "warning") << "</span><span>" << n.pass << " passed</span>"
        << "<span>" << n.skip << " skipped</span><span>" << counted(n.total(), "check") << "</span>"
        << "<span>exit code " << exit_code(report) << "</span></p>\n";

    if (report.changes) changes_section(out, *report.changes);

    out << "<h2>Host</h2>\n";
    key_values(out, describe(report.facts), "No host facts were collected.");

    out << "<h2>Services</h2>\n";
    if (report.services.empty()) {
        out << "<p class=\"muted\">No integration services enabled; only the checks every "
               "install needs were run.</p>\n";
    } else {
        out << "<ul>\n";
        for (const auto& id : report.services) {
            out << "<li><span class=\"id\">" << esc(id) << "</span>";
            for (const ServiceDecl& s : cl.services)
                if (s.id == id && !s.title.empty()) out << " " << esc(s.title);
            out << "</li>\n";
        }
        out << "</ul>\n";
    }

    out << "<h2>Parameters</h2>\n";
    key_values(out, report.settings, "No parameters.");
    certificate_table(out, report);

    for (const SectionView& s : sections_of(report)) {
        out << "<h2>" << esc(s.title.empty() ? s.id : s.title) << " <span class=\"meta id\">"
            << esc(s.id) << "</span></h2>\n";
        out << "<table>\n<thead><tr><th>Verdict</th><th>Check</th><th>Title</th>"
            << "<th>Diagnosis</th><th>Requirement</th><th>Fix</th></tr></thead>\n<tbody>\n";
        for (const CheckResult* r : worst_first(s.results))
            check_row(out, *r);
        out << "</tbody>\n</table>\n";
    }

    out << "</body>\n</html>\n";
}

} // namespace pf
