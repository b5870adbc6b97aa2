#include "app/bundle.hpp"
#include "app/commands.hpp"
#include "app/registries.hpp"
#include "base/errors.hpp"
#include "base/read_file.hpp"
#include "base/utc_time.hpp"
#include "base/write_file.hpp"
#include "core/builtin_checklists.hpp"
#include "core/checklist.hpp"
#include "core/run_report.hpp"
#include "hardware/facts_json.hpp"
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <future>
#include <iostream>
#include <sstream>
#ifdef _WIN32
#include <process.h>
#define getpid _getpid
#else
#include <unistd.h>
#endif

namespace pf {

namespace fs = std::filesystem;

namespace {

// A file the bundle holds, and the line README.txt gives it.
struct Entry {
    ZipMember member;
    std::string about;
};

// A user's file name as a member name: the last path part, with what
// Windows refuses in a file name replaced, so Explorer can extract it.
std::string member_file_name(const std::string& prefix, const std::string& path) {
    std::string base = fs::path(path).filename().string();
    for (char& ch : base)
        if (static_cast<unsigned char>(ch) < 0x20 ||
            std::string_view("<>:\"/\\|?*").find(ch) != std::string_view::npos)
            ch = '_';
    std::string name = prefix + base;
    // A name in the local code page (Windows' narrow argv) is not UTF-8.
    if (!plain_member_name(name))
        for (char& ch : name)
            if (static_cast<unsigned char>(ch) >= 0x80) ch = '_';
    return name;
}

std::string report_text(const std::string& format, const RunReport& r) {
    for (const auto& f : builtin_reports())
        if (f.name == format) {
            std::ostringstream out;
            f.write(r, out);
            return out.str();
        }
    throw std::logic_error("no report format " + format);
}

// The checklist as it was read: the compiled-in text of a built-in one.
Entry checklist_entry(const Checklist& c) {
    constexpr std::string_view builtin = "builtin:";
    if (c.origin.starts_with(builtin)) {
        std::string name = c.origin.substr(builtin.size());
        for (const auto& e : embedded_checklists())
            if (e.name == name)
                return {{"checklist-" + name + ".xml", e.text},
                        "the checklist used: the built-in " + name + " of this version"};
    }
    return {{member_file_name("checklist-", c.origin),
             read_input_file(c.origin, checklist_file_limit, "the checklist file")},
            "the checklist used: " + c.origin};
}

std::string command_line_text(const std::vector<std::string>& args) {
    std::string line;
    for (const auto& a : args)
        line += (line.empty() ? "" : " ") +
                (a.find_first_of(" \t\"'") == std::string::npos ? a : "\"" + a + "\"");
    return line;
}

std::string readme(const RunReport& r, const std::vector<Entry>& entries) {
    std::ostringstream out;
    out << "preflight support bundle\r\n"
        << "========================\r\n\r\n"
        << "Host:         " << r.facts.hostname << "\r\n"
        << "Run started:  " << utc_timestamp(r.started) << "\r\n"
        << "preflight:    " << r.tool_version << "\r\n"
        << "Exit code:    " << exit_code(r)
        << " (0 all passed, 1 warnings only, 2 at least one failure, 3 could not run)\r\n"
        << "Command line: " << command_line_text(r.command_line) << "\r\n\r\n"
        << "Files:\r\n";
    // Columns count characters, not UTF-8 bytes.
    auto shown = [](const std::string& s) {
        return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char ch) {
            return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
        }));
    };
    std::size_t width = shown("README.txt");
    for (const auto& e : entries)
        width = std::max(width, shown(e.member.name));
    auto row = [&](const std::string& name, const std::string& about) {
        out << "  " << name << std::string(width + 2 - shown(name), ' ') << about << "\r\n";
    };
    row("README.txt", "this file");
    for (const auto& e : entries)
        row(e.member.name, e.about);
    out << "\r\nSecrets (proxy, bind and certificate passwords) are not in this bundle: where\r\n"
           "one was used, only its source appears (env:NAME, file:PATH or prompt).\r\n\r\n"
           "Every run keeps these files in a per-user folder (Linux:\r\n"
           "$XDG_STATE_HOME/preflight/last-run, by default ~/.local/state/preflight/last-run;\r\n"
           "Windows: %LOCALAPPDATA%\\preflight\\last-run); 'preflight bundle FILE.zip' zips the\r\n"
           "last run's files, 'preflight run ... --bundle FILE.zip' those of that run.\r\n";
    // Windows' command line and file names come in the local code page.
    return utf8_text(out.str());
}

// The last-run folder's file names are ASCII whatever the code page (Windows
// would otherwise read a UTF-8 name back as another one): bytes outside it,
// and '%', are written as %XX.
std::string folder_file_name(const std::string& member) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : member) {
        auto b = static_cast<unsigned char>(ch);
        if (b >= 0x80 || ch == '%')
            out += {'%', hex[b >> 4], hex[b & 0xF]};
        else
            out += ch;
    }
    return out;
}

std::string member_from_folder(const std::string& file) {
    auto digit = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    std::string out;
    for (std::size_t i = 0; i < file.size(); ++i) {
        if (file[i] == '%' && i + 2 < file.size() && digit(file[i + 1]) >= 0 &&
            digit(file[i + 2]) >= 0) {
            out += static_cast<char>(digit(file[i + 1]) * 16 + digit(file[i + 2]));
            i += 2;
        } else {
            out += file[i];
        }
    }
    return out;
}

