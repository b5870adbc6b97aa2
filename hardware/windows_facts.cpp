#include "hardware/dotnet_releases.hpp"
#include "hardware/host_facts.hpp"
#include "hardware/os_releases.hpp"
#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

namespace pf {

namespace {

std::string to_utf8(const std::wstring& w) {
    if (w.empty()) return {};
    int n = WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), nullptr, 0,
                                nullptr, nullptr);
    if (n <= 0) return {};
    std::string s(static_cast<std::size_t>(n), '\0');
    WideCharToMultiByte(CP_UTF8, 0, w.data(), static_cast<int>(w.size()), s.data(), n, nullptr,
                        nullptr);
    return s;
}

std::wstring from_utf8(const std::string& s) {
    if (s.empty()) return {};
    int n = MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), nullptr, 0);
    if (n <= 0) return {};
    std::wstring w(static_cast<std::size_t>(n), L'\0');
    MultiByteToWideChar(CP_UTF8, 0, s.data(), static_cast<int>(s.size()), w.data(), n);
    return w;
}

// GetProcAddress returns a generic function pointer; going through void*
// keeps GCC's -Wcast-function-type quiet about the deliberate cast.
template <class Fn> Fn function_in(HMODULE module, const char* name) {
    if (!module) return nullptr;
    return reinterpret_cast<Fn>(reinterpret_cast<void*>(GetProcAddress(module, name)));
}

constexpr const wchar_t* current_version_key = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
constexpr const wchar_t* cpu0_key = L"HARDWARE\\DESCRIPTION\\System\\CentralProcessor\\0";
constexpr const wchar_t* dotnet4_key = L"SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full";

std::optional<std::string> reg_string(const wchar_t* key, const wchar_t* value) {
    // The value can grow between asking its size and reading it.
    for (int attempt = 0; attempt < 3; ++attempt) {
        DWORD size = 0;
        if (RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_REG_SZ, nullptr, nullptr, &size) !=
            ERROR_SUCCESS)
            return std::nullopt;
        std::wstring buf(size / sizeof(wchar_t) + 1, L'\0');
        size = static_cast<DWORD>(buf.size() * sizeof(wchar_t));
        LONG rc =
            RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_REG_SZ, nullptr, buf.data(), &size);
        if (rc == ERROR_MORE_DATA) continue;
        if (rc != ERROR_SUCCESS) return std::nullopt;
        buf.resize(buf.find(L'\0') == std::wstring::npos ? buf.size() : buf.find(L'\0'));
        return to_utf8(buf);
    }
    return std::nullopt;
}

std::optional<DWORD> reg_dword(const wchar_t* key, const wchar_t* value) {
    DWORD data = 0, size = sizeof data;
    if (RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_REG_DWORD, nullptr, &data, &size) !=
        ERROR_SUCCESS)
        return std::nullopt;
    return data;
}

bool reg_key_exists(const wchar_t* key) {
    HKEY h = nullptr;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_READ, &h) != ERROR_SUCCESS) return false;
    RegCloseKey(h);
    return true;
}

// Calls f(info) for each entry GetLogicalProcessorInformationEx gives for
// relation; false when the call fails.
template <class F> bool for_each_processor_relation(LOGICAL_PROCESSOR_RELATIONSHIP relation, F f) {
    DWORD len = 0;
    GetLogicalProcessorInformationEx(relation, nullptr, &len);
    if (GetLastError() != ERROR_INSUFFICIENT_BUFFER || len == 0) return false;
    // uint64_t elements give the variable-size records their alignment.
    std::vector<std::uint64_t> buf(len / sizeof(std::uint64_t) + 1);
    auto* bytes = reinterpret_cast<unsigned char*>(buf.data());
    if (!GetLogicalProcessorInformationEx(
            relation, reinterpret_cast<SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(bytes), &len))
        return false;
    for (DWORD at = 0; at < len;) {
        auto* info = reinterpret_cast<SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX*>(bytes + at);
        if (info->Size == 0) break;
        f(*info);
        at += info->Size;
    }
    return true;
}

