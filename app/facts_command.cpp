#include "app/commands.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/read_file.hpp"
#include "base/write_file.hpp"
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
    return facts_from_json(
        read_input_file(path, facts_file_limit, render(msg("cli.error.facts_file"))), path);
}

int facts_command(const std::string& install_path, bool json, const std::string& output) {
    HostFacts f = read_host_facts(install_path_or_default(install_path));
    std::ostringstream text;
    if (json) {
        text << facts_to_json(f) << "\n";
    } else {
        for (const auto& [name, value] : describe_for_people(f))
            text << name << ": " << value << "\n";
    }
    if (output.empty()) {
        std::cout << text.str();
        return 0;
    }
    try {
        write_file_atomically(output, text.str());
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }
    return 0;
}

} // namespace pf
