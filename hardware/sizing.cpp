#include "hardware/sizing.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
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

std::string text(const Message& m) {
    return part(m).text;
}

std::string users_text(std::uint64_t n) {
    return text(n == 1 ? msg("sizing.one_user")
                       : msg("sizing.users", {{"count", format_count(n)}}));
}

std::string servers_text(const SizingBand& b) {
    if (b.max_servers == 1) return text(msg("sizing.one_server"));
    if (b.max_servers == b.min_servers)
        return text(msg("sizing.servers", {{"count", b.min_servers}}));
    return text(msg("sizing.servers_range", {{"min", b.min_servers}, {"max", b.max_servers}}));
}

std::string range_text(const SizingBand& b) {
    if (b.min_users == 0)
        return text(msg("sizing.band_up_to", {{"max", format_count(b.max_users)}}));
    return text(msg("sizing.band_range",
                    {{"min", format_count(b.min_users)}, {"max", format_count(b.max_users)}}));
}

std::string requirement_text(const SizingBand& b) {
    if (b.max_servers == 1)
        return text(msg("sizing.requirement_one",
                        {{"servers", servers_text(b)}, {"cores", b.cores}, {"ram_gb", b.ram_gb}}));
    return text(msg("sizing.requirement_each",
                    {{"servers", servers_text(b)}, {"cores", b.cores}, {"ram_gb", b.ram_gb}}));
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
        v.summary = text(msg("sizing.beyond_table", {{"users", users_text(users)},
                                                     {"max", format_count(last.max_users)}}));
        v.evidence.push_back(
            evidence_line(msg("sizing.largest_band", {{"band", range_text(last)},
                                                      {"requirement", requirement_text(last)}})));
        return v;
    }

    const std::uint64_t ram_needed = band->ram_gb * gib;
    v.evidence.push_back(evidence_line(msg(
        "sizing.band", {{"band", range_text(*band)}, {"requirement", requirement_text(*band)}})));
    v.evidence.push_back(evidence_line(msg("sizing.planned_servers", {{"count", servers}})));
    v.evidence.push_back(evidence_line(
        msg("sizing.this_host", {{"cores", cores},
                                 {"ram", format_size(ram_bytes)},
                                 {"accepted", format_size(ram_needed - ram_needed / 10)},
                                 {"ram_gb", band->ram_gb}})));

    std::vector<std::string> problems;
    if (servers < band->min_servers)
        problems.push_back(text(msg(
            "sizing.too_few_servers",
            {{"users", users_text(users)}, {"servers", servers_text(*band)}, {"count", servers}})));
    if (cores < band->cores)
        problems.push_back(
            text(msg("sizing.too_few_cores",
                     {{"users", users_text(users)}, {"cores", band->cores}, {"count", cores}})));
    if (!ram_meets(ram_bytes, ram_needed))
        problems.push_back(
            text(msg("sizing.too_little_ram", {{"users", users_text(users)},
                                               {"ram_gb", band->ram_gb},
                                               {"reported", format_size(ram_bytes)}})));

    if (problems.empty()) {
        v.status = Status::pass;
        auto ram = format_size(ram_bytes);
        auto need = requirement_text(*band);
        v.summary = text(servers == 1 ? msg("sizing.fits_one", {{"users", users_text(users)},
                                                                {"cores", cores},
                                                                {"ram", ram},
                                                                {"requirement", need}})
                                      : msg("sizing.fits", {{"users", users_text(users)},
                                                            {"count", servers},
                                                            {"cores", cores},
                                                            {"ram", ram},
                                                            {"requirement", need}}));
        return v;
    }
    v.status = Status::fail;
    v.summary = join_clauses(problems);
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
