#include "app/bundle.hpp"
#include "app/commands.hpp"
#include "app/console_log.hpp"
#include "app/registries.hpp"
#include "base/build_info.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/write_file.hpp"
#include "core/loader.hpp"
#include "core/runner.hpp"
#include "core/secrets.hpp"
#include "core/site.hpp"
#include "hardware/facts_json.hpp"
#include "pki/trust_material.hpp"
#include "reports/baseline.hpp"
#include "reports/console.hpp"
#include "reports/nagios.hpp"
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <sstream>
#ifdef _WIN32
#include <io.h>
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#define isatty _isatty
#define fileno _fileno
#else
#include <sys/ioctl.h>
#include <unistd.h>
#endif

namespace pf {

namespace {

void merge_command_line(const RunOptions& o, const Checklist& c, RunSettings& s) {
    for (const auto& set : o.sets) {
        auto eq = set.find('=');
        if (eq == std::string::npos || eq == 0)
            throw InputError(render(msg("cli.error.set_syntax", {{"value", set}})));
        auto name = set.substr(0, eq);
        s.values[name] = SettingValue{set.substr(eq + 1), "--set " + name};
    }
    if (!o.services.empty()) {
        s.services_origin = "--service";
        std::stringstream ss(o.services);
        for (std::string item; std::getline(ss, item, ',');) {
            if (item.empty()) continue;
            if (item == "all")
                for (const auto& d : c.services)
                    s.services.insert(d.id);
            else
                s.services.insert(item);
        }
    }
    if (o.timeout_seconds)
        s.timeout = std::chrono::milliseconds(static_cast<long long>(*o.timeout_seconds * 1000));
    s.selection.only = parse_select_patterns(o.only, "--only");
    s.selection.skip = parse_select_patterns(o.skip, "--skip");
    if (o.idle_seconds)
        s.hold = std::chrono::milliseconds(static_cast<long long>(*o.idle_seconds * 1000));
    if (o.max_time_seconds)
        s.budget = std::chrono::milliseconds(static_cast<long long>(*o.max_time_seconds * 1000));
}

// preflight-<host>-<UTC time>: no colons, so the name is valid on Windows too.
std::string default_report_stem(const HostFacts& f, std::chrono::system_clock::time_point t) {
    std::string ts = utc_timestamp(t);
    std::string compact;
    for (char ch : ts)
        if (ch != '-' && ch != ':') compact += ch;
    std::string host = f.hostname.empty() ? "host" : f.hostname;
    for (char& ch : host)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
    return "preflight-" + host + "-" + compact;
}

// The width the progress line must stay within; 80 when the terminal does
// not say.
std::size_t terminal_columns(FILE* stream) {
#ifdef _WIN32
    CONSOLE_SCREEN_BUFFER_INFO info;
    HANDLE h = GetStdHandle(stream == stderr ? STD_ERROR_HANDLE : STD_OUTPUT_HANDLE);
    if (GetConsoleScreenBufferInfo(h, &info)) {
        int cols = info.srWindow.Right - info.srWindow.Left + 1;
        if (cols > 0) return static_cast<std::size_t>(cols);
    }
#else
    winsize ws{};
    if (ioctl(fileno(stream), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
#endif
    return 80;
}

std::string absolute_path(const std::string& path) {
    std::error_code ec;
    auto p = std::filesystem::absolute(std::filesystem::path(path), ec);
    return ec ? path : p.lexically_normal().string();
}

void write_report(const ReportFormat& f, const RunReport& r, const std::string& path) {
    if (path == "-") {
        f.write(r, std::cout);
        std::cout << std::flush;
    } else {
        write_file_atomically(path, [&](std::ostream& out) { f.write(r, out); });
    }
}

// --proxy wins over the site file, which wins over HTTPS_PROXY; the password
// always comes from a secret source, never from the command line.
ProxyConfig proxy_settings(const RunOptions& o, const SiteFile& site) {
    ProxyConfig p;
    std::string password_source = o.proxy_password;
    if (!o.proxy.empty()) {
        p = parse_proxy_url(o.proxy, "--proxy", false);
    } else if (!site.proxy_url.empty()) {
        p = parse_proxy_url(site.proxy_url, site.proxy_origin, false);
        if (!site.proxy_user.empty()) p.user = site.proxy_user;
        p.no_proxy = split_no_proxy(site.no_proxy);
        if (password_source.empty()) password_source = site.proxy_password_source;
    } else {
        p = proxy_from_environment();
    }
    if (!o.no_proxy.empty()) p.no_proxy = split_no_proxy(o.no_proxy);
    if (!password_source.empty()) {
        if (!p.configured())
            throw InputError(render(msg("cli.error.proxy_password_without_proxy")));
        p.password = read_secret(
            password_source, render(msg("cli.error.proxy_password_for", {{"proxy", p.display()}})));
    }
    return p;
}

// Whether the check verifies a certificate chain with the run's trust
// material (its kind says so where it is registered).
bool verifies_chains(const PlannedCheck& pc) {
    return !pc.skip && pc.kind && pc.kind->verifies_chains;
}

// Reads the run's trust material on the other core while this one reads the
// host's facts and starts the checks: otherwise the first TLS check reads it
// on the event loop (~1 ms, most of it OpenSSL's first certificate decoding),
// and every check waits. Not the public roots: most runs never compare with
// them, and the run would wait at its end for a directory of 140 files.
// A failure is left for the check that needs the material to report.
std::future<void> prime_trust(asio::io_context& io, const TlsSettings& tls,
                              const std::vector<PlannedCheck>& plan) {
    if (std::none_of(plan.begin(), plan.end(), verifies_chains)) return {};
    return std::async(std::launch::async, [&io, tls] {
        try {
            run_trust(io, tls);
        } catch (const std::exception&) {
        }
    });
}

// --history DIR: the reports there are named by their UTC start, so that
// name order is time order.
constexpr std::string_view history_prefix = "preflight-report-";

std::vector<std::filesystem::path> history_reports(const std::string& dir) {
    namespace fs = std::filesystem;
    std::vector<fs::path> found;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return found;
    if (!fs::is_directory(dir, ec))
        throw InputError(render(msg("cli.error.history_not_directory", {{"path", dir}})));
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string name = e.path().filename().string();
        if (e.is_regular_file(ec) && name.starts_with(history_prefix) && name.ends_with(".json"))
            found.push_back(e.path());
    }
    if (ec) throw InputError("--history " + dir + ": " + ec.message());
    std::sort(found.begin(), found.end());
    return found;
}

// Milliseconds too: runs a scheduler starts back to back keep their own file.
std::string history_file(const std::string& dir, std::chrono::system_clock::time_point t) {
    std::string compact;
    for (char ch : utc_timestamp(t))
        if (ch != '-' && ch != ':') compact += ch;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    std::string milli = std::to_string(1000 + ms % 1000).substr(1);
    return (std::filesystem::path(dir) /
            (std::string(history_prefix) + compact + "-" + milli + ".json"))
        .string();
}

// Oldest first, until keep are left.
void prune_history(const std::string& dir, std::size_t keep) {
    auto all = history_reports(dir);
    for (std::size_t i = 0; i + keep < all.size(); ++i) {
        std::error_code ec;
        std::filesystem::remove(all[i], ec);
    }
}

// Whether the per-user last-run folder took the run, and the files of
// --bundle; made on a thread of its own while the reports are written.
struct Kept {
    std::string keep_error;         // the last-run folder kept the previous run
    std::vector<ZipMember> members; // only with --bundle
    std::string members_error;      // the bundle's files could not be made
};

Kept keep_run(const BundleSources& sources, bool bundle) {
    Kept k;
    try {
        keep_last_run(sources);
    } catch (const std::exception& e) {
        k.keep_error = e.what();
    }
    if (!bundle) return k;
    try {
        k.members = bundle_members(sources);
    } catch (const std::exception& e) {
        k.members_error = e.what();
    }
    return k;
}

// Says what keep_run could not do and writes --bundle. Not keeping the run
// changes nothing for this run; a bundle asked for and not written is as a
// report not written (exit 3).
int finish_bundle(const Kept& k, const RunOptions& o, const RunReport& report, int rc) {
    bool plugin = plugin_on_stdout(o.reports);
    if (!k.keep_error.empty() && !plugin)
        std::cerr << "preflight: "
                  << render(msg("cli.error.last_run_not_kept", {{"detail", k.keep_error}})) << "\n";
    if (o.bundle.empty()) return rc;
    if (!k.members_error.empty()) {
        if (!plugin)
            std::cerr << "preflight: "
                      << render(msg("cli.error.bundle_not_made", {{"detail", k.members_error}}))
                      << "\n";
        return exit_could_not_run;
    }
    try {
        write_bundle(o.bundle, k.members, report.started);
        if (!report_on_stdout(o.reports))
            std::cout << render(msg("cli.info.bundle_written", {{"path", o.bundle}})) << "\n";
    } catch (const std::exception& e) {
        if (!plugin) std::cerr << "preflight: " << e.what() << "\n";
        return exit_could_not_run;
    }
    return rc;
}

} // namespace

int run_command(const RunOptions& o) {
    // --max-time counts from here: reading host facts takes its share.
    const auto begun = std::chrono::steady_clock::now();
    // Checked as given, before the site file, the checklist or any secret
    // is read: a password typed here must not get further.
    if (!o.proxy_password.empty())
        require_secret_source(o.proxy_password, "--proxy-password",
                              render(msg("cli.error.proxy_password")));
    auto outputs = o.reports;
    if (!o.bundle.empty()) outputs.emplace_back("bundle", o.bundle);
    refuse_shared_paths(outputs);
    SiteFile site;
    if (!o.site_file.empty()) site = load_site_file(o.site_file);
    if (site.lang && !o.lang_given) set_active_language(*site.lang);
    // The previous run is read before any secret is read or anything is sent: a bad file is the
    // user's input (exit 3), not a finding of this run.
    std::optional<Baseline> baseline;
    if (!o.baseline.empty()) {
        baseline = read_baseline(o.baseline);
    } else if (!o.history_dir.empty()) {
        auto previous = history_reports(o.history_dir);
        if (!previous.empty()) baseline = read_baseline(previous.back().string());
    }
    if (o.fail_on_new && o.baseline.empty() && o.history_dir.empty())
        throw InputError(render(msg("cli.error.fail_on_new")));
    std::string name = !o.checklist.empty()      ? o.checklist
                       : !site.checklist.empty() ? site.checklist
                                                 : "acc-saas";
    Checklist c = load_checklist(name, builtin_probes());

    RunSettings settings = site.settings;
    merge_command_line(o, c, settings);
    auto plan = plan_run(c, builtin_probes(), settings);

    RunEnvironment env;
    env.users = o.users ? o.users : site.users;
    env.servers = o.servers ? o.servers : site.servers;
    env.proxy = proxy_settings(o, site);
    env.tls = tls_flags(o.ca_files, o.trust_store, o.expiry_warn_days, o.expiry_fail_days);
    env.tls.public_roots = o.public_roots;
    if (o.idle_seconds)
        env.tls.idle = std::chrono::milliseconds(static_cast<long long>(*o.idle_seconds * 1000));
    asio::io_context io;
    auto primed = prime_trust(io, env.tls, plan);
    env.facts = o.facts_file.empty() ? read_host_facts(install_path_or_default(o.install_path))
                                     : load_facts_file(o.facts_file);

    std::ostream& console_out = console_stream(o.reports);
    FILE* console_file = &console_out == &std::cerr ? stderr : stdout;
    bool tty = isatty(fileno(console_file)) != 0;
    ConsoleOptions copts;
    copts.color = tty && std::getenv("NO_COLOR") == nullptr;
    copts.live = tty;
    copts.width = tty ? terminal_columns(console_file) : 80;
    copts.redraw = std::chrono::milliseconds(250);
    copts.quiet = o.quiet;
    auto console = make_console_reporter(console_out, copts);
    // The support bundle's console.log: the same lines, plain.
    ConsoleLog log_text;
    ConsoleOptions log_opts;
    log_opts.quiet = o.quiet;
    auto log = make_console_reporter(log_text.stream(), log_opts);
    BothObservers observers(*console, *log);

    if (settings.budget)
        fit_to_budget(plan, c, settings,
                      *settings.budget - std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - begun));

