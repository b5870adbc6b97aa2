// Every certificate the run looked at, one table: what a renewal plan needs
// at a glance, with the thumbprint ARM's certId wants. Seven columns, not
// one per field, so that the fingerprints keep a readable width at 1,024 px.
#include "reports/html_parts.hpp"
#include "reports/html_text.hpp"
#include <cmath>

namespace pf::html {

namespace {

// 2027-12-01T03:03:21Z may break after its date, so that a narrow column
// shows the date whole on one line rather than split anywhere.
std::string timestamp(const std::string& t) {
    auto at = t.find('T');
    if (at == std::string::npos) return esc(t);
    return esc(t.substr(0, at + 1)) + "<wbr>" + esc(t.substr(at + 1));
}

} // namespace

void certificate_table(std::ostream& out, const RunReport& report) {
    std::vector<std::pair<const CheckResult*, const CertificateRow*>> rows;
    for (const auto& r : report.results)
        for (const auto& c : r.result.certificates)
            rows.emplace_back(&r, &c);
    if (rows.empty()) return;
    const std::string check = text(msg("html.cert.check")),
                      cert = text(msg("html.cert.certificate")),
                      source = text(msg("html.cert.source")),
                      expires = text(msg("html.cert.expires")), key = text(msg("html.cert.key")),
                      sha1 = text(msg("html.cert.sha1")), sha256 = text(msg("html.cert.sha256"));
    out << "<section id=\"pf-certificates\" class=\"certificates\">"
        << "<h2>" << text(msg("html.certificates")) << "</h2>\n<table class=\"certs\"><colgroup>"
        << "<col class=\"c-check\"><col class=\"c-cert\"><col class=\"c-source\">"
        << "<col class=\"c-expires\"><col class=\"c-key\"><col class=\"c-sha1\">"
        << "<col class=\"c-sha256\"></colgroup>\n<thead><tr><th>" << check << "</th><th>" << cert
        << "</th><th>" << source << "</th><th>" << expires << "</th><th>" << key << "</th><th>"
        << sha1 << "</th><th>" << sha256 << "</th></tr></thead>\n<tbody>\n";
    for (const auto& [r, c] : rows) {
        out << "<tr class=\"" << to_string(c->days_left < 0 ? Status::fail : Status::pass)
            << "\"><td class=\"check\">" << esc(check_of(*r).id) << "</td>";
        out << "<td data-label=\"" << cert << "\"><div class=\"subject\">" << esc(c->subject)
            << "</div><div class=\"meta\">"
            << text(msg("html.cert.issuer", {{"issuer", c->issuer}})) << "</div>";
        if (!c->names.empty())
            out << "<div class=\"meta\">" << text(msg("html.cert.names", {{"names", c->names}}))
                << "</div>";
        out << "</td><td data-label=\"" << source << "\">" << esc(c->source)
            << "<div class=\"meta\">" << esc(chain_role_word(c->role)) << "</div></td>";
        out << "<td data-label=\"" << expires << "\">" << timestamp(c->not_after)
            << "<div class=\"days\">"
            << text(msg("html.cert.days_left", {{"days", format_number(std::floor(c->days_left))}}))
            << "</div></td>";
        out << "<td data-label=\"" << key << "\">" << esc(c->key) << "<div class=\"meta\">"
            << esc(c->signature) << "</div>";
        if (!c->ekus.empty())
            out << "<div class=\"meta\">" << text(msg("html.cert.eku", {{"ekus", c->ekus}}))
                << "</div>";
        out << "</td><td class=\"thumb\">" << esc(c->sha1_thumbprint)
            << "</td><td class=\"thumb\" data-label=\"" << sha256 << "\">" << esc(c->sha256)
            << "</td></tr>\n";
    }
    out << "</tbody>\n</table>\n</section>\n";
}

} // namespace pf::html