// Logical processors counted core by core, so that processor groups (more
// than 64 processors) are all included, and the packages (sockets).
void read_cpu_counts(HostFacts& f) {
    unsigned logical = 0, packages = 0;
    for_each_processor_relation(
        RelationProcessorCore, [&](const SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX& info) {
            for (WORD g = 0; g < info.Processor.GroupCount; ++g)
                logical += static_cast<unsigned>(
                    std::popcount(static_cast<std::uint64_t>(info.Processor.GroupMask[g].Mask)));
        });
    for_each_processor_relation(
        RelationProcessorPackage,
        [&](const SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX&) { ++packages; });
    f.logical_cores = logical ? logical : GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
    f.cpu_packages = packages;
}

// Not in the SDK headers; the layout CallNtPowerInformation documents.
struct ProcessorPowerInformation {
    ULONG Number;
    ULONG MaxMhz;
    ULONG CurrentMhz;
    ULONG MhzLimit;
    ULONG MaxIdleState;
    ULONG CurrentIdleState;
};

// The rated maximum, as the guide's "2.0+ GHz" means it. powrprof.dll is
// loaded at run time so that the build needs no extra import library.
std::optional<double> read_cpu_max_mhz(unsigned logical_cores) {
    std::optional<double> best;
    if (HMODULE powrprof = LoadLibraryW(L"powrprof.dll")) {
        using Fn = LONG(WINAPI*)(POWER_INFORMATION_LEVEL, PVOID, ULONG, PVOID, ULONG);
        if (auto call = function_in<Fn>(powrprof, "CallNtPowerInformation")) {
            SYSTEM_INFO si{};
            GetSystemInfo(&si);
            std::vector<ProcessorPowerInformation> info(
                std::max<std::size_t>({logical_cores, si.dwNumberOfProcessors, 1}));
            auto size = static_cast<ULONG>(info.size() * sizeof(ProcessorPowerInformation));
            if (call(ProcessorInformation, nullptr, 0, info.data(), size) == 0)
                for (const auto& p : info)
                    if (p.MaxMhz && (!best || p.MaxMhz > *best)) best = p.MaxMhz;
        }
        FreeLibrary(powrprof);
    }
    if (!best)
        if (auto mhz = reg_dword(cpu0_key, L"~MHz"); mhz && *mhz) best = *mhz;
    return best;
}

std::string computer_name() {
    for (auto format : {ComputerNameDnsHostname, ComputerNameNetBIOS}) {
        DWORD size = 0;
        GetComputerNameExW(format, nullptr, &size);
        if (size == 0) continue;
        std::wstring name(size, L'\0');
        if (GetComputerNameExW(format, name.data(), &size)) {
            name.resize(size);
            return to_utf8(name);
        }
    }
    return {};
}

std::string native_arch() {
    SYSTEM_INFO si{};
    GetNativeSystemInfo(&si);
    switch (si.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
        return "x86_64";
    case PROCESSOR_ARCHITECTURE_INTEL:
        return "x86";
    case PROCESSOR_ARCHITECTURE_ARM64:
        return "arm64";
    case PROCESSOR_ARCHITECTURE_ARM:
        return "arm";
    default:
        return "";
    }
}

