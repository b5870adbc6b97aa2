#include "probes/host/platform.hpp"
#include "base/catalog.hpp"
#include "base/message_words.hpp"
#include "core/run_environment.hpp"
#include "hardware/dotnet_releases.hpp"
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

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
    return join_alternatives(items);
}

bool is_windows(const HostFacts& f) {
    return f.os_family == "windows";
}

bool word_at(const std::string& s, std::size_t at, const std::string& word) {
    return s.compare(at, word.size(), word) == 0 &&
           (at + word.size() == s.size() ||
            !std::isalnum(static_cast<unsigned char>(s[at + word.size()])));
}

// os_name is normally a bare release name, but facts from an unknown build
// carry the registry's ProductName ("Windows Server 2012 Standard"), so a
// listed product matches when it ends at a word boundary. "R2" is a separate
// release, though: "Windows Server 2012" must not claim 2012 R2.
bool names_product(const std::string& os_name, const std::string& product) {
    for (auto at = os_name.find(product); at != std::string::npos;
         at = os_name.find(product, at + 1)) {
        auto end = at + product.size();
        if (end < os_name.size() && std::isalnum(static_cast<unsigned char>(os_name[end])))
            continue;
        auto next = os_name.find_first_not_of(' ', end);
        if (next != std::string::npos && next != end && word_at(os_name, next, "R2")) continue;
        return true;
    }
    return false;
}

// "build 7601, Server Core": what tells two installs of one release apart.
std::string windows_details(const HostFacts& f) {
    std::vector<std::string> parts;
    if (!f.os_build.empty())
        parts.push_back(part(msg("platform.os_build", {{"build", f.os_build}})).text);
    if (!f.os_installation.empty() && f.os_installation != "Server" &&
        f.os_installation != "Client")
        parts.push_back(f.os_installation);
    if (f.os_product_type == "domain controller")
        parts.push_back(part(msg("platform.os_domain_controller")).text);
    if (parts.empty()) return "";
    return part(msg("platform.os_details", {{"details", join_list(parts)}})).text;
}

