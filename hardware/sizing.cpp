#include "hardware/sizing.hpp"
#include "base/param_types.hpp"
#include <cstdio>

namespace pf {

namespace {

constexpr std::uint64_t gib = 1024ull * 1024 * 1024;

// The ACC guide, "Sizing for up to 200,000 Users": the guide writes the columns as
// "10,000 to 50,000" and so on; a boundary count belongs to the lower column,
// since "up to 10,000" already includes 10,000.
const std::vector<SizingBand> bands = {
    {0, 10'000, 1, 1, 2, 4},
    {10'001, 50'000, 2, 2, 2, 4},
    {50'001, 100'000, 2, 3, 2, 8},
    {100'001, 200'000, 2, 2, 4, 16},
};

std::string users_text(std::uint64_t n) {
    return format_count(n) + (n == 1 ? " user" : " users");
}

std::string servers_text(const SizingBand& b) {
    if (b.max_servers == 1) return "1 ACC server";
    std::string n = std::to_string(b.min_servers);
    if (b.max_servers != b.min_servers) n += " to " + std::to_string(b.max_servers);
    return n + " load-balanced ACC servers";
}

std::string range_text(const SizingBand& b) {
    if (b.min_users == 0) return "up to " + users_text(b.max_users);
    return format_count(b.min_users) + " to " + users_text(b.max_users);
}

std::string requirement_text(const SizingBand& b) {
    return servers_text(b) + ", " + std::to_string(b.cores) + " CPU cores and " +
           std::to_string(b.ram_gb) + " GB RAM" + (b.max_servers == 1 ? "" : " per server");
}

} // namespace

const std::vector<SizingBand>& sizing_bands() {
    return bands;
}

const SizingBand* find_band(std::uint64_t users) {
    for (const auto& b : bands)
        if (users >= b.min_users && users <= b.max_users) return &b;
    return nullptr;
}

bool ram_meets(std::uint64_t reported_bytes, std::uint64_t required_bytes) {
    // 90% of the installed size, rounded up: a 4 GB server whose OS reports
    // 3.8 GiB has the guide's 4 GB, one reporting 3.5 GiB has not.
    return reported_bytes >= required_bytes - required_bytes / 10;
}

SizingVerdict evaluate_sizing(std::uint64_t users, std::uint32_t servers, unsigned cores,
                              std::uint64_t ram_bytes) {
    SizingVerdict v;
    const SizingBand* band = find_band(users);
    if (!band) {
        const SizingBand& last = bands.back();
        v.status = Status::warn;
        v.summary = users_text(users) + ": the guide's sizing table ends at " +
                    format_count(last.max_users) + " users; plan with VMware/Omnissa support";
        v.evidence.push_back("largest band in the guide: " + range_text(last) + " need " +
                             requirement_text(last));
        return v;
    }

    const std::uint64_t ram_needed = band->ram_gb * gib;
    v.evidence.push_back("guide band " + range_text(*band) + ": " + requirement_text(*band));
    v.evidence.push_back("planned ACC servers: " + std::to_string(servers));
    v.evidence.push_back("this host: " + std::to_string(cores) + " logical cores, " +
                         format_size(ram_bytes) + " RAM as the OS reports it (at least " +
                         format_size(ram_needed - ram_needed / 10) + " accepted for " +
                         std::to_string(band->ram_gb) + " GB installed)");

    std::vector<std::string> problems;
    if (servers < band->min_servers)
        problems.push_back(users_text(users) + " need " + servers_text(*band) + "; " +
                           std::to_string(servers) + " planned");
    if (cores < band->cores)
        problems.push_back(users_text(users) + " need " + std::to_string(band->cores) +
                           " CPU cores per ACC server; this host has " + std::to_string(cores));
    if (!ram_meets(ram_bytes, ram_needed))
        problems.push_back(users_text(users) + " need " + std::to_string(band->ram_gb) +
                           " GB RAM per ACC server; this host reports " + format_size(ram_bytes));

    if (problems.empty()) {
        v.status = Status::pass;
        v.summary = users_text(users) + " fit " + std::to_string(servers) + " ACC server" +
                    (servers == 1 ? "" : "s") + " with " + std::to_string(cores) + " cores and " +
                    format_size(ram_bytes) + " RAM (guide: " + requirement_text(*band) + ")";
        return v;
    }
    v.status = Status::fail;
    for (const auto& p : problems)
        v.summary += (v.summary.empty() ? "" : "; ") + p;
    return v;
}

std::string format_count(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string format_clock_mhz(double mhz) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GHz", mhz / 1000.0);
    return buf;
}

} // namespace pf
