#include "app/cli_errors.hpp"
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
#include <iostream>
#include <string_view>

namespace pf {

namespace {

// --max-time keeps a second for stopping late checks and writing reports;
// a day is far beyond any schedule's interval.
constexpr NumberBounds max_time_bounds{2, 86400};

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
    // The help is rendered while the CLI is built, so the language is chosen
    // before parsing: --lang in argv, else the user's locale. The site file's
    // lang is not read for help (it is known only once a run parses its site
    // file); after parsing, the language is set again from --lang as before.
    set_active_language(help_language(argc, argv));
    CLI::App app{tr(msg("cli.about_1")) + "\n" + tr(msg("cli.about_2")), "preflight"};
    app.set_help_flag("-h,--help", tr(msg("cli.help"))); // subcommands inherit it
    use_preflight_help(app);
    app.set_version_flag(
        "--version",
        [] {
            auto text = version_text();
            if (!text.empty() && text.back() == '\n') text.pop_back(); // CLI11 adds one
            return text;
        },
        tr(msg("cli.version")));
    app.require_subcommand(1);
    app.footer(tr(msg("cli.exit_codes_1")) + "\n" + tr(msg("cli.exit_codes_2")));

    RunOptions ro;
    auto* run = app.add_subcommand("run", tr(msg("cli.run")));
    run->add_option("--checklist", ro.checklist, tr(msg("cli.run.checklist")))
        ->type_name("NAME|FILE");
    run->add_option("--site", ro.site_file, tr(msg("cli.run.site")))
        ->check(existing_file())
        ->type_name("FILE");
    run->add_option("--set", ro.sets, tr(msg("cli.run.set")))->type_name("NAME=VALUE");
    run->add_option("--service", ro.services, tr(msg("cli.run.service")))->type_name("LIST");
    run->add_option("--users", ro.users, tr(msg("cli.run.users")))
        ->check(number_in(users_bounds, true))
        ->type_name("N");
    run->add_option("--servers", ro.servers, tr(msg("cli.run.servers")))
        ->check(number_in({1, 1000}, true))
        ->type_name("N");
    run->add_option("--timeout", ro.timeout_seconds, tr(msg("cli.run.timeout")))
        ->check(number_in(timeout_bounds, false))
        ->type_name("SECONDS");
    run->add_option("--jobs", ro.jobs, tr(msg("cli.run.jobs")))
        ->check(number_in({1, 4096}, true))
        ->type_name("N");
    run->add_option("--install-path", ro.install_path, tr(msg("cli.install_path")))
        ->type_name("DIR");
    // --html FILE, --junit FILE, …: one option per report format.
    auto add_report_options = [](CLI::App* cmd, std::vector<std::string>& files) {
        files.resize(builtin_reports().size());
        for (std::size_t i = 0; i < builtin_reports().size(); ++i) {
            const auto& f = builtin_reports()[i];
            cmd->add_option("--" + f.name, files[i],
                            tr(msg("cli.report", {{"report", part(f.help)}})))
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
        cmd->add_option("--ca-file", ca_files, tr(msg("cli.ca_file")))
            ->check(existing_file())
            ->type_name("FILE");
        cmd->add_option("--trust-store", trust_store, tr(msg("cli.trust_store")))
            ->check(existing_file())
            ->type_name("FILE");
    };
    auto add_expiry_options = [](CLI::App* cmd, std::optional<int>& warn,
                                 std::optional<int>& fail) {
        cmd->add_option("--expiry-warn", warn, tr(msg("cli.expiry_warn")))
            ->check(number_in({0, 3650}, true))
            ->type_name("DAYS");
        cmd->add_option("--expiry-fail", fail, tr(msg("cli.expiry_fail")))
            ->check(number_in({0, 3650}, true))
            ->type_name("DAYS");
    };
    std::vector<std::string> report_files;
    add_report_options(run, report_files);
    run->add_option("--junit-prefix", ro.junit_prefix, tr(msg("cli.run.junit_prefix")))
        ->check(junit_prefix_text())
        ->type_name("HOST");
    run->add_option("--junit-warn", ro.junit_warn, tr(msg("cli.run.junit_warn")))
        ->check(one_of({"skip", "fail"}))
        ->type_name("skip|fail");
    run->add_option("--bundle", ro.bundle, tr(msg("cli.run.bundle")))->type_name("FILE");
    run->add_option("--facts", ro.facts_file, tr(msg("cli.run.facts")))
        ->check(existing_file())
        ->type_name("FILE");
    run->add_option("--proxy", ro.proxy, tr(msg("cli.run.proxy")))->type_name("URL");
    run->add_option("--proxy-password", ro.proxy_password, tr(msg("cli.run.proxy_password")))
        ->type_name("SOURCE");
    run->add_option("--no-proxy", ro.no_proxy, tr(msg("cli.run.no_proxy")))->type_name("LIST");
    add_trust_options(run, ro.ca_files, ro.trust_store);
    run->add_option("--public-roots", ro.public_roots, tr(msg("cli.run.public_roots")))
        ->check(existing_path())
        ->type_name("FILE|DIR");
    add_expiry_options(run, ro.expiry_warn_days, ro.expiry_fail_days);
    run->add_option("--idle", ro.idle_seconds, tr(msg("cli.run.idle")))
        ->check(number_in({0, 3600}, false))
        ->type_name("SECONDS");
    run->add_option("--only", ro.only, tr(msg("cli.run.only")))->type_name("PATTERN");
    run->add_option("--skip", ro.skip, tr(msg("cli.run.skip")))->type_name("PATTERN");
    run->add_option("--max-time", ro.max_time_seconds, tr(msg("cli.run.max_time")))
        ->check(number_in(max_time_bounds, false))
        ->type_name("SECONDS");
    run->add_option("--report-dir", ro.report_dir, tr(msg("cli.run.report_dir")))
        ->check(existing_directory())
        ->type_name("DIR");
    run->add_flag("--quiet,-q", ro.quiet, tr(msg("cli.quiet")));
    run->add_option("--baseline", ro.baseline, tr(msg("cli.run.baseline")))->type_name("FILE");
    run->add_option("--history", ro.history_dir, tr(msg("cli.run.history")))->type_name("DIR");
    run->add_option("--history-keep", ro.history_keep, tr(msg("cli.run.history_keep")))
        ->check(number_in({1, 1000}, true))
        ->type_name("N");
    std::string fail_on = "any";
    run->add_option("--fail-on", fail_on, tr(msg("cli.run.fail_on")))
        ->check(one_of({"any", "new"}))
        ->type_name("any|new");

    CertOptions co;
    auto* cert = app.add_subcommand("cert", tr(msg("cli.cert")));
    cert->add_option("FILE", co.files, tr(msg("cli.cert.files")))
        ->required()
        ->check(existing_file());
    cert->add_option("--password", co.password, tr(msg("cli.cert.password")))->type_name("SOURCE");
    cert->add_option("--profile", co.profile, tr(msg("cli.cert.profile")))->type_name("NAME");
    cert->add_option("--host", co.host, tr(msg("cli.cert.host")))->type_name("NAME");
    cert->add_flag("--full-chain", co.full_chain, tr(msg("cli.cert.full_chain")));
    add_expiry_options(cert, co.expiry_warn_days, co.expiry_fail_days);
    cert->add_option("--max-time", co.max_time_seconds, tr(msg("cli.cert.max_time")))
        ->check(number_in(max_time_bounds, false))
        ->type_name("SECONDS");
    add_trust_options(cert, co.ca_files, co.trust_store);
    std::vector<std::string> cert_reports;
    add_report_options(cert, cert_reports);
    cert->add_flag("--quiet,-q", co.quiet, tr(msg("cli.quiet")));

    auto* facts = app.add_subcommand("facts", tr(msg("cli.facts")));
    bool facts_json = false;
    std::string facts_path, facts_output;
    facts->add_flag("--json", facts_json, tr(msg("cli.facts.json")));
    facts->add_option("--install-path", facts_path, tr(msg("cli.install_path")))->type_name("DIR");
    facts->add_option("--output,-o", facts_output, tr(msg("cli.facts.output")))->type_name("FILE");

    auto* list = app.add_subcommand("list", tr(msg("cli.list")));
    std::string list_checklist;
    list->add_option("CHECKLIST", list_checklist, tr(msg("cli.list.checklist")))
        ->type_name("NAME|FILE");
    bool list_probes = false;
    list->add_flag("--probes", list_probes, tr(msg("cli.list.probes")));
    bool list_reasons = false;
    list->add_flag("--reasons", list_reasons, tr(msg("cli.list.reasons")));

    auto* schema = app.add_subcommand("schema", tr(msg("cli.schema")));
    std::string schema_name;
    schema->add_option("NAME", schema_name, tr(msg("cli.schema.name")))->required();

    auto* explain = app.add_subcommand("explain", tr(msg("cli.explain")));
    std::string check_id, explain_checklist;
    explain->add_option("CHECK-ID", check_id, tr(msg("cli.explain.check_id")))->required();
    explain->add_option("--checklist", explain_checklist, tr(msg("cli.explain.checklist")))
        ->type_name("NAME|FILE");

    auto* bundle = app.add_subcommand("bundle", tr(msg("cli.bundle")));
    std::string bundle_file;
    bundle->add_option("FILE", bundle_file, tr(msg("cli.bundle.file")))
        ->required()
        ->type_name("FILE");

    // Every command speaks the language chosen; the default is the user's.
    // --lang is taken before the command too (preflight --lang ja list), as
    // help_language reads it; the command's own --lang wins.
    std::string lang, lang_before_command;
    auto add_lang = [](CLI::App* cmd, std::string& value) {
        cmd->add_option("--lang", value, tr(msg("cli.lang")))
            ->check(one_of({"ja", "en"}))
            ->type_name("ja|en");
    };
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        add_lang(sub, lang);
    add_lang(&app, lang_before_command);

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
        // In the language chosen before parsing: --lang, else the locale.
        std::string why = parse_error_text(app, argc, argv, parse_failure_text(app, e, argc, argv));
        if (nagios_requested(argc, argv)) {
            write_nagios_unknown(why, std::cout);
            return exit_could_not_run;
        }
        std::cerr << "preflight: " << terminal_safe(why) << "\n"
                  << render(msg("cli.error.see_help")) << "\n";
        return exit_could_not_run;
    }
    if (lang.empty()) lang = lang_before_command;
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
        could_not_run(render(msg("cli.error.internal", {{"detail", e.what()}})),
                      *run ? ro.reports : co.reports);
        return exit_could_not_run;
    }
    return exit_could_not_run;
}

} // namespace pf
