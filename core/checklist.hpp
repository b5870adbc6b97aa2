#pragma once
#include "base/language.hpp"
#include "base/source_location.hpp"
#include "base/status.hpp"
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pf {

// A text's translations from the checklist (<title xml:lang="ja">), by
// language; the field beside it holds the English text, the one shown until
// localize() puts the chosen language's text in its place.
using Translations = std::map<Language, std::string>;

struct ParamDecl {
    std::string name;
    std::string description;
    std::optional<std::string> default_value;
    // The guide's own words on what a value must look like, shown when a
    // value is rejected (the ACC guide: "Do not add https:// since this is assumed").
    std::string hint;
    bool required = false;
    // A password: its value is where to find it (env:NAME, file:PATH,
    // prompt), never the password. Declared with secret="true", or implied
    // by a probe's secret parameter that refers to it.
    bool secret = false;
    SourceLocation where;
    Translations description_tr, hint_tr;
};

struct ServiceDecl {
    std::string id;
    std::string title;
    Translations title_tr;
};

struct ProbeArg {
    std::string name;
    std::string value; // raw text, may hold ${param} references
    SourceLocation where;
};

struct ProbeSpec {
    std::string kind;
    std::vector<ProbeArg> args;
    SourceLocation where;
};

struct Check {
    std::string id;
    std::string title;
    Severity severity = Severity::required;
    std::string service; // empty: always runs
    ProbeSpec probe;
    std::string requirement; // the guide's own words
    std::string fix;
    std::optional<std::chrono::milliseconds> timeout;
    std::string section_id;
    std::string section_title;
    SourceLocation where;
    Translations title_tr, requirement_tr, fix_tr;
};

struct Section {
    std::string id;
    std::string title;
    std::vector<Check> checks;
    Translations title_tr;
};

struct Checklist {
    std::string id;
    std::string title;
    std::string description;
    std::string source_document;
    std::string source_section;
    std::chrono::milliseconds default_timeout{5000};
    std::vector<ParamDecl> params;
    std::vector<ServiceDecl> services;
    std::vector<Section> sections;
    std::string origin; // file path, or "builtin:<name>"
    Translations title_tr, description_tr;

    const ParamDecl* find_param(const std::string& name) const;
    const ServiceDecl* find_service(const std::string& id) const;
    const Check* find_check(const std::string& id) const;
    std::size_t check_count() const;
};

// Puts l's texts (titles, description, requirements, fixes, parameter
// descriptions and hints) in place of the English ones where the checklist
// has them; English stays where it has none. Ids never change.
void localize(Checklist& c, Language l);

} // namespace pf
