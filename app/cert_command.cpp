// `preflight cert FILE…`: the certificate files an admin is about to install,
// judged by the cert-file probe through the planner and runner as `run` does,
// one check per certificate check so that CI shows each as a testcase.
#include "app/commands.hpp"
#include "app/registries.hpp"
#include "base/build_info.hpp"
#include "base/errors.hpp"
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
    std::string requirement, fix;
};

// The guides' words (the EAS certificate authentication guide, the certificate renewal guide
// translated), or preflight's own where the guides say nothing.
const std::map<std::string, Words>& words() {
    static const std::map<std::string, Words> w = {
        {"load",
         {"Updating Certificates for Workspace ONE UEM Services: the certificate used for the "
          "renewal should be in .pfx format (a "
          "certificate format that includes the private key).",
          "Check the file and its password: a .pfx or .p12 opens with the password set when it "
          "was exported."}},
        {"key",
         {"Updating Certificates for Workspace ONE UEM Services: the certificate used for the "
          "renewal should be in .pfx format (a "
          "certificate format that includes the private key).",
          "Export the certificate together with its private key as a .pfx file, from the "
          "machine where its request was made."}},
        {"chain",
         {"Updating Certificates for Workspace ONE UEM Services: this update requires a .pfx or "
          ".p12 file containing the entire chain of "
          "the new SSL certificate.",
          "Export the certificate with every certificate of its certification path (Windows: "
          "'Include all certificates in the certification path if possible')."}},
        {"expiry",
         {"Updating Certificates for Workspace ONE UEM Services: the SSL certificate must be "
          "renewed, to avoid its functions becoming "
          "unavailable when the certificate expires.",
          "Obtain a new certificate from the certificate authority and install it before the "
          "current one expires (in every data center)."}},
        {"key_size",
         {"EAS certificate authentication guide: Private Key Length: this entry is often 2048 and "
          "matches the setting on "
          "the certificate template that NDES/SCEP/MSCEP use.",
          "Request a new certificate with an RSA key of 2048 bits or more."}},
        {"signature",
         {"preflight's own check (the guides are silent): current clients reject certificates "
          "signed with MD5 or SHA-1 below the root.",
          "Have the certificate authority reissue the certificate with a SHA-256 signature."}},
        {"eku-server",
         {"preflight's own check (the guides are silent): an SSL server certificate must allow "
          "Server Authentication.",
          "Request the certificate from a template with the Server Authentication purpose."}},
        {"eku-client",
         {"EAS certificate authentication guide: Confirm the certificate contains the Client "
          "Authentication in the Enhanced "
          "Key Usage section. If not present, then the template is not configured correctly.",
          "Add Client Authentication to the Enhanced Key Usage of the certificate template on "
          "the certificate authority, then issue the certificate again."}},
        {"name",
         {"Updating Certificates for Workspace ONE UEM Services: access the Console/DS/API/ENS2 "
          "URL in a browser or similar, display the "
          "certificate details, and confirm that the certificate has been renewed correctly.",
          "Request the certificate with the server's host name in its Subject Alternative "
          "Name."}},
        {"san",
         {"EAS certificate authentication guide: Confirm that the certificate contains the Subject "
          "Alternative Name (or "
          "SAN) section and within that section there is an Email and Principal name with the "
          "appropriate data. If this section is not in the certificate, then either the "
          "template is incorrect or the certificate authority has not been configured to "
          "accept SAN.",
          "Add the SAN types Email and User Principal Name to the request template (Devices > "
          "Certificates > Certificate Authorities > Request Templates) and configure the "
          "certificate authority to accept SAN."}},
        {"topic",
         {"Updating Certificates for Workspace ONE UEM Services: the APNs certificate is "
          "configured from the Workspace ONE UEM console "
          "(Groups & Settings > All Settings > Devices & Users > Apple > APNs for MDM), "
          "following the wizard from the certificate request to the renewal.",
          "Create the APNs certificate with the console's wizard under Groups & Settings > All "
          "Settings > Devices & Users > Apple > APNs for MDM."}},
    };
    return w;
}

