#include "app/commands.hpp"
#include "app/registries.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/reason.hpp"
#include "core/builtin_checklists.hpp"
#include "core/loader.hpp"
#include "reports/schema.hpp"
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
        // checklists/README.md holds this output verbatim (a test keeps the
        // two equal): the codes JSON, JUnit and HTML carry, documented once.
        for (Reason r : all_reasons())
            std::cout << reason_code(r) << "  " << reason_meaning(r) << "\n";
        return 0;
    }
    if (probes) {
        for (const auto& name : builtin_probes().names()) {
            const ProbeKind* k = builtin_probes().find(name);
            std::cout << name << "  " << k->description << "\n";
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
        Checklist c = load_checklist_text(e.text, "builtin:" + e.name, builtin_probes());
        std::cout << e.name << "  " << c.title << " (" << c.check_count() << " checks; "
                  << c.source_document
                  << (c.source_section.empty() ? "" : ", \"" + c.source_section + "\"") << ")\n";
    }
    return 0;
}

static void explain_check(const Checklist& c, const Check& k) {
    std::cout << k.id << ": " << k.title << "\n"
              << "  checklist:   " << c.id << " (" << c.title << ")\n"
              << "  section:     " << k.section_title << "\n"
              << "  severity:    " << to_string(k.severity) << "\n";
    if (!k.service.empty())
        std::cout << "  service:     " << k.service << " (" << c.find_service(k.service)->title
                  << "; runs only with --service " << k.service << ")\n";
    const ProbeKind* kind = builtin_probes().find(k.probe.kind);
    std::cout << "  checks:      " << k.probe.kind << ": " << kind->description << "\n";
    for (const auto& a : k.probe.args) {
        std::cout << "      " << a.name << " = " << a.value;
        if (const ParamSpec* s = kind->find_param(a.name)) std::cout << "   (" << s->help << ")";
        std::cout << "\n";
        for (const auto& ref : param_references(a.value))
            if (const ParamDecl* p = c.find_param(ref))
                std::cout << "        ${" << ref << "}: " << p->description
                          << (p->default_value ? " [default " + *p->default_value + "]"
                                               : " [set with --set " + ref + "=…]")
                          << "\n";
    }
    std::cout << "  requirement: " << k.requirement << "\n"
              << "               (" << c.source_document
              << (c.source_section.empty() ? "" : ", \"" + c.source_section + "\"") << ")\n"
              << "  fix:         " << k.fix << "\n";
}

int explain_command(const std::string& check_id, const std::string& checklist) {
    std::vector<Checklist> lists;
    if (!checklist.empty()) {
        lists.push_back(load_checklist(checklist, builtin_probes()));
    } else {
        for (const auto& e : embedded_checklists())
            lists.push_back(load_checklist_text(e.text, "builtin:" + e.name, builtin_probes()));
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
    const std::string* schema = report_schema(name);
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