// Defence in depth: nothing preflight writes carries a secret, and a member
// that did would still not leave the host with it.
void redact_all(std::vector<ZipMember>& members, const std::vector<SecretRef>& secrets) {
    for (auto& m : members)
        for (const auto& s : secrets)
            if (s && !s->empty()) redact(m.content, *s);
}

// Removes the previous run's folder. Freeing a file's blocks can wait for
// the file system's journal (ext4 mounted with discard on a busy disk: ~4 ms
// each, 30 ms for the folder one after another, more than a whole run);
// removed together, the files wait for the same commit.
void remove_folder(const fs::path& dir) {
    std::error_code ec;
    std::vector<std::future<void>> removing;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (!it->is_directory(ec))
            removing.push_back(std::async(std::launch::async, [p = it->path()] {
                std::error_code ignored;
                fs::remove(p, ignored);
            }));
    for (auto& r : removing)
        r.wait();
    fs::remove_all(dir, ec);
}

} // namespace

std::vector<ZipMember> bundle_members(const BundleSources& s) {
    const RunReport& r = *s.report;
    std::vector<Entry> entries = {
        {{"report.html", report_text("html", r)}, "the HTML report, for people"},
        {{"report.json", report_text("json", r)}, "the JSON report, for scripts"},
        {{"report.junit.xml", report_text("junit", r)}, "the JUnit report, for CI servers"},
        {{"console.log", s.console_log}, "what the run printed on the console"},
        {{"facts.json", facts_to_json(r.facts) + "\n"},
         "the host facts the run evaluated, as 'preflight facts --json' prints them"},
    };
    if (s.checklist) entries.push_back(checklist_entry(*s.checklist));
    if (!s.site_file.empty())
        entries.push_back({{member_file_name("site-", s.site_file),
                            read_input_file(s.site_file, site_file_limit, "the site file")},
                           "the site file used: " + s.site_file});
    std::vector<ZipMember> members;
    members.push_back({"README.txt", readme(r, entries)});
    for (auto& e : entries)
        members.push_back(std::move(e.member));
    redact_all(members, s.secrets);
    return members;
}

fs::path last_run_folder() {
#ifdef _WIN32
    const wchar_t* base = _wgetenv(L"LOCALAPPDATA");
    if (!base || !*base) throw std::runtime_error("LOCALAPPDATA is not set");
    return fs::path(base) / "preflight" / "last-run";
#else
    const char* state = std::getenv("XDG_STATE_HOME");
    // The XDG spec ignores a relative value.
    if (state && *state == '/') return fs::path(state) / "preflight" / "last-run";
    const char* home = std::getenv("HOME");
    if (!home || *home != '/') throw std::runtime_error("neither XDG_STATE_HOME nor HOME is set");
    return fs::path(home) / ".local" / "state" / "preflight" / "last-run";
#endif
}

void keep_last_run(const std::vector<ZipMember>& members) {
    static std::atomic<int> serial{0};
    fs::path dir = last_run_folder();
    fs::create_directories(dir.parent_path());
    std::string unique = std::to_string(getpid()) + "-" + std::to_string(serial++);
    fs::path fresh = dir.parent_path() / ("last-run.new-" + unique);
    fs::path old = dir.parent_path() / ("last-run.old-" + unique);
    try {
        fs::create_directory(fresh);
        for (const auto& m : members)
            write_new_file((fresh / folder_file_name(m.name)).string(), m.content);
    } catch (const std::exception&) {
        std::error_code ec;
        fs::remove_all(fresh, ec);
        throw;
    }
    // Runs that end together (a test suite, two scheduled tasks) race for
    // the folder: the one that loses leaves the other's copy in place, which
    // is a last run too, and says nothing.
    std::error_code ec;
    fs::rename(dir, old, ec);
    fs::rename(fresh, dir, ec);
    if (ec) {
        std::error_code ignored;
        fs::remove_all(fresh, ignored);
        // Put the previous run back when nothing took its place.
        if (!fs::exists(dir, ignored)) fs::rename(old, dir, ignored);
    }
    remove_folder(old);
}

void write_bundle(const std::string& path, const std::vector<ZipMember>& members,
                  std::chrono::system_clock::time_point when) {
    write_file_atomically(path, make_zip(members, when));
}

int bundle_command(const std::string& path) {
    fs::path dir;
    try {
        dir = last_run_folder();
    } catch (const std::runtime_error& e) {
        throw InputError(std::string("bundle: no folder for the last run: ") + e.what());
    }
    std::error_code ec;
    if (!fs::is_regular_file(dir / "README.txt", ec))
        throw InputError("bundle: no run is kept in " + dir.string() +
                         " yet: run 'preflight run' first");
    std::vector<ZipMember> members;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::string name = member_from_folder(e.path().filename().string());
        // Dot files are a write that never finished (write_file_atomically).
        if (name.starts_with(".") || !plain_member_name(name)) continue;
        // A report of a large run is a few MB; this bounds a mistaken file.
        members.push_back(
            {name, read_input_file(e.path().string(), 64u << 20, "a file of the last run")});
    }
    std::sort(members.begin(), members.end(), [](const ZipMember& a, const ZipMember& b) {
        return std::pair(a.name != "README.txt", a.name) <
               std::pair(b.name != "README.txt", b.name);
    });
    auto when = std::chrono::time_point_cast<std::chrono::system_clock::duration>(
        std::chrono::file_clock::to_sys(fs::last_write_time(dir / "README.txt")));
    try {
        write_bundle(path, members, when);
    } catch (const std::runtime_error& e) {
        throw InputError(e.what());
    }
    std::cout << "bundle: " << path << "\n";
    return 0;
}

} // namespace pf
