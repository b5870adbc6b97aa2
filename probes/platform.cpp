#include "probes/platform.hpp"
#include "core/run_environment.hpp"
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace pf {

namespace fs = std::filesystem;

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto at = s.find(sep, start);
        if (at == std::string::npos) at = s.size();
        out.push_back(s.substr(start, at - start));
        start = at + 1;
    }
    return out;
}

// "A, B or C", the way the guide lists the supported Windows versions.
std::string or_list(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i != 0) out += i + 1 == items.size() ? " or " : ", ";
        out += items[i];
    }
    return out;
}

// "Windows Server 2012" matches "Windows Server 2012 Standard" but not
// "Windows Server 20121": the product name must end at a word boundary.
bool names_product(const std::string& os_name, const std::string& product) {
    for (auto at = os_name.find(product); at != std::string::npos;
         at = os_name.find(product, at + 1)) {
        auto end = at + product.size();
        if (end == os_name.size() || !std::isalnum(static_cast<unsigned char>(os_name[end])))
            return true;
    }
    return false;
}

ProbeResult check_os(const HostFacts& f, const std::string& supported_text) {
    std::vector<std::string> supported;
    for (const auto& s : split(supported_text, '|'))
        if (auto t = trim(s); !t.empty()) supported.push_back(t);
    if (supported.empty())
        return ProbeResult::make(Status::error, "\"supported\" names no operating system");
    const std::string os = f.os_name.empty() ? f.os_family : f.os_name;
    if (f.os_family != "windows")
        return ProbeResult::make(Status::fail, "this host runs " + os +
                                                   "; the Cloud Connector itself needs Windows "
                                                   "Server (" +
                                                   or_list(supported) + ")");
    for (const auto& s : supported)
        if (names_product(f.os_name, s))
            return ProbeResult::make(Status::pass,
                                     "this host runs " + os + ", which the guide supports");
    return ProbeResult::make(Status::fail,
                             "this host runs " + os + "; the guide lists " + or_list(supported));
}

std::optional<std::vector<unsigned>> parse_version(const std::string& v) {
    std::vector<unsigned> parts;
    for (const auto& p : split(trim(v), '.')) {
        if (p.empty() || p.size() > 9 || p.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        parts.push_back(static_cast<unsigned>(std::stoul(p)));
    }
    return parts;
}

#ifdef _WIN32
// The .NET 4.x installer records its version here; 4.5 and later update it in
// place, so one value covers the guide's "4.0" and anything newer.
std::optional<std::string> installed_dotnet4() {
    char buf[64];
    DWORD size = sizeof buf;
    if (RegGetValueA(HKEY_LOCAL_MACHINE, "SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full",
                     "Version", RRF_RT_REG_SZ, nullptr, buf, &size) != ERROR_SUCCESS)
        return std::nullopt;
    return std::string(buf);
}
#endif

ProbeResult check_dotnet(const std::string& minimum) {
    auto min = parse_version(minimum);
    if (!min)
        return ProbeResult::make(Status::error,
                                 "minimum \"" + minimum + "\" is not a version such as 4.0");
#ifdef _WIN32
    auto installed = installed_dotnet4();
    if (!installed)
        return ProbeResult::make(Status::fail,
                                 ".NET Framework 4 is not installed (minimum " + minimum + ")");
    auto have = parse_version(*installed);
    if (!have)
        return ProbeResult::make(Status::warn,
                                 ".NET Framework version \"" + *installed + "\" not understood");
    // "4.0" and "4" are the same version: compare with missing parts as 0.
    auto n = std::max(have->size(), min->size());
    have->resize(n);
    min->resize(n);
    Status s = *have >= *min ? Status::pass : Status::fail;
    return ProbeResult::make(s, ".NET Framework " + *installed + " (minimum " + minimum + ")");
#else
    return ProbeResult::make(Status::fail, "not a Windows host: .NET Framework " + minimum +
                                               " cannot be installed here; the Cloud Connector "
                                               "needs Windows Server");
#endif
}

// The first executable called one of names in the PATH directories.
std::optional<fs::path> find_on_path(const std::vector<std::string>& names) {
    const char* path = std::getenv("PATH");
#ifdef _WIN32
    const char sep = ';';
#else
    const char sep = ':';
#endif
    for (const auto& name : names)
        for (const auto& dir : split(path ? path : "", sep)) {
            // POSIX: an empty PATH entry means the current directory.
            fs::path p = fs::path(dir.empty() ? "." : dir) / name;
            std::error_code ec;
            if (!fs::is_regular_file(p, ec)) continue;
#ifndef _WIN32
            if (access(p.c_str(), X_OK) != 0) continue;
#endif
            return p;
        }
    return std::nullopt;
}

ProbeResult check_powershell() {
#ifdef _WIN32
    const std::vector<std::string> names = {"powershell.exe", "pwsh.exe"};
#else
    const std::vector<std::string> names = {"pwsh"};
#endif
    auto found = find_on_path(names);
    if (!found) {
        ProbeResult r = ProbeResult::make(Status::fail, "PowerShell not found");
        r.evidence.push_back("searched PATH for " + or_list(names));
        return r;
    }
    std::string summary = "PowerShell found: " + found->string();
    if (found->filename() != "powershell.exe")
        summary += " (PowerShell Core, not the Windows PowerShell the guide's servers have)";
    return ProbeResult::make(Status::pass, summary);
}

#ifdef _WIN32
bool running_as_admin() {
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    PSID admins = nullptr;
    if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0,
                                  0, 0, 0, 0, 0, &admins))
        return false;
    BOOL member = FALSE;
    if (!CheckTokenMembership(nullptr, admins, &member)) member = FALSE;
    FreeSid(admins);
    return member != FALSE;
}
#endif

