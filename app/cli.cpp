#include "app/cli_help.hpp"
#include "app/commands.hpp"
#include "app/registries.hpp"
#include "app/version_text.hpp"
#include "base/errors.hpp"
#include "base/param_types.hpp"
#include "base/terminal_text.hpp"
#include "core/run_report.hpp"
#include "reports/nagios.hpp"
#include <CLI/CLI.hpp>
#include <cctype>
#include <charconv>
#include <cmath>
#include <iostream>
#include <string_view>

namespace pf {

namespace {

// CLI11's Range lets NaN through (every comparison with it is false) and an
// unsigned option reads "-5" as 18446744073709551611: numbers are checked
// here, as text, before CLI11 converts them.
CLI::Validator number_in(NumberBounds b, bool whole) {
    std::string what = (whole ? "a whole number from " : "a number from ") + bounds_text(b);
    return CLI::Validator(
        [b, whole, what](std::string& text) -> std::string {
            double v = 0;
            if (whole) {
                auto n = parse_integer(text);
                if (!n) return "expected " + what + ", not '" + text + "'";
                v = static_cast<double>(*n);
            } else {
                auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
                if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
                    !std::isfinite(v))
                    return "expected " + what + ", not '" + text + "'";
            }
            if (v < b.min || v > b.max) return "expected " + what + ", not '" + text + "'";
            return {};
        },
        what);
}

// --max-time keeps a second for stopping late checks and writing reports;
// a day is far beyond any schedule's interval.
constexpr NumberBounds max_time_bounds{2, 86400};

// A JUnit prefix is a host name or a short label: it becomes part of CI's
// class names, where a space or a slash would split or nest them.
CLI::Validator junit_prefix_text() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            bool ok = !text.empty() && text.size() <= 253;
            for (char c : text)
                if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' &&
                    c != '_')
                    ok = false;
            if (!ok)
                return "expected 1 to 253 letters, digits, '.', '-' or '_', not '" +
                       terminal_safe(text.substr(0, 300)) + "'";
            return {};
        },
        "HOST");
}

// A monitoring system shows only standard output: the plugin's UNKNOWN line
// there says why the check could not run.
void could_not_run(const std::string& why,
                   const std::vector<std::pair<std::string, std::string>>& reports) {
    if (plugin_on_stdout(reports)) return write_nagios_unknown(why, std::cout);
    std::cerr << "preflight: " << terminal_safe(why) << "\n";
}

// Whether the command line asks for plugin output on standard output, read
// from the raw arguments when they did not parse: a mistyped option in a
// Nagios command definition then still reads as UNKNOWN with its reason.
bool nagios_requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--nagios=-" ||
            (a == "--nagios" && i + 1 < argc && std::string_view(argv[i + 1]) == "-"))
            return true;
    }
    return false;
}

} // namespace