// GetVersionEx answers what the manifest says the program supports, not what
// the system is; RtlGetVersion always tells the truth.
void read_os(HostFacts& f) {
    using Fn = LONG(WINAPI*)(OSVERSIONINFOW*);
    auto rtl_get_version = function_in<Fn>(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
    OSVERSIONINFOEXW v{};
    v.dwOSVersionInfoSize = sizeof v;
    bool have_version =
        rtl_get_version && rtl_get_version(reinterpret_cast<OSVERSIONINFOW*>(&v)) == 0;

    if (have_version) f.os_product_type = windows_product_type(v.wProductType);
    if (f.os_product_type.empty())
        f.os_product_type = windows_product_type(
            reg_string(L"SYSTEM\\CurrentControlSet\\Control\\ProductOptions", L"ProductType")
                .value_or(""));
    f.os_installation = reg_string(current_version_key, L"InstallationType").value_or("");
    const std::string product_name = reg_string(current_version_key, L"ProductName").value_or("");

    if (have_version) {
        const auto mm = std::to_string(v.dwMajorVersion) + "." + std::to_string(v.dwMinorVersion);
        f.os_build = std::to_string(v.dwBuildNumber);
        f.os_version = mm + "." + f.os_build;
        f.kernel = "Windows NT " + mm;
        f.os_name = windows_release_name(v.dwMajorVersion, v.dwMinorVersion, v.dwBuildNumber,
                                         f.os_product_type, product_name);
    } else {
        f.os_build = reg_string(current_version_key, L"CurrentBuildNumber").value_or("");
        f.os_name = product_name;
    }
    if (f.os_name.empty()) f.os_name = "Windows";
}

// With UAC an administrator's unelevated token has Administrators only as a
// deny-only group, which CheckTokenMembership does not count: exactly the
// "not elevated" answer the installer's requirement needs.
bool running_elevated() {
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

void read_dotnet(HostFacts& f) {
    f.dotnet4_full = reg_key_exists(dotnet4_key);
    if (!f.dotnet4_full) return;
    if (auto release = reg_dword(dotnet4_key, L"Release")) f.dotnet_release = *release;
    f.dotnet_version = dotnet_version_of(f);
}

// Windows PowerShell 3.0 to 5.1 register under "3"; 1.0 and 2.0 under "1".
std::string powershell_version() {
    for (const wchar_t* key : {L"SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine",
                               L"SOFTWARE\\Microsoft\\PowerShell\\1\\PowerShellEngine"})
        if (auto v = reg_string(key, L"PowerShellVersion"); v && !v->empty()) return *v;
    return {};
}

// The directory whose volume an install at install_path lands on: the path
// itself if it exists, else its nearest existing parent.
std::filesystem::path nearest_existing_dir(const std::string& install_path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path p = fs::absolute(install_path.empty() ? L"C:\\" : from_utf8(install_path), ec);
    if (ec) return L"C:\\";
    p = p.lexically_normal();
    if (!p.has_filename() && p != p.root_path()) p = p.parent_path(); // "a\b\" -> "a\b"
    while (p != p.root_path() && p.has_parent_path() && !fs::exists(p, ec))
        p = p.parent_path();
    return p;
}

} // namespace

HostFacts read_host_facts(const std::string& install_path) {
    HostFacts f;
    f.os_family = "windows";
    f.hostname = computer_name();
    f.arch = native_arch();
    read_os(f);

    read_cpu_counts(f);
    f.cpu_model = reg_string(cpu0_key, L"ProcessorNameString").value_or("");
    // Intel pads ProcessorNameString with leading spaces.
    f.cpu_model.erase(0, std::min(f.cpu_model.find_first_not_of(' '), f.cpu_model.size()));
    f.cpu_max_mhz = read_cpu_max_mhz(f.logical_cores);

    MEMORYSTATUSEX mem{};
    mem.dwLength = sizeof mem;
    if (GlobalMemoryStatusEx(&mem)) f.ram_bytes = mem.ullTotalPhys;

    const std::filesystem::path dir = nearest_existing_dir(install_path);
    f.disk_path = to_utf8(dir.wstring());
    std::wstring volume = dir.wstring();
    // A share's root is only accepted with its trailing backslash.
    if (!volume.empty() && volume.back() != L'\\') volume += L'\\';
    ULARGE_INTEGER free_to_caller{};
    if (GetDiskFreeSpaceExW(volume.c_str(), &free_to_caller, nullptr, nullptr))
        f.disk_free_bytes = free_to_caller.QuadPart;

    f.is_admin = running_elevated();
    read_dotnet(f);
    f.powershell_version = powershell_version();
    return f;
}

} // namespace pf