ProbeResult check_privileges() {
#ifdef _WIN32
    if (running_as_admin())
        return ProbeResult::make(Status::pass, "running with administrator rights");
    return ProbeResult::make(Status::fail, "not running with administrator rights (start "
                                           "preflight from an elevated prompt)");
#else
    return privileges_verdict(static_cast<unsigned>(geteuid()));
#endif
}

ProbeResult check_file(const std::string& path, const std::string& what) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    ProbeResult r;
    if (ec && st.type() != fs::file_type::not_found) {
        r = ProbeResult::make(Status::error, "cannot check " + path + ": " + ec.message());
    } else if (!fs::exists(st)) {
        r = ProbeResult::make(Status::fail, "not found: " + path);
    } else if (fs::is_directory(st)) {
        r = ProbeResult::make(Status::pass, "found: " + path + " (directory)");
    } else {
        auto size = fs::file_size(path, ec);
        r = ProbeResult::make(Status::pass,
                              "found: " + path + " (" +
                                  (ec ? std::string("size unknown") : format_size(size)) + ")");
    }
    if (!what.empty()) r.evidence.push_back("looked for: " + what);
    return r;
}

} // namespace

#ifndef _WIN32
ProbeResult privileges_verdict(unsigned euid) {
    // Root is the POSIX counterpart of the guide's "Administrator rights".
    if (euid == 0) return ProbeResult::make(Status::pass, "running as root");
    return ProbeResult::make(Status::fail, "not running with administrator rights (uid " +
                                               std::to_string(euid) + ")");
}
#endif

ProbeKind os_probe() {
    ProbeKind k;
    k.name = "os";
    k.description = "Checks that this host runs one of the supported Windows Server versions";
    k.params = {{"supported", ParamType::text, true, "",
                 "the supported products, separated by '|', e.g. "
                 "\"Windows Server 2012|Windows Server 2012 R2\""}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_os(ctx.env.facts, args.text("supported")));
    };
    return k;
}

ProbeKind dotnet_probe() {
    ProbeKind k;
    k.name = "dotnet";
    k.description = "Checks that .NET Framework of at least the given version is installed";
    k.params = {
        {"minimum", ParamType::text, false, "4.0", "the least .NET Framework version, e.g. 4.0"}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) {
        std::string min = args.has("minimum") ? args.text("minimum") : "4.0";
        return deliver_now(ctx, std::move(done), check_dotnet(min));
    };
    return k;
}

ProbeKind powershell_probe() {
    ProbeKind k;
    k.name = "powershell";
    k.description = "Looks for PowerShell on PATH";
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_powershell());
    };
    return k;
}

ProbeKind privileges_probe() {
    ProbeKind k;
    k.name = "privileges";
    k.description = "Checks that preflight runs with administrator rights";
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_privileges());
    };
    return k;
}

ProbeKind file_probe() {
    ProbeKind k;
    k.name = "file";
    k.description = "Checks that a file or directory exists";
    k.params = {
        {"path", ParamType::text, true, "", "the file or directory that must exist"},
        {"what", ParamType::text, false, "", "what the path is, for the report"},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) {
        std::string what = args.has("what") ? args.text("what") : "";
        return deliver_now(ctx, std::move(done), check_file(args.text("path"), what));
    };
    return k;
}

} // namespace pf
