#pragma once
#include "base/source_location.hpp"
#include "base/status.hpp"
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pf {

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
};

struct ServiceDecl {
    std::string id;
    std::string title;
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
};

struct Section {
    std::string id;
    std::string title;
    std::vector<Check> checks;
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

    const ParamDecl* find_param(const std::string& name) const;
    const ServiceDecl* find_service(const std::string& id) const;
    const Check* find_check(const std::string& id) const;
    std::size_t check_count() const;
};

} // namespace pf
