#include "base/embedded_data.hpp"
#include <stdexcept>

namespace pf {

const std::string& embedded_data(const std::string& name) {
    for (const auto& f : embedded_data_files())
        if (f.name == name) return f.text;
    throw std::logic_error("no embedded data file '" + name + "' (pki/data/)");
}

} // namespace pf