ProbeResult check_os(const HostFacts& f, const std::string& supported_text) {
    std::vector<std::string> supported;
    for (const auto& s : split(supported_text, '|'))
        if (auto t = trim(s); !t.empty()) supported.push_back(t);
    if (!is_windows(f)) {
        const std::string os = f.os_name.empty() ? f.os_family : f.os_name;
        return make_result(
            Status::fail, Reason::unsupported,
            msg("platform.os_not_windows", {{"os", os}, {"supported", or_list(supported)}}));
    }

    const std::string name = f.os_name.empty() ? "Windows" : f.os_name;
    std::vector<std::string> evidence;
    if (!f.os_version.empty())
        evidence.push_back(evidence_line(msg("platform.os_version", {{"version", f.os_version}})));
    if (!f.os_product_type.empty())
        evidence.push_back(
            evidence_line(msg("platform.os_product_type", {{"type", f.os_product_type}})));
    if (!f.os_installation.empty())
        evidence.push_back(
            evidence_line(msg("platform.os_installation", {{"type", f.os_installation}})));

    ProbeResult r;
    bool listed = false;
    for (const auto& s : supported)
        listed = listed || names_product(f.os_name, s);
    if (listed) {
        r = make_result(
            Status::pass, Reason::ok,
            msg("platform.os_supported", {{"os", name}, {"details", windows_details(f)}}));
    } else if (f.os_product_type == "workstation") {
        r = make_result(
            Status::fail, Reason::unsupported,
            msg("platform.os_client_edition", {{"os", name}, {"supported", or_list(supported)}}));
    } else {
        // Later guides support later releases; the checklist's supported_os
        // parameter is how an admin checks against one of those.
        r = make_result(
            Status::fail, Reason::unsupported,
            msg("platform.os_not_listed", {{"os", name}, {"supported", or_list(supported)}}));
        evidence.push_back(evidence_line(
            msg("platform.os_add_hint",
                {{"option", "--set supported_os=\"" + supported_text + "|" + name + "\""}})));
    }
    r.evidence.insert(r.evidence.begin(), evidence.begin(), evidence.end());
    return r;
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

ProbeResult not_windows(const std::string& what) {
    return make_result(Status::fail, Reason::unsupported,
                       msg("platform.not_windows", {{"what", what}}));
}

ProbeResult check_dotnet(const HostFacts& f, const std::string& minimum) {
    auto min = parse_version(minimum); // a version: the declaration's form
    if (!is_windows(f)) return not_windows(".NET Framework " + minimum);

    ProbeResult r;
    if (!f.dotnet4_full) {
        r = make_result(Status::fail, Reason::missing, msg("platform.dotnet_missing"));
        add_evidence(
            r, msg("platform.no_registry_key",
                   {{"key", "HKLM\\SOFTWARE\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full"}}));
    } else {
        std::string version = dotnet_version_of(f);
        std::string release =
            f.dotnet_release ? " (Release " + std::to_string(*f.dotnet_release) + ")" : "";
        auto have = parse_version(version);
        if (!have)
            return make_result(Status::warn, Reason::fact_unknown,
                               msg("platform.dotnet_not_understood",
                                   {{"version", version}, {"release", release}}));
        // "4.0" and "4" are the same version: compare with missing parts as 0.
        auto n = std::max(have->size(), min->size());
        have->resize(n);
        min->resize(n);
        if (*have >= *min)
            r = make_result(Status::pass, Reason::ok,
                            msg("platform.dotnet", {{"version", version}, {"release", release}}));
        else
            r = make_result(
                Status::fail, Reason::below_minimum,
                msg("platform.dotnet_below_minimum",
                    {{"version", version}, {"release", release}, {"minimum", minimum}}));
    }
    add_evidence(r, msg("platform.minimum", {{"minimum", minimum}}));
    return r;
}

ProbeResult check_powershell(const HostFacts& f) {
    if (!is_windows(f)) return not_windows("Windows PowerShell");
    if (!f.powershell_version.empty())
        return make_result(Status::pass, Reason::ok,
                           msg("platform.powershell", {{"version", f.powershell_version}}));
    ProbeResult r = make_result(Status::fail, Reason::missing, msg("platform.powershell_missing"));
    add_evidence(r, msg("platform.no_powershell_version",
                        {{"key", "HKLM\\SOFTWARE\\Microsoft\\PowerShell\\3\\PowerShellEngine"},
                         {"older_key", "...\\PowerShell\\1\\PowerShellEngine"}}));
    return r;
}

ProbeResult check_privileges(const HostFacts& f) {
    if (is_windows(f)) {
        if (f.is_admin) return make_result(Status::pass, Reason::ok, msg("platform.admin"));
        return make_result(Status::fail, Reason::insufficient_privileges,
                           msg("platform.not_admin"));
    }
    // Root is the POSIX counterpart of the guide's "Administrator rights".
    if (f.is_admin) return make_result(Status::pass, Reason::ok, msg("platform.root"));
    return make_result(Status::fail, Reason::insufficient_privileges, msg("platform.not_root"));
}

ProbeResult check_file(const std::string& path, const std::string& what) {
    std::error_code ec;
    fs::file_status st = fs::status(path, ec);
    ProbeResult r;
    if (ec && st.type() != fs::file_type::not_found) {
        r = make_result(Status::error, Reason::file_problem,
                        msg("platform.file_unchecked", {{"path", path}, {"error", ec.message()}}));
    } else if (!fs::exists(st)) {
        r = make_result(Status::fail, Reason::missing,
                        msg("platform.file_missing", {{"path", path}}));
    } else if (fs::is_directory(st)) {
        r = make_result(Status::pass, Reason::ok,
                        msg("platform.directory_found", {{"path", path}}));
    } else {
        auto size = fs::file_size(path, ec);
        r = ec ? make_result(Status::pass, Reason::ok,
                             msg("platform.file_found_size_unknown", {{"path", path}}))
               : make_result(
                     Status::pass, Reason::ok,
                     msg("platform.file_found", {{"path", path}, {"size", format_size(size)}}));
    }
    if (!what.empty()) add_evidence(r, msg("platform.looked_for", {{"what", what}}));
    return r;
}

} // namespace

ProbeKind os_probe() {
    ProbeKind k;
    k.name = "os";
    k.description = msg("probe.os.description");
    k.params = {{.name = "supported",
                 .required = true,
                 .help = msg("param.os.supported"),
                 .form = ValueForm{"releases A|B|C", msg("param.os.supported_form"),
                                   [](std::string_view v) {
                                       for (const auto& s : split(std::string(v), '|'))
                                           if (!trim(s).empty()) return true;
                                       return false;
                                   }}}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_os(ctx.env.facts, args.text("supported")));
    };
    return k;
}

ProbeKind dotnet_probe() {
    ProbeKind k;
    k.name = "dotnet";
    k.description = msg("probe.dotnet.description");
    k.params = {
        {.name = "minimum",
         .default_value = "4.0",
         .help = msg("param.dotnet.minimum"),
         .form = ValueForm{"version", msg("param.dotnet.minimum_form"), [](std::string_view v) {
                               return parse_version(std::string(v)).has_value();
                           }}}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_dotnet(ctx.env.facts, args.text("minimum")));
    };
    return k;
}

ProbeKind powershell_probe() {
    ProbeKind k;
    k.name = "powershell";
    k.description = msg("probe.powershell.description");
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_powershell(ctx.env.facts));
    };
    return k;
}

ProbeKind privileges_probe() {
    ProbeKind k;
    k.name = "privileges";
    k.description = msg("probe.privileges.description");
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) {
        return deliver_now(ctx, std::move(done), check_privileges(ctx.env.facts));
    };
    return k;
}

ProbeKind file_probe() {
    ProbeKind k;
    k.name = "file";
    k.description = msg("probe.file.description");
    k.params = {
        {"path", ParamType::text, true, "", msg("param.file.path")},
        {"what", ParamType::text, false, "", msg("param.file.what")},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) {
        std::string what = args.has("what") ? args.text("what") : "";
        return deliver_now(ctx, std::move(done), check_file(args.text("path"), what));
    };
    return k;
}

} // namespace pf