int cli_main(int argc, char** argv) {
    CLI::App app{
        "preflight: checks a server against the AirWatch Cloud Connector (ACC) prerequisites\n"
        "and says, for each, what passes, what fails and why, and how to fix it.",
        "preflight"};
    use_preflight_help(app);
    app.set_version_flag("--version", [] {
        auto text = version_text();
        if (!text.empty() && text.back() == '\n') text.pop_back(); // CLI11 adds one
        return text;
    });
    app.require_subcommand(1);
    app.footer(
        "Exit codes: 0 all passed, 1 warnings only, 2 at least one failure, 3 could not run\n"
        "(bad input, or the run was interrupted).");

    RunOptions ro;
    auto* run = app.add_subcommand("run", "Run a checklist and write reports");
    run->add_option("--checklist", ro.checklist,
                    "Built-in checklist NAME or a FILE (default: acc-saas)")
        ->type_name("NAME|FILE");
    run->add_option("--site", ro.site_file,
                    "Site FILE with this installation's parameters and services")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    run->add_option("--set", ro.sets, "Set a checklist parameter: NAME=VALUE (repeatable)")
        ->type_name("NAME=VALUE");
    run->add_option(
           "--service", ro.services,
           "Integration services to check, comma-separated (e.g. ldap,smtp); 'all' for every one")
        ->type_name("LIST");
    run->add_option("--users", ro.users, "Number of users the deployment serves (sizing table)")
        ->check(number_in(users_bounds, true))
        ->type_name("N");
    run->add_option("--servers", ro.servers, "Number of ACC servers planned (sizing table)")
        ->check(number_in({1, 1000}, true))
        ->type_name("N");
    run->add_option("--timeout", ro.timeout_seconds,
                    "Deadline in SECONDS for each check that does not set its own")
        ->check(number_in(timeout_bounds, false))
        ->type_name("SECONDS");
    run->add_option("--jobs", ro.jobs,
                    "At most N checks at once (default: no cap; sockets and TLS handshakes "
                    "are limited by what the host allows)")
        ->check(number_in({1, 4096}, true))
        ->type_name("N");
    run->add_option("--install-path", ro.install_path,
                    "Where the ACC will be installed: free disk space is measured there")
        ->type_name("DIR");
    // --html FILE, --junit FILE, …: one option per report format.
    auto add_report_options = [](CLI::App* cmd, std::vector<std::string>& files) {
        files.resize(builtin_reports().size());
        for (std::size_t i = 0; i < builtin_reports().size(); ++i) {
            const auto& f = builtin_reports()[i];
            cmd->add_option("--" + f.name, files[i], "Write the " + f.help + " to FILE")
                ->type_name("FILE");
        }
    };
    auto chosen_reports = [](const std::vector<std::string>& files) {
        std::vector<std::pair<std::string, std::string>> out;
        for (std::size_t i = 0; i < files.size(); ++i)
            if (!files[i].empty()) out.emplace_back(builtin_reports()[i].name, files[i]);
        return out;
    };
    auto add_trust_options = [](CLI::App* cmd, std::vector<std::string>& ca_files,
                                std::string& trust_store) {
        cmd->add_option("--ca-file", ca_files,
                        "Also trust the CA certificates in this PEM FILE (repeatable)")
            ->check(CLI::ExistingFile)
            ->type_name("FILE");
        cmd->add_option("--trust-store", trust_store,
                        "Use the roots in this PEM FILE instead of the system's trust store")
            ->check(CLI::ExistingFile)
            ->type_name("FILE");
    };
    auto add_expiry_options = [](CLI::App* cmd, std::optional<int>& warn,
                                 std::optional<int>& fail) {
        cmd->add_option("--expiry-warn", warn, "Warn about certificates expiring within DAYS (60)")
            ->check(number_in({0, 3650}, true))
            ->type_name("DAYS");
        cmd->add_option("--expiry-fail", fail, "Fail certificates expiring within DAYS (30)")
            ->check(number_in({0, 3650}, true))
            ->type_name("DAYS");
    };
    std::vector<std::string> report_files;
    add_report_options(run, report_files);
    run->add_option("--junit-prefix", ro.junit_prefix,
                    "First part of every JUnit classname and suite name (default: this host's "
                    "name, so the reports of several ACC servers merge into distinct cases)")
        ->check(junit_prefix_text())
        ->type_name("HOST");
    run->add_option("--junit-warn", ro.junit_warn,
                    "How JUnit reports a warning: skip (<skipped message=\"warning: ...\">, the "
                    "default) or fail (a <failure>, so CI goes red)")
        ->check(CLI::IsMember({"skip", "fail"}))
        ->type_name("skip|fail");
    run->add_option("--bundle", ro.bundle,
                    "Write a support bundle to FILE (.zip): the reports, the console output, the "
                    "host facts, the checklist and site file, with secrets only as their source")
        ->type_name("FILE");
    run->add_option(
           "--facts", ro.facts_file,
           "Evaluate the hardware, OS and .NET checks against FILE (from 'preflight facts --json' "
           "on another host) instead of this host")
        ->check(CLI::ExistingFile)
        ->type_name("FILE");
    run->add_option(
           "--proxy", ro.proxy,
           "Outbound proxy the ACC will use, http://[user@]host[:port] (default: the site file, "
           "then HTTPS_PROXY)")
        ->type_name("URL");
    run->add_option(
           "--proxy-password", ro.proxy_password,
           "Where the proxy password is: env:NAME, file:PATH or prompt (never the password itself)")
        ->type_name("SOURCE");
    run->add_option("--no-proxy", ro.no_proxy,
                    "Hosts reached without the proxy, comma-separated (as NO_PROXY)")
        ->type_name("LIST");
    add_trust_options(run, ro.ca_files, ro.trust_store);
    run->add_option(
           "--public-roots", ro.public_roots,
           "The public root bundle (default on Debian: the Mozilla bundle of ca-certificates); a "
           "trusted root missing from it was added locally, as TLS inspection does")
        ->check(CLI::ExistingPath)
        ->type_name("FILE|DIR");
    add_expiry_options(run, ro.expiry_warn_days, ro.expiry_fail_days);
    run->add_option("--idle", ro.idle_seconds,
                    "Idle time of the connection-persistence checks in SECONDS; 0 skips them")
        ->check(number_in({0, 3600}, false))
        ->type_name("SECONDS");
    run->add_option("--only", ro.only,
                    "Run only these checks: check ids, section ids or globs such as 'net.*', "
                    "comma-separated or repeated (see 'preflight list CHECKLIST')")
        ->type_name("PATTERN");
    run->add_option("--skip", ro.skip,
                    "Leave out these checks: check ids, section ids or globs, comma-separated or "
                    "repeated")
        ->type_name("PATTERN");
    run->add_option("--max-time", ro.max_time_seconds,
                    "Finish the whole run within SECONDS: longer deadlines are shortened, the "
                    "idle-connection check is skipped when its idle time does not fit")
        ->check(number_in(max_time_bounds, false))
        ->type_name("SECONDS");
    run->add_option("--report-dir", ro.report_dir,
                    "Write the default-named reports into DIR (default: the current directory)")
        ->check(CLI::ExistingDirectory)
        ->type_name("DIR");
    run->add_flag("--quiet,-q", ro.quiet, "Print only problems and the summary");
    run->add_option("--baseline", ro.baseline,
                    "Compare with this previous JSON report and say what changed")
        ->type_name("FILE");
    run->add_option("--history", ro.history_dir,
                    "Keep the JSON reports of the last runs in DIR and compare with the newest")
        ->type_name("DIR");
    run->add_option("--history-keep", ro.history_keep,
                    "How many JSON reports --history keeps (default 10)")
        ->check(number_in({1, 1000}, true))
        ->type_name("N");
    std::string fail_on = "any";
    run->add_option("--fail-on", fail_on,
                    "any: exit 2 on any failure (default); new: exit 2 only when a check fails "
                    "that did not in the previous run (needs --baseline or --history), else 0")
        ->check(CLI::IsMember({"any", "new"}))
        ->type_name("any|new");

    CertOptions co;
    auto* cert = app.add_subcommand(
        "cert", "Check certificate files (PEM, DER, .pfx/.p12) before installing them");
    cert->add_option("FILE", co.files, "Certificate files")->required()->check(CLI::ExistingFile);
    cert->add_option("--password", co.password,
                     "Where the .pfx/.p12 (or key) password is: env:NAME, file:PATH or prompt "
                     "(never the password itself)")
        ->type_name("SOURCE");
    cert->add_option("--profile", co.profile,
                     "none, server (needs --host), eas-client or apns (default: none)")
        ->type_name("NAME");
    cert->add_option("--host", co.host, "server profile: the host name clients connect to")
        ->type_name("NAME");
    cert->add_flag("--full-chain", co.full_chain,
                   "Every certificate of the chain must be in the file (AWCM's .pfx)");
    add_expiry_options(cert, co.expiry_warn_days, co.expiry_fail_days);
    cert->add_option("--max-time", co.max_time_seconds,
                     "Finish within SECONDS, as 'run --max-time' does (a scheduled check of "
                     "certificate files under a monitoring system's timeout)")
        ->check(number_in(max_time_bounds, false))
        ->type_name("SECONDS");
    add_trust_options(cert, co.ca_files, co.trust_store);
    std::vector<std::string> cert_reports;
    add_report_options(cert, cert_reports);
    cert->add_flag("--quiet,-q", co.quiet, "Print only problems and the summary");

    auto* facts =
        app.add_subcommand("facts", "Print this host's facts (hardware, OS, .NET, PowerShell)");
    bool facts_json = false;
    std::string facts_path, facts_output;
    facts->add_flag("--json", facts_json,
                    "As JSON, for 'preflight run --facts' on another machine");
    facts
        ->add_option("--install-path", facts_path,
                     "Where the ACC will be installed: free disk space is measured there")
        ->type_name("DIR");
    facts->add_option("--output,-o", facts_output, "Write to FILE instead of standard output")
        ->type_name("FILE");

    auto* list = app.add_subcommand(
        "list", "List the built-in checklists, or a checklist's sections and check ids");
    std::string list_checklist;
    list->add_option("CHECKLIST", list_checklist,
                     "List this checklist's check ids (built-in NAME or FILE), as --only and "
                     "--skip take them")
        ->type_name("NAME|FILE");
    bool list_probes = false;
    list->add_flag("--probes", list_probes,
                   "List the probe kinds a checklist can use, with their parameters");
    bool list_reasons = false;
    list->add_flag("--reasons", list_reasons,
                   "List the reason codes a verdict can carry (JSON \"reason\"), with their "
                   "meaning");

    auto* schema = app.add_subcommand("schema", "Print the JSON Schema of a report format");
    std::string schema_name;
    schema->add_option("NAME", schema_name, "report: the JSON report (--json)")->required();

    auto* explain = app.add_subcommand(
        "explain", "Explain a check: what it verifies, the guide's words, the fix");
    std::string check_id, explain_checklist;
    explain->add_option("CHECK-ID", check_id, "Check id, e.g. net.awcm-443")->required();
    explain
        ->add_option("--checklist", explain_checklist,
                     "Checklist NAME or FILE (default: all built-in)")
        ->type_name("NAME|FILE");

    auto* bundle = app.add_subcommand(
        "bundle", "Write the last run's support bundle: its reports, console output, host facts, "
                  "checklist and site file in one zip for a support ticket");
    std::string bundle_file;
    bundle->add_option("FILE", bundle_file, "The zip file to write")->required()->type_name("FILE");

    // Every command speaks the language chosen; the default is the user's.
    std::string lang;
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        sub->add_option("--lang", lang,
                        "Language of the output: ja or en (default: the site file's lang, else "
                        "the user's language); ids, reason codes and exit codes stay the same")
            ->check(CLI::IsMember({"ja", "en"}))
            ->type_name("ja|en");

    group_options(app);
    // `preflight` alone is a request for help, not a mistake: help, exit 0.
    if (argc <= 1) {
        std::cout << app.help();
        return 0;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e); // --help, --version
        std::string why = parse_error_text(app, argc, argv, e.what());
        if (nagios_requested(argc, argv)) {
            write_nagios_unknown(why, std::cout);
            return exit_could_not_run;
        }
        std::cerr << "preflight: " << terminal_safe(why)
                  << "\nRun with --help for more information.\n";
        return exit_could_not_run;
    }
    set_active_language(lang.empty() ? user_language() : *language_of_tag(lang));
    ro.lang_given = !lang.empty();
    try {
        if (*run) {
            ro.reports = chosen_reports(report_files);
            ro.command_line.assign(argv, argv + argc);
            ro.fail_on_new = fail_on == "new";
            return run_command(ro);
        }
        if (*cert) {
            co.reports = chosen_reports(cert_reports);
            co.command_line.assign(argv, argv + argc);
            return cert_command(co);
        }
        if (*list) return list_command(list_probes, list_reasons, list_checklist);
        if (*facts) return facts_command(facts_path, facts_json, facts_output);
        if (*explain) return explain_command(check_id, explain_checklist);
        if (*schema) return schema_command(schema_name);
        if (*bundle) return bundle_command(bundle_file);
    } catch (const InputError& e) {
        could_not_run(e.what(), *run ? ro.reports : co.reports);
        return exit_could_not_run;
    } catch (const std::exception& e) {
        could_not_run(std::string("internal error: ") + e.what(), *run ? ro.reports : co.reports);
        return exit_could_not_run;
    }
    return exit_could_not_run;
}

} // namespace pf
