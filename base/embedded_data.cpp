#include "base/embedded_data.hpp"
#include <stdexcept>

namespace pf {

std::string_view embedded_data(std::string_view name) {
    for (const auto& f : embedded_data_files())
        if (f.name == name) return f.text;
    throw std::logic_error("no embedded data file '" + std::string(name) + "' (pki/data/)");
}

} // namespace pf
