#include "reports/schema.hpp"

namespace pf {

namespace {
constexpr std::string_view suffix = ".schema";
}

const std::string_view* report_schema(std::string_view name) {
    for (const auto& f : embedded_report_schemas())
        if (f.name.size() == name.size() + suffix.size() && f.name.starts_with(name) &&
            f.name.ends_with(suffix))
            return &f.text;
    return nullptr;
}

std::vector<std::string> report_schema_names() {
    std::vector<std::string> names;
    for (const auto& f : embedded_report_schemas())
        if (f.name.ends_with(suffix))
            names.emplace_back(f.name.substr(0, f.name.size() - suffix.size()));
    return names;
}

} // namespace pf
