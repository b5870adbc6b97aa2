#pragma once
#include <string>

namespace pf {

// Where an element came from, for error messages in file:line:column form.
struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;

    std::string str() const {
        if (line == 0) return file;
        return file + ":" + std::to_string(line) + ":" + std::to_string(column);
    }
};

} // namespace pf
