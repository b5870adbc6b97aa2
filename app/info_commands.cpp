#include "app/cli_help.hpp"
#include "app/commands.hpp"
#include "app/registries.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/reason.hpp"
#include "base/reason_text.hpp"
#include "core/builtin_checklists.hpp"
#include "core/loader.hpp"
#include "reports/report_util.hpp"
#include "reports/schema.hpp"
#include <algorithm>
#include <iostream>

namespace pf {

namespace {

// The ids --only, --skip and explain take, by section, as the checklist
// orders them.
void list_checks(const Checklist& c) {
    std::cout << c.id << "  " << c.title << "\n";
    for (const auto& section : c.sections) {
        std::cout << "\n" << section.id << "  " << section.title << "\n";
        for (const auto& k : section.checks)
            std::cout << "  " << k.id << "  " << k.title
                      << (k.service.empty() ? "" : " (--service " + k.service + ")") << "\n";
    }
}

} // namespace

int list_command(bool probes, bool reasons, const std::string& checklist) {
    if (!checklist.empty()) {
        list_checks(load_checklist(checklist, builtin_probes()));
        return 0;
    }
    if (reasons) {
        // checklists/README.md holds the English output verbatim (a test
        // keeps the two equal): the codes JSON, JUnit and HTML carry,
        // documented once; the codes stay, the meanings are in the run's language.
        for (Reason r : all_reasons())
            std::cout << reason_code(r) << "  " << render(reason_meaning_message(r)) << "\n";
        return 0;
    }
    if (probes) {
        for (const auto& name : builtin_probes().names()) {
            const ProbeKind* k = builtin_probes().find(name);
            std::cout << name << "  " << render(k->description) << "\n";
            // checklists/README.md holds this output verbatim (a test keeps
            // the two equal): type, choices and default come from one place.
            for (const auto& p : k->params)
                std::cout << "    " << p.name << " (" << type_text(p)
                          << (p.required                ? ", required"
                              : p.default_value.empty() ? ""
                                                        : ", default " + p.default_value)
                          << ")  " << p.help << "\n";
        }
        return 0;
    }
    for (const auto& e : embedded_checklists()) {
        Checklist c = load_checklist_text(std::string(e.text), "builtin:" + std::string(e.name),
                                          builtin_probes());
        std::cout << e.name << "  " << c.title << " ("
                  << render(msg("cli.info.check_count", {{"count", c.check_count()}})) << "; "
                  << c.source_document
                  << (c.source_section.empty() ? "" : ", \"" + c.source_section + "\"") << ")\n";
    }
    return 0;
}

// The labels of explain, each padded to the widest in columns: the values
// line up in every language.
struct ExplainLabels {
    std::string checklist = render(msg("cli.info.checklist"));
    std::string section = render(msg("cli.info.section"));
    std::string severity = render(msg("cli.info.severity"));
    std::string service = render(msg("cli.info.service"));
    std::string checks = render(msg("cli.info.checks"));
    std::string requirement = render(msg("cli.info.requirement"));
    std::string fix = render(msg("cli.info.fix"));
    std::size_t width = 0;

    ExplainLabels() {
        for (const auto* l :
             {&checklist, &section, &severity, &service, &checks, &requirement, &fix})
            width = std::max(width, columns(*l));
    }
    std::string operator()(const std::string& label) const {
        return "  " + label + std::string(width + 1 - columns(label), ' ');
    }
    std::string indent() const { return std::string(width + 3, ' '); }
};

static void explain_check(const Checklist& c, const Check& k) {
    const ExplainLabels label;
    std::cout << k.id << ": " << k.title << "\n"
              << label(label.checklist) << c.id << " (" << c.title << ")\n"
              << label(label.section) << k.section_title << "\n"
              << label(label.severity) << severity_word(k.severity) << "\n";
    if (!k.service.empty())
        std::cout << label(label.service)
                  << render(
                         msg("cli.info.service_only",
                             {{"service", k.service}, {"title", c.find_service(k.service)->title}}))
                  << "\n";
    const ProbeKind* kind = builtin_probes().find(k.probe.kind);
    std::cout << label(label.checks) << k.probe.kind << ": " << render(kind->description) << "\n";
    for (const auto& a : k.probe.args) {
        std::cout << "      " << a.name << " = " << a.value;
        if (const ParamSpec* s = kind->find_param(a.name)) std::cout << "   (" << s->help << ")";
        std::cout << "\n";
        for (const auto& ref : param_references(a.value))
            if (const ParamDecl* p = c.find_param(ref))
                std::cout << "        ${" << ref << "}: " << p->description
                          << (p->default_value ? render(msg("cli.info.param_default",
                                                            {{"value", *p->default_value}}))
                                               : render(msg("cli.info.param_set", {{"name", ref}})))
                          << "\n";
    }
    std::cout << label(label.requirement) << k.requirement << "\n"
              << label.indent() << "(" << c.source_document
              << (c.source_section.empty() ? "" : ", \"" + c.source_section + "\"") << ")\n"
              << label(label.fix) << k.fix << "\n";
}

int explain_command(const std::string& check_id, const std::string& checklist) {
    std::vector<Checklist> lists;
    if (!checklist.empty()) {
        lists.push_back(load_checklist(checklist, builtin_probes()));
    } else {
        for (const auto& e : embedded_checklists())
            lists.push_back(load_checklist_text(
                std::string(e.text), "builtin:" + std::string(e.name), builtin_probes()));
    }
    bool found = false;
    for (const auto& c : lists)
        if (const Check* k = c.find_check(check_id)) {
            if (found) std::cout << "\n";
            explain_check(c, *k);
            found = true;
        }
    if (!found && checklist.empty())
        throw InputError(render(msg("cli.error.no_check_builtin", {{"id", check_id}})));
    if (!found)
        throw InputError(
            render(msg("cli.error.no_check_in", {{"id", check_id}, {"checklist", checklist}})));
    return 0;
}

int schema_command(const std::string& name) {
    const std::string_view* schema = report_schema(name);
    if (!schema) {
        std::string known;
        for (const auto& n : report_schema_names())
            known += (known.empty() ? "" : ", ") + n;
        throw InputError(render(msg("cli.error.no_schema", {{"name", name}, {"known", known}})));
    }
    std::cout << *schema;
    return 0;
}

} // namespace pf
