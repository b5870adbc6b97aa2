#pragma once
#include <memory>
#include <string>

namespace pf {

// Where an element came from, for error messages in file:line:column form.
struct SourceLocation {
    // The file's name, shared by every location in it: a copy in each was a
    // quarter of a generated 3,000-check checklist's model (four per check).
    std::shared_ptr<const std::string> file;
    int line = 0;
    int column = 0;

    SourceLocation() = default;
    SourceLocation(std::shared_ptr<const std::string> f, int l, int c)
        : file(std::move(f)), line(l), column(c) {}
    SourceLocation(std::string f, int l, int c)
        : SourceLocation(std::make_shared<const std::string>(std::move(f)), l, c) {}

    std::string str() const {
        std::string name = file ? *file : std::string();
        if (line == 0) return name;
        return name + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

} // namespace pf