const Words& words_for(const std::string& id, const std::string& profile) {
    std::string key = id != "eku" ? id : profile == "eas-client" ? "eku-client" : "eku-server";
    return words().at(key);
}

struct Aspect {
    std::string id, title;
};

// The cert-file probe's checks of a profile, in its order: the built-in
// checklist of `preflight cert`, one check each.
std::vector<Aspect> aspects(const std::string& profile) {
    std::vector<Aspect> a = {{"key", "Private key present and matching the certificate"},
                             {"chain", "Chain complete up to a root"},
                             {"expiry", "Days left before expiry"},
                             {"key_size", "RSA keys of at least 2048 bits"},
                             {"signature", "No MD5 or SHA-1 signatures below the root"}};
    if (profile == "server") {
        a.push_back({"eku", "Server Authentication EKU (serverAuth)"});
        a.push_back({"name", "Host name in the certificate"});
    } else if (profile == "eas-client") {
        a.push_back({"eku", "Client Authentication EKU (clientAuth)"});
        a.push_back({"san", "SAN with Email and UPN"});
    } else if (profile == "apns") {
        a.push_back({"topic", "APNs topic in the subject UID"});
    }
    return a;
}

Checklist cert_checklist() {
    Checklist c;
    c.id = "cert";
    c.title = "Certificate files";
    c.description = "preflight cert: the certificate files given, before they are installed.";
    c.source_document = "Updating Certificates for Workspace ONE UEM Services; Integrate Microsoft "
                        "Exchange CAS and Workspace ONE UEM for EAS certificate authentication";
    c.origin = "preflight cert";
    return c;
}

Check cert_check(const Section& s, const std::string& file, const std::string& id,
                 const std::string& title, const std::string& profile) {
    Check ch;
    ch.id = s.id + "." + id;
    ch.title = std::filesystem::path(file).filename().string() + ": " + title;
    ch.probe.kind = "cert-file";
    ch.requirement = words_for(id, profile).requirement;
    ch.fix = words_for(id, profile).fix;
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
        auto add = [&](const std::string& id, const std::string& title) {
            Check ch = cert_check(s, o.files[i], id, title, o.profile);
            ch.probe.args = common;
            ch.probe.args.push_back({"path", o.files[i], {}});
            ch.probe.args.push_back({"check", id, {}});
            s.checks.push_back(std::move(ch));
        };
        add("load", "File opens as a certificate");
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
    out << " (" << message_arg(load, "format") << ", " << message_arg(load, "private_key")
        << " a private key)\n";
    for (const auto& row : load.certificates) {
        // Certificate fields are the file's bytes: no control characters.
        out << "  " << row.source.substr(row.source.rfind(' ') + 1) << " " << row.role << ": "
            << clean_text(row.subject) << "\n"
            << "     issuer " << clean_text(row.issuer) << "\n";
        if (!row.names.empty()) out << "     names " << clean_text(row.names) << "\n";
        out << "     expires " << row.not_after << " (" << days_text(row.days_left)
            << " days left), " << row.key << ", " << row.signature;
        if (!row.ekus.empty()) out << ", EKU " << row.ekus;
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
        throw InputError("--profile " + o.profile + ": expected none, server, eas-client or apns");
    if (o.profile == "server" && o.host.empty())
        throw InputError("--profile server needs --host NAME: the name clients connect to");
    RunEnvironment env;
    env.tls = tls_flags(o.ca_files, o.trust_store, o.expiry_warn_days, o.expiry_fail_days);
    // As in the cert-file probe: an empty password is none, so that a .pfx
    // exported without one opens either way. Read here, once, and handed to
    // every check of the plan.
    SecretRef password;
    if (!o.password.empty()) {
        require_secret_source(o.password, "--password", "the password of the certificate files");
        password = read_secret(o.password, "--password (of the certificate files)");
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
