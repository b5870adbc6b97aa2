#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pf {

// Parsers for the Linux text files read_host_facts reads, kept apart from the
// file reading so that tests can feed them sample text.

struct CpuInfo {
    std::string model;
    std::optional<double> max_mhz; // highest "cpu MHz" over all processors
    unsigned packages = 0;         // distinct "physical id"s; 0 where the kernel gives none
};

// /proc/cpuinfo. The model is "model name" on x86; other architectures name
// the CPU under other keys, tried in turn.
CpuInfo parse_cpuinfo(std::string_view text);

// /proc/meminfo: MemTotal in bytes.
std::optional<std::uint64_t> parse_meminfo_total(std::string_view text);

// /sys/devices/system/cpu/cpuN/cpufreq/cpuinfo_max_freq: kHz, returned in MHz.
std::optional<double> parse_cpufreq_khz(std::string_view text);

struct OsRelease {
    std::string pretty_name;
    std::string version_id;
};

// /etc/os-release (shell-style KEY=value lines, values optionally quoted).
// Without PRETTY_NAME it falls back to NAME VERSION, then to "Linux" as the
// os-release specification says.
OsRelease parse_os_release(std::string_view text);

// The directory whose filesystem an install at install_path will land on:
// install_path itself if it exists, else its nearest existing parent.
std::string nearest_existing_dir(const std::string& install_path);

} // namespace pf
