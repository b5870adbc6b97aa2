#include "hardware/linux_parsers.hpp"
#include "base/param_types.hpp"
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <vector>

namespace pf {

namespace {

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

// Calls f(key, value) for each line of the form "key <sep> value".
template <class F> void for_each_pair(std::string_view text, char sep, F f) {
    while (!text.empty()) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        auto at = line.find(sep);
        if (at == std::string_view::npos) continue;
        f(trim(line.substr(0, at)), trim(line.substr(at + 1)));
    }
}

std::optional<double> parse_double(std::string_view v) {
    std::string s(v);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) return std::nullopt;
    return d;
}

// Shell-style quoting as os-release allows it: "..." with backslash escapes,
// or '...' taken literally.
std::string unquote(std::string_view v) {
    if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'')
        return std::string(v.substr(1, v.size() - 2));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
        std::string out;
        v = v.substr(1, v.size() - 2);
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (v[i] == '\\' && i + 1 < v.size()) ++i;
            out += v[i];
        }
        return out;
    }
    return std::string(v);
}

} // namespace

CpuInfo parse_cpuinfo(std::string_view text) {
    // x86 "model name", 32-bit ARM "Processor", ARM boards "Hardware",
    // POWER "cpu", RISC-V "uarch"; the first key found wins.
    static const std::vector<std::string_view> model_keys = {"model name", "Processor", "Hardware",
                                                             "cpu", "uarch"};
    CpuInfo info;
    std::size_t best = model_keys.size();
    std::set<std::string_view> package_ids;
    for_each_pair(text, ':', [&](std::string_view key, std::string_view value) {
        for (std::size_t i = 0; i < best; ++i)
            if (key == model_keys[i] && !value.empty()) {
                info.model = std::string(value);
                best = i;
                break;
            }
        if (key == "cpu MHz") {
            auto mhz = parse_double(value);
            if (mhz && *mhz > 0 && (!info.max_mhz || *mhz > *info.max_mhz)) info.max_mhz = mhz;
        }
        if (key == "physical id" && !value.empty()) package_ids.insert(value);
    });
    info.packages = static_cast<unsigned>(package_ids.size());
    return info;
}

std::optional<std::uint64_t> parse_meminfo_total(std::string_view text) {
    std::optional<std::uint64_t> total;
    for_each_pair(text, ':', [&](std::string_view key, std::string_view value) {
        if (key != "MemTotal" || total) return;
        auto sp = value.find(' ');
        auto n = parse_integer(value.substr(0, sp));
        if (!n) return;
        // The kernel writes "kB" and means KiB.
        std::string_view unit = sp == std::string_view::npos ? "" : trim(value.substr(sp));
        total = unit == "kB" ? *n * 1024 : *n;
    });
    return total;
}

std::optional<double> parse_cpufreq_khz(std::string_view text) {
    auto khz = parse_integer(trim(text));
    if (!khz || *khz == 0) return std::nullopt;
    return static_cast<double>(*khz) / 1000.0;
}

OsRelease parse_os_release(std::string_view text) {
    OsRelease r;
    std::string name, version;
    for_each_pair(text, '=', [&](std::string_view key, std::string_view value) {
        if (key.starts_with("#")) return;
        if (key == "PRETTY_NAME")
            r.pretty_name = unquote(value);
        else if (key == "VERSION_ID")
            r.version_id = unquote(value);
        else if (key == "NAME")
            name = unquote(value);
        else if (key == "VERSION")
            version = unquote(value);
    });
    if (r.pretty_name.empty()) {
        r.pretty_name = name.empty() ? "Linux" : name;
        if (!name.empty() && !version.empty()) r.pretty_name += " " + version;
    }
    return r;
}

std::string nearest_existing_dir(const std::string& install_path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p = fs::absolute(install_path.empty() ? "." : install_path, ec).lexically_normal();
    if (ec) p = "/";
    if (!p.has_filename() && p != p.root_path()) p = p.parent_path(); // "a/b/" -> "a/b"
    // An unreadable component (EACCES) counts as missing: the parent is still
    // the best guess at the filesystem the installer writes to.
    while (p != p.root_path() && !fs::exists(p, ec))
        p = p.parent_path();
    return p.string();
}

} // namespace pf