    RunReport report;
    report.tool_version = build_info().version;
    report.tool_commit = build_info().commit;
    report.tool_target = build_info().target;
    report.checklist = &c;
    report.facts = env.facts;
    report.services.assign(settings.services.begin(), settings.services.end());
    report.settings = effective_settings(c, settings);
    report.expiry_warn_days = env.tls.expiry_warn_days;
    report.expiry_fail_days = env.tls.expiry_fail_days;
    report.command_line = o.command_line;
    report.lang = active_language();
    report.site_file = o.site_file;
    report.users = env.users;
    report.servers = env.servers;
    report.fail_on_new = o.fail_on_new;
    report.junit_prefix = o.junit_prefix;
    report.junit_warn_fail = o.junit_warn == "fail";
    report.started = std::chrono::system_clock::now();

    RunnerOptions ropts;
    ropts.jobs = o.jobs;
    Runner runner(io, env, ropts, &observers);
    report.results = runner.run(plan);
    report.finished = std::chrono::system_clock::now();
    report.interrupted = runner.interrupted();
    report.counts = count(report.results);
    if (baseline) report.changes = compare_runs(*baseline, report);
    observers.run_finished(report);

    auto files = o.reports;
    // --report-dir asks for the default-named reports, also beside others:
    // a scheduled task keeps its HTML and JUnit there while --nagios - or
    // --prom feed the monitoring. Absolute, because a scheduled task's
    // working directory (C:\Windows\System32) is no place to look for them.
    if (files.empty() || !o.report_dir.empty()) {
        auto stem = default_report_stem(env.facts, report.started);
        std::string dir;
        if (!o.report_dir.empty())
            dir = (std::filesystem::absolute(std::filesystem::path(o.report_dir)) / "").string();
        for (const auto& f : builtin_reports())
            if (f.written_by_default) files.emplace_back(f.name, dir + stem + f.extension);
    }
    if (!o.history_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(o.history_dir, ec);
        files.emplace_back("json", history_file(o.history_dir, report.started));
    }
    BundleSources sources;
    sources.report = &report;
    sources.checklist = &c;
    sources.site_file = o.site_file;
    sources.console_log = &log_text;
    if (env.proxy.password) sources.secrets.push_back(env.proxy.password);
    for (const auto& pc : plan)
        for (const auto& [name, secret] : pc.args.secrets())
            sources.secrets.push_back(secret);
    // The bundle's three reports and the last-run folder (a dozen file
    // operations, each of which can wait for the disk's journal) on the
    // other core while this one writes the reports asked for: the run ends
    // when the slower of the two does, not after both.
    auto kept = std::async(std::launch::async, [&sources, bundle = !o.bundle.empty()] {
        return keep_run(sources, bundle);
    });
    int rc = write_reports(report, files);
    if (!o.history_dir.empty()) prune_history(o.history_dir, o.history_keep);
    return finish_bundle(kept.get(), o, report, rc);
}

TlsSettings tls_flags(const std::vector<std::string>& ca_files, const std::string& trust_store,
                      std::optional<int> expiry_warn_days, std::optional<int> expiry_fail_days) {
    TlsSettings tls;
    tls.trust.ca_files = ca_files;
    tls.trust.system_file = trust_store;
    if (expiry_warn_days) tls.expiry_warn_days = *expiry_warn_days;
    if (expiry_fail_days) tls.expiry_fail_days = *expiry_fail_days;
    tls.expiry_from_flags = expiry_warn_days || expiry_fail_days;
    if (tls.expiry_fail_days > tls.expiry_warn_days)
        throw InputError(render(msg("cli.error.expiry_order", {{"fail", tls.expiry_fail_days},
                                                               {"warn", tls.expiry_warn_days}})));
    return tls;
}

bool report_on_stdout(const std::vector<std::pair<std::string, std::string>>& files) {
    for (const auto& [fmt, path] : files)
        if (path == "-") return true;
    return false;
}

bool plugin_on_stdout(const std::vector<std::pair<std::string, std::string>>& files) {
    return std::find(files.begin(), files.end(),
                     std::pair<std::string, std::string>("nagios", "-")) != files.end();
}

std::ostream& console_stream(const std::vector<std::pair<std::string, std::string>>& files) {
    // A monitoring system reads standard output as the check's result, and
    // Icinga 2 merges standard error into it: with plugin output there, the
    // console says nothing. Another report on standard output (--json -)
    // is read by a script that leaves standard error to the person.
    static std::ostream silent(nullptr);
    if (plugin_on_stdout(files)) return silent;
    return report_on_stdout(files) ? std::cerr : std::cout;
}

int write_reports(const RunReport& report,
                  const std::vector<std::pair<std::string, std::string>>& files) {
    int rc = exit_code(report);
    bool quiet = report_on_stdout(files);
    std::string failure;
    bool plugin = plugin_on_stdout(files);
    // Files first, standard output last: the plugin line must not say OK
    // when the run exits 3 because a report could not be written.
    for (bool to_stdout : {false, true})
        for (const auto& [fmt, path] : files) {
            if ((path == "-") != to_stdout) continue;
            if (to_stdout && fmt == "nagios" && !failure.empty()) {
                write_nagios_unknown(failure, std::cout);
                continue;
            }
            for (const auto& f : builtin_reports())
                if (f.name == fmt) {
                    try {
                        write_report(f, report, path);
                        // Absolute: the admin copies it into a ticket or a browser.
                        if (!quiet)
                            std::cout
                                << render(msg("console.report_written",
                                              {{"format", f.name}, {"path", absolute_path(path)}}))
                                << "\n";
                    } catch (const std::exception& e) {
                        // The plugin line carries it; Icinga 2 would put
                        // standard error before that line.
                        if (!plugin) std::cerr << "preflight: " << e.what() << "\n";
                        if (failure.empty()) failure = e.what();
                        rc = exit_could_not_run;
                    }
                }
        }
    return rc;
}

} // namespace pf
