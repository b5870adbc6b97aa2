// `preflight cert FILE…`: the certificate files an admin is about to install,
// judged by the cert-file probe through the planner and runner as `run` does,
// one check per certificate check so that CI shows each as a testcase.
#include "app/commands.hpp"
#include "app/registries.hpp"
#include "base/build_info.hpp"
#include "base/catalog.hpp"
#include "base/errors.hpp"
#include "base/human_format.hpp"
#include "base/language.hpp"
#include "base/write_file.hpp"
#include "core/plan.hpp"
#include "core/run_report.hpp"
#include "core/runner.hpp"
#include "core/secrets.hpp"
#include "reports/console.hpp"
#include "reports/report_util.hpp"
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

namespace pf {

namespace {

struct Words {
    Message requirement, fix;
};

// The guides' words (the EAS certificate authentication guide, the certificate renewal guide
// translated), or preflight's own where the guides say nothing; in the catalog, so that a
// Japanese run quotes the Japanese guide.
const std::map<std::string, Words>& words() {
    static const std::map<std::string, Words> w = {
        {"load", {msg("cert_cmd.load_requirement"), msg("cert_cmd.load_fix")}},
        {"key", {msg("cert_cmd.key_requirement"), msg("cert_cmd.key_fix")}},
        {"chain", {msg("cert_cmd.chain_requirement"), msg("cert_cmd.chain_fix")}},
        {"expiry", {msg("cert_cmd.expiry_requirement"), msg("cert_cmd.expiry_fix")}},
        {"key_size", {msg("cert_cmd.key_size_requirement"), msg("cert_cmd.key_size_fix")}},
        {"signature", {msg("cert_cmd.signature_requirement"), msg("cert_cmd.signature_fix")}},
        {"eku-server", {msg("cert_cmd.eku_server_requirement"), msg("cert_cmd.eku_server_fix")}},
        {"eku-client", {msg("cert_cmd.eku_client_requirement"), msg("cert_cmd.eku_client_fix")}},
        {"name", {msg("cert_cmd.name_requirement"), msg("cert_cmd.name_fix")}},
        {"san", {msg("cert_cmd.san_requirement"), msg("cert_cmd.san_fix")}},
        {"topic", {msg("cert_cmd.topic_requirement"), msg("cert_cmd.topic_fix")}},
    };
    return w;
}

const Words& words_for(const std::string& id, const std::string& profile) {
    std::string key = id != "eku" ? id : profile == "eas-client" ? "eku-client" : "eku-server";
    return words().at(key);
}

struct Aspect {
    std::string id;
    Message title;
};

// The cert-file probe's checks of a profile, in its order: the built-in
// checklist of `preflight cert`, one check each.
std::vector<Aspect> aspects(const std::string& profile) {
    std::vector<Aspect> a = {{"key", msg("cert_cmd.title_key")},
                             {"chain", msg("cert_cmd.title_chain")},
                             {"expiry", msg("cert_cmd.title_expiry")},
                             {"key_size", msg("cert_cmd.title_key_size")},
                             {"signature", msg("cert_cmd.title_signature")}};
    if (profile == "server") {
        a.push_back({"eku", msg("cert_cmd.title_eku_server")});
        a.push_back({"name", msg("cert_cmd.title_name")});
    } else if (profile == "eas-client") {
        a.push_back({"eku", msg("cert_cmd.title_eku_client")});
        a.push_back({"san", msg("cert_cmd.title_san")});
    } else if (profile == "apns") {
        a.push_back({"topic", msg("cert_cmd.title_topic")});
    }
    return a;
}

Checklist cert_checklist() {
    Checklist c;
    c.id = "cert";
    c.title = render(msg("cert_cmd.checklist_title"));
    c.description = render(msg("cert_cmd.checklist_description"));
    c.source_document = render(msg("cert_cmd.source_documents"));
    c.origin = "preflight cert";
    return c;
}

Check cert_check(const Section& s, const std::string& file, const std::string& id,
                 const Message& title, const std::string& profile) {
    Check ch;
    ch.id = s.id + "." + id;
    std::string name = std::filesystem::path(file).filename().string() + ": ";
    ch.title = name + render(title);
    // JUnit names the test case by the English title, as for checklists: CI
    // servers track each test by name across runs in any language.
    if (active_language() != Language::en)
        ch.title_tr[Language::en] = name + render(title, english_catalog());
    ch.probe.kind = "cert-file";
    ch.requirement = render(words_for(id, profile).requirement);
    ch.fix = render(words_for(id, profile).fix);
    ch.section_id = s.id;
    ch.section_title = s.title;
    return ch;
}

// The plan's checklist: per file, whether it opens ("load"), then each check
// of the profile; the report shows the load check only when the file did not open.
Checklist planned_checklist(const CertOptions& o) {
    Checklist c = cert_checklist();
    std::vector<ProbeArg> common = {{"profile", o.profile, {}},
                                    {"full_chain", o.full_chain ? "true" : "false", {}}};
    if (!o.host.empty()) common.push_back({"host", o.host, {}});
    for (std::size_t i = 0; i < o.files.size(); ++i) {
        Section s;
        s.id = "file" + std::to_string(i + 1);
        s.title = o.files[i];
        auto add = [&](const std::string& id, const Message& title) {
            Check ch = cert_check(s, o.files[i], id, title, o.profile);
            ch.probe.args = common;
            ch.probe.args.push_back({"path", o.files[i], {}});
            ch.probe.args.push_back({"check", id, {}});
            s.checks.push_back(std::move(ch));
        };
        add("load", msg("cert_cmd.title_load"));
        for (const auto& a : aspects(o.profile))
            add(a.id, a.title);
        c.sections.push_back(std::move(s));
    }
    return c;
}

std::string days_text(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", std::floor(d));
    return buf;
}

std::string message_arg(const ProbeResult& r, const std::string& name) {
    for (const auto& [k, v] : r.message.args)
        if (k == name) return v;
    return "";
}

// The certificates of a file, and the thumbprint line ready to paste, from
// its load check.
void print_file(std::ostream& out, const std::string& path, const ProbeResult& load) {
    out << "\n" << path;
    if (load.status != Status::pass) {
        out << "\n";
        return;
    }
    out << " "
        << render(
               msg("cert_cmd.file_contents", {{"format", message_arg(load, "format")},
                                              {"private_key", message_arg(load, "private_key")}}))
        << "\n";
    for (const auto& row : load.certificates) {
        // Certificate fields are the file's bytes: no control characters.
        out << "  " << row.source.substr(row.source.rfind(' ') + 1) << " "
            << chain_role_word(row.role) << ": " << clean_text(row.subject) << "\n"
            << "     " << render(msg("cert_cmd.issuer", {{"issuer", clean_text(row.issuer)}}))
            << "\n";
        if (!row.names.empty())
            out << "     " << render(msg("cert_cmd.names", {{"names", clean_text(row.names)}}))
                << "\n";
        // English keeps the ISO instant scripts paste; Japanese reads 2027年1月14日.
        std::string date =
            active_language() == Language::ja ? date_time_text(row.not_after) : row.not_after;
        out << "     "
            << render(msg("cert_cmd.expires", {{"date", date}, {"days", days_text(row.days_left)}}))
            << ", " << row.key << ", " << row.signature;
        if (!row.ekus.empty()) out << ", " << render(msg("cert_cmd.ekus", {{"ekus", row.ekus}}));
        out << "\n     SHA-256 " << row.sha256 << "\n";
    }
    out << "  " << message_arg(load, "cert_id") << "\n";
}

} // namespace

int cert_command(const CertOptions& o) {
    // --max-time counts from here, as for run: a password prompt takes its share.
    const auto begun = std::chrono::steady_clock::now();
    refuse_shared_paths(o.reports);
    if (o.profile != "none" && o.profile != "server" && o.profile != "eas-client" &&
        o.profile != "apns")
        throw InputError(render(msg("cli.error.profile", {{"profile", o.profile}})));
    if (o.profile == "server" && o.host.empty())
        throw InputError(render(msg("cli.error.profile_needs_host")));
    RunEnvironment env;
    env.tls = tls_flags(o.ca_files, o.trust_store, o.expiry_warn_days, o.expiry_fail_days);
    // As in the cert-file probe: an empty password is none, so that a .pfx
    // exported without one opens either way. Read here, once, and handed to
    // every check of the plan.
    SecretRef password;
    if (!o.password.empty()) {
        require_secret_source(o.password, "--password", render(msg("cli.error.cert_password")));
        password = read_secret(o.password, render(msg("cli.error.cert_password_flag")));
        if (password->empty()) password = nullptr;
    }

    RunReport report;
    report.kind = ReportKind::cert;
    report.tool_version = build_info().version;
    report.tool_commit = build_info().commit;
    report.tool_target = build_info().target;
    report.command_line = o.command_line;
    report.lang = active_language();
    report.expiry_warn_days = env.tls.expiry_warn_days;
    report.expiry_fail_days = env.tls.expiry_fail_days;
    report.started = std::chrono::system_clock::now();
    const Checklist planned = planned_checklist(o);
    RunSettings settings;
    if (o.max_time_seconds)
        settings.budget =
            std::chrono::milliseconds(static_cast<long long>(*o.max_time_seconds * 1000));
    auto plan = plan_run(planned, builtin_probes(), settings);
    if (settings.budget)
        fit_to_budget(plan, planned, settings,
                      *settings.budget - std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::steady_clock::now() - begun));
    if (password)
        for (auto& pc : plan) {
            auto values = pc.args.all();
            values["password"] = password->source();
            pc.args = ProbeArgs(values, {{"password", password}});
        }
    asio::io_context io;
    // One check at a time: the cert-file probe judges inside its start, so
    // checks started together would each be timed with the others' work.
    RunnerOptions ropts;
    ropts.jobs = 1;
    Runner runner(io, env, ropts);
    auto results = runner.run(plan);
    report.interrupted = runner.interrupted();
    // A file that is not there, not a regular file or too large, or a trust
    // store that cannot be read, is the user's input, named as such (exit 3).
    for (const auto& r : results)
        if (r.result.reason == Reason::bad_input) throw InputError(r.result.summary);

