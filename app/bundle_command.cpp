#include "app/bundle.hpp"
#include "app/cli_help.hpp"
#include "app/commands.hpp"
#include "app/console_log.hpp"
#include "app/registries.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/human_format.hpp"
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
#include <fstream>
#include <functional>
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

// A file the bundle holds, and the line README.txt gives it. Reports are
// written as they are rendered: the last-run folder of a run of thousands of
// checks never holds its HTML, JSON and JUnit reports in memory together.
struct Entry {
    ZipMember member; // content is empty when write is set
    std::string about;
    std::function<void(std::ostream&)> write;
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

Entry report_entry(const std::string& name, const std::string& format, const RunReport& r,
                   std::string about) {
    for (const auto& f : builtin_reports())
        if (f.name == format)
            return {{name, {}}, std::move(about), [&f, &r](std::ostream& out) { f.write(r, out); }};
    throw std::logic_error("no report format " + format);
}

// The checklist as it was read: the compiled-in text of a built-in one.
Entry checklist_entry(const Checklist& c) {
    constexpr std::string_view builtin = "builtin:";
    if (c.origin.starts_with(builtin)) {
        std::string name = c.origin.substr(builtin.size());
        for (const auto& e : embedded_checklists())
            if (e.name == name)
                return {{"checklist-" + name + ".xml", {}},
                        render(msg("bundle.readme.builtin_checklist", {{"name", name}})),
                        [&e](std::ostream& out) { out << e.text; }};
    }
    // Copied as it is read: a generated checklist of thousands of checks is
    // a few MB that the run need not hold.
    std::string path = c.origin;
    return {{member_file_name("checklist-", c.origin), {}},
            render(msg("bundle.readme.checklist_file", {{"path", c.origin}})),
            [path](std::ostream& out) {
                std::ifstream in(path, std::ios::binary);
                if (!in || !(out << in.rdbuf()))
                    throw std::runtime_error(
                        render(msg("cli.error.bundle_checklist_unreadable", {{"path", path}})));
            }};
}

std::string command_line_text(const std::vector<std::string>& args) {
    std::string line;
    for (const auto& a : args)
        line += (line.empty() ? "" : " ") +
                (a.find_first_of(" \t\"'") == std::string::npos ? a : "\"" + a + "\"");
    return line;
}

// The README in the run's language (the active catalog); the start time as
// the reports show it to a person: ISO in English, 2027年1月14日 in Japanese.
std::string readme(const RunReport& r, const std::vector<Entry>& entries) {
    std::ostringstream out;
    const std::string title = render(msg("bundle.readme.title"));
    out << title << "\r\n" << std::string(columns(title), '=') << "\r\n\r\n";
    const std::string started =
        active_language() == Language::ja ? date_time_text(r.started) : utc_timestamp(r.started);
    const std::pair<std::string, std::string> header[] = {
        {render(msg("bundle.readme.host")), r.facts.hostname},
        {render(msg("bundle.readme.started")), started},
        {render(msg("bundle.readme.version")), r.tool_version},
        {render(msg("bundle.readme.exit_code")),
         render(msg("bundle.readme.exit_meaning", {{"code", exit_code(r)}}))},
        {render(msg("bundle.readme.command_line")), command_line_text(r.command_line)},
    };
    std::size_t label_width = 0;
    for (const auto& [label, value] : header)
        label_width = std::max(label_width, columns(label));
    for (const auto& [label, value] : header)
        out << label << std::string(label_width + 1 - columns(label), ' ') << value << "\r\n";
    out << "\r\n" << render(msg("bundle.readme.files")) << "\r\n";
    std::size_t width = columns("README.txt");
    for (const auto& e : entries)
        width = std::max(width, columns(e.member.name));
    auto row = [&](const std::string& name, const std::string& about) {
        out << "  " << name << std::string(width + 2 - columns(name), ' ') << about << "\r\n";
    };
    row("README.txt", render(msg("bundle.readme.this_file")));
    for (const auto& e : entries)
        row(e.member.name, e.about);
    out << "\r\n"
        << render(msg("bundle.readme.secrets_1")) << "\r\n"
        << render(msg("bundle.readme.secrets_2")) << "\r\n\r\n"
        << render(msg("bundle.readme.folder_1")) << "\r\n"
        << render(msg("bundle.readme.folder_2")) << "\r\n"
        << render(msg("bundle.readme.folder_3")) << "\r\n"
        << render(msg("bundle.readme.folder_4")) << "\r\n";
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

bool any_secret(const std::vector<SecretRef>& secrets) {
    return std::any_of(secrets.begin(), secrets.end(),
                       [](const SecretRef& s) { return s && !s->empty(); });
}

// Defence in depth: nothing preflight writes carries a secret, and a member
// that did would still not leave the host with it.
void redact_all(std::string& content, const std::vector<SecretRef>& secrets) {
    for (const auto& s : secrets)
        if (s && !s->empty()) redact(content, *s);
}

// README.txt first, then the entries.
std::vector<Entry> bundle_entries(const BundleSources& s) {
    const RunReport& r = *s.report;
    std::vector<Entry> entries;
    entries.push_back(report_entry("report.html", "html", r, render(msg("bundle.readme.html"))));
    entries.push_back(report_entry("report.json", "json", r, render(msg("bundle.readme.json"))));
    entries.push_back(
        report_entry("report.junit.xml", "junit", r, render(msg("bundle.readme.junit"))));
    entries.push_back(
        {{"console.log", {}}, render(msg("bundle.readme.console")), [&s](std::ostream& out) {
             if (s.console_log) s.console_log->copy_to(out);
         }});
    entries.push_back(
        {{"facts.json", facts_to_json(r.facts) + "\n"}, render(msg("bundle.readme.facts")), {}});
    if (s.checklist) entries.push_back(checklist_entry(*s.checklist));
    if (!s.site_file.empty())
        entries.push_back({{member_file_name("site-", s.site_file),
                            read_input_file(s.site_file, site_file_limit,
                                            render(msg("cli.error.bundle_site_file")))},
                           render(msg("bundle.readme.site_file", {{"path", s.site_file}})),
                           {}});
    Entry head{{"README.txt", readme(r, entries)}, "", {}};
    entries.insert(entries.begin(), std::move(head));
    return entries;
}

// The entry's whole content, rendered when it is a report.
std::string entry_text(Entry& e, const std::vector<SecretRef>& secrets) {
    std::string content = std::move(e.member.content);
    if (e.write) {
        std::ostringstream out;
        e.write(out);
        content = std::move(out).str();
    }
    redact_all(content, secrets);
    return content;
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
    std::vector<ZipMember> members;
    for (auto& e : bundle_entries(s))
        members.push_back({e.member.name, entry_text(e, s.secrets)});
    return members;
}

fs::path last_run_folder() {
#ifdef _WIN32
    const wchar_t* base = _wgetenv(L"LOCALAPPDATA");
    if (!base || !*base) throw std::runtime_error(render(msg("cli.error.no_localappdata")));
    return fs::path(base) / "preflight" / "last-run";
#else
    const char* state = std::getenv("XDG_STATE_HOME");
    // The XDG spec ignores a relative value.
    if (state && *state == '/') return fs::path(state) / "preflight" / "last-run";
    const char* home = std::getenv("HOME");
    if (!home || *home != '/') throw std::runtime_error(render(msg("cli.error.no_home")));
    return fs::path(home) / ".local" / "state" / "preflight" / "last-run";
#endif
}

namespace {

// A name no other run and no other call of this run uses.
std::string unique_suffix() {
    static std::atomic<int> serial{0};
    return std::to_string(getpid()) + "-" + std::to_string(serial++);
}

} // namespace

ConsoleLog::ConsoleLog() {
    try {
        fs::path dir = last_run_folder().parent_path();
        fs::create_directories(dir);
        path_ = dir / ("console.log.tmp-" + unique_suffix());
        file_.open(path_, std::ios::in | std::ios::out | std::ios::trunc | std::ios::binary);
    } catch (const std::exception&) {
        // No folder for it (no HOME, no LOCALAPPDATA): the log stays in memory.
    }
    if (!file_.is_open()) path_.clear();
}

ConsoleLog::~ConsoleLog() {
    if (path_.empty()) return;
    file_.close();
    std::error_code ec;
    fs::remove(path_, ec);
}

void ConsoleLog::copy_to(std::ostream& out) const {
    if (!file_.is_open()) {
        out << memory_.view();
        return;
    }
    file_.flush();
    std::ifstream in(path_, std::ios::binary);
    char chunk[16384];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0)
        out.write(chunk, in.gcount());
}

void keep_last_run(const BundleSources& s) {
    fs::path dir = last_run_folder();
    fs::create_directories(dir.parent_path());
    std::string unique = unique_suffix();
    fs::path fresh = dir.parent_path() / ("last-run.new-" + unique);
    fs::path old = dir.parent_path() / ("last-run.old-" + unique);
    try {
        fs::create_directory(fresh);
        // Without a secret to look for, a report goes to its file as it is
        // rendered; with one, each is held only while it is checked.
        const bool secrets = any_secret(s.secrets);
        for (auto& e : bundle_entries(s)) {
            auto path = (fresh / folder_file_name(e.member.name)).string();
            if (e.write && !secrets)
                write_new_file(path, e.write);
            else
                write_new_file(path, entry_text(e, s.secrets));
        }
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
        throw InputError(render(msg("cli.error.no_last_run_folder", {{"detail", e.what()}})));
    }
    std::error_code ec;
    if (!fs::is_regular_file(dir / "README.txt", ec))
        throw InputError(render(msg("cli.error.no_kept_run", {{"folder", dir.string()}})));
    std::vector<ZipMember> members;
    for (const auto& e : fs::directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::string name = member_from_folder(e.path().filename().string());
        // Dot files are a write that never finished (write_file_atomically).
        if (name.starts_with(".") || !plain_member_name(name)) continue;
        // A report of a large run is a few MB; this bounds a mistaken file.
        members.push_back({name, read_input_file(e.path().string(), 64u << 20,
                                                 render(msg("cli.error.last_run_file")))});
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
    std::cout << render(msg("cli.info.bundle_written", {{"path", path}})) << "\n";
    return 0;
}

} // namespace pf
