// What was run, where and with what: the inputs a support engineer needs to
// reproduce the run.
#include "reports/html_parts.hpp"
#include "reports/html_text.hpp"
#include <algorithm>

namespace pf::html {

namespace {

// Each argument as typed; one with a space or a quote is shown quoted so
// that the line can be read back as the arguments it was. Secret values are
// only ever their source here (env:NAME, file:PATH, prompt): the command
// refuses a password given inline before any report is written.
std::string command_text(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        if (!out.empty()) out += ' ';
        bool plain = !a.empty() && a.find_first_of(" \t\"'\\$`") == std::string::npos;
        if (plain) {
            out += a;
            continue;
        }
        out += '\'';
        for (char c : a)
            out += c == '\'' ? std::string("'\\''") : std::string(1, c);
        out += '\'';
    }
    return out;
}

} // namespace

void context(std::ostream& out, const RunReport& r) {
    const Checklist& cl = checklist_of(r);
    std::vector<std::pair<std::string, std::string>> rows;
    if (r.kind == ReportKind::run)
        rows.emplace_back(text(msg("html.context.host")), r.facts.hostname);
    rows.emplace_back(text(msg("html.context.started")), utc_timestamp(r.started));
    rows.emplace_back(text(msg("html.context.local")), local_timestamp(r.started));
    rows.emplace_back(text(msg("html.context.finished")), utc_timestamp(r.finished));
    rows.emplace_back(text(msg("html.context.duration")), format_duration(run_duration(r)));
    std::string version = r.tool_version;
    if (!r.tool_commit.empty()) version += " (" + r.tool_commit;
    if (!r.tool_target.empty()) version += (r.tool_commit.empty() ? " (" : ", ") + r.tool_target;
    if (!r.tool_commit.empty() || !r.tool_target.empty()) version += ")";
    rows.emplace_back(text(msg("html.context.version")), version);
    if (!r.command_line.empty())
        rows.emplace_back(text(msg("html.context.command")), command_text(r.command_line));
    rows.emplace_back(text(msg("html.context.checklist")), cl.title + " (" + cl.id + ")");
    std::string source = cl.source_document;
    if (!cl.source_section.empty()) source += ", " + cl.source_section;
    if (!source.empty()) rows.emplace_back(text(msg("html.context.source")), source);
    if (r.kind == ReportKind::cert) {
        // Its sections are the files given, titled with their paths.
        std::string files;
        for (const Section& s : cl.sections)
            files += (files.empty() ? "" : "\n") + s.title;
        if (!files.empty()) rows.emplace_back(text(msg("html.files")), files);
    } else {
        if (!r.site_file.empty())
            rows.emplace_back(text(msg("html.context.site_file")), r.site_file);
        if (r.users) rows.emplace_back(text(msg("html.context.users")), std::to_string(*r.users));
        if (r.servers)
            rows.emplace_back(text(msg("html.context.servers")), std::to_string(*r.servers));
        std::string services;
        for (const auto& id : r.services) {
            if (!services.empty()) services += ", ";
            services += id;
            for (const ServiceDecl& s : cl.services)
                if (s.id == id && !s.title.empty()) services += " (" + s.title + ")";
        }
        rows.emplace_back(text(msg("html.context.services")),
                          services.empty() ? render(msg("html.context.no_services")) : services);
    }
    out << "<section id=\"pf-context\" class=\"context\"><h2>" << text(msg("html.context"))
        << "</h2>\n";
    if (!cl.description.empty()) out << "<p>" << esc(cl.description) << "</p>\n";
    key_values(out, rows);
    out << "</section>\n";
}

void parameters(std::ostream& out, const RunReport& r) {
    if (r.settings.empty()) return;
    const Checklist& cl = checklist_of(r);
    std::vector<std::pair<std::string, std::string>> changed, defaults;
    for (const auto& setting : r.settings) {
        // Named, not a structured binding: clang 14 cannot capture those.
        const std::string& name = setting.first;
        const std::string& value = setting.second;
        auto decl = std::find_if(cl.params.begin(), cl.params.end(),
                                 [&](const ParamDecl& p) { return p.name == name; });
        bool is_default =
            decl != cl.params.end() && decl->default_value && *decl->default_value == value;
        (is_default ? defaults : changed)
            .emplace_back("<span class=\"id\">" + esc(name) + "</span>", value);
    }
    out << "<section id=\"pf-parameters\" class=\"parameters\"><h2>" << text(msg("html.parameters"))
        << "</h2>\n";
    if (changed.empty()) {
        out << "<p class=\"muted\">" << text(msg("html.parameters.none_changed")) << "</p>\n";
    } else {
        out << "<p class=\"muted\">" << text(msg("html.parameters.changed")) << "</p>\n";
        key_values(out, changed);
    }
    if (!defaults.empty()) {
        out << "<details class=\"defaults\"><summary>"
            << text(msg("html.parameters.defaults", {{"count", defaults.size()}}))
            << "</summary>\n";
        key_values(out, defaults);
        out << "</details>\n";
    }
    out << "</section>\n";
}

void host_facts(std::ostream& out, const RunReport& r) {
    out << "<section id=\"pf-host\" class=\"host\"><h2>" << text(msg("html.host_facts"))
        << "</h2>\n";
    auto facts = describe_for_people(r.facts);
    if (facts.empty()) {
        out << "<p class=\"muted\">" << text(msg("html.host_facts.none")) << "</p>\n";
    } else {
        std::vector<std::pair<std::string, std::string>> rows;
        for (auto& [k, v] : facts)
            rows.emplace_back(esc(k), std::move(v));
        key_values(out, rows);
    }
    out << "</section>\n";
}

} // namespace pf::html