    // The report's checklist: per file, its checks, or the load check when
    // it did not open. Results point into it, so it is complete first.
    Checklist c = cert_checklist();
    std::vector<std::vector<const CheckResult*>> shown(o.files.size());
    std::vector<const CheckResult*> loads(o.files.size());
    std::size_t at = 0;
    for (std::size_t i = 0; i < o.files.size(); ++i) {
        Section s;
        s.id = planned.sections[i].id;
        s.title = planned.sections[i].title;
        loads[i] = &results[at];
        bool opened = results[at].result.status == Status::pass;
        for (const auto& check : planned.sections[i].checks) {
            const CheckResult& r = results[at++];
            if ((check.id == s.id + ".load") != opened) {
                Check ch = check;
                ch.probe.args.clear();
                s.checks.push_back(std::move(ch));
                shown[i].push_back(&r);
            }
        }
        c.sections.push_back(std::move(s));
    }
    report.checklist = &c;
    report.settings = {{"profile", o.profile}};
    if (!o.host.empty()) report.settings.emplace_back("host", o.host);
    if (password) report.settings.emplace_back("password", password->source());
    for (std::size_t i = 0; i < shown.size(); ++i)
        for (std::size_t k = 0; k < shown[i].size(); ++k) {
            CheckResult r = *shown[i][k];
            r.check = &c.sections[i].checks[k];
            // The file's certificates once, with its first check.
            const ProbeResult& load = loads[i]->result;
            if (k == 0 && load.status == Status::pass) {
                r.result.evidence.insert(r.result.evidence.end(), load.evidence.begin(),
                                         load.evidence.end());
                r.result.blocks = load.blocks;
                r.result.certificates = load.certificates;
            }
            report.results.push_back(std::move(r));
        }
    report.finished = std::chrono::system_clock::now();
    report.counts = count(report.results);

    ConsoleOptions copts;
    copts.quiet = o.quiet;
    std::ostream& con = console_stream(o.reports);
    auto console = make_console_reporter(con, copts);
    at = 0;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        if (!o.quiet) print_file(con, o.files[i], loads[i]->result);
        for (std::size_t k = 0; k < shown[i].size(); ++k)
            console->check_finished(report.results[at++]);
    }
    console->run_finished(report);
    return write_reports(report, o.reports);
}

} // namespace pf
