#include "core/commands.hpp"
#include "core/errors.hpp"
#include "hardware/facts_json.hpp"
#include "hardware/host_facts.hpp"
#include <fstream>
#include <iostream>
#include <sstream>

namespace pf {

std::string install_path_or_default(const std::string& given) {
    if (!given.empty()) return given;
#ifdef _WIN32
    return "C:\\";
#else
    return "/opt";
#endif
}

HostFacts load_facts_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open the facts file");
    std::stringstream ss;
    ss << in.rdbuf();
    return facts_from_json(ss.str(), path);
}

int facts_command(const std::string& install_path, bool json, const std::string& output) {
    HostFacts f = read_host_facts(install_path_or_default(install_path));
    std::ostringstream text;
    if (json) {
        text << facts_to_json(f) << "\n";
    } else {
        for (const auto& [name, value] : describe(f))
            text << name << ": " << value << "\n";
    }
    if (output.empty()) {
        std::cout << text.str();
        return 0;
    }
    std::ofstream out(output, std::ios::binary);
    out << text.str();
    out.close();
    if (!out) throw InputError(output + ": cannot write the facts file");
    return 0;
}

} // namespace pf
