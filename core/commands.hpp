#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pf {

struct RunOptions {
    std::string checklist; // empty: the site file's, else acc-saas
    std::string site_file;
    std::vector<std::string> sets; // NAME=VALUE
    std::string services;          // comma-separated
    std::optional<std::uint64_t> users;
    std::optional<std::uint32_t> servers;
    std::optional<double> timeout_seconds;
    std::size_t jobs = 256;
    std::vector<std::pair<std::string, std::string>> reports; // format name, file
    bool quiet = false;
    std::string install_path;
};

int run_command(const RunOptions& o);
int list_command(bool probes);
int explain_command(const std::string& check_id, const std::string& checklist);

// The whole command line; returns the process exit code.
int cli_main(int argc, char** argv);

} // namespace pf
