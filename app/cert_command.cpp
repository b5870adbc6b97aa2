// `preflight cert FILE…`: the certificate files an admin is about to install,
// judged as the cert-file probe judges them, one check per certificate
// check so that CI shows each as a testcase.
#include "app/commands.hpp"
#include "base/errors.hpp"
#include "base/write_file.hpp"
#include "core/run_report.hpp"
#include "core/runner.hpp"
#include "core/secrets.hpp"
#include "probes/tls/cert_file_probe.hpp"
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

const Words& words_for(const std::string& id, CertProfile p) {
    std::string key = id != "eku" ? id : p == CertProfile::eas_client ? "eku-client" : "eku-server";
    return words().at(key);
}

// What one FILE argument came to: its checks, or why it could not be opened.
struct FileOutcome {
    std::string path;
    std::optional<CertFile> file;
    std::vector<CertCheck> checks;
};

FileOutcome judge(const std::string& path, const Secret* password, const CertCheckOptions& o) {
    FileOutcome out{path, std::nullopt, {}};
    try {
        out.file = load_cert_file(path, password);
        out.checks = check_cert_file(*out.file, o);
    } catch (const CertFileError& e) {
        // A file that is not there, not a regular file or too large is the
        // user's input, named as such (exit 3).
        if (e.kind == CertFileError::Kind::unreadable) throw InputError(e.what());
        out.checks.push_back({"load",
                              "File opens as a certificate",
                              load_failure_status(e),
                              load_failure_reason(e),
                              e.what(),
                              {}});
    } catch (const std::runtime_error& e) {
        // --trust-store or --ca-file that cannot be read: the user's input.
        throw InputError(e.what());
    }
    return out;
}

std::string days_text(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", std::floor(d));
    return buf;
}

// The certificates of a file, and the thumbprint line ready to paste.
void print_file(std::ostream& out, const FileOutcome& f) {
    out << "\n" << f.path;
    if (!f.file) {
        out << "\n";
        return;
    }
    out << " (" << f.file->format << ", " << (f.file->key ? "with" : "without")
        << " a private key)\n";
    for (const auto& row : certificate_rows(*f.file)) {
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
    out << "  " << arm_cert_id_line(*f.file) << "\n";
}

} // namespace

int cert_command(const CertOptions& o) {
    refuse_shared_paths(o.reports);
    CertCheckOptions opts;
    if (!parse_cert_profile(o.profile, opts.profile))
        throw InputError("--profile " + o.profile + ": expected none, server, eas-client or apns");
    if (opts.profile == CertProfile::server && o.host.empty())
        throw InputError("--profile server needs --host NAME: the name clients connect to");
    opts.host = o.host;
    opts.full_chain = o.full_chain;
    opts.tls.trust.ca_files = o.ca_files;
    opts.tls.trust.system_file = o.trust_store;
    if (o.expiry_warn_days) opts.tls.expiry_warn_days = *o.expiry_warn_days;
    if (o.expiry_fail_days) opts.tls.expiry_fail_days = *o.expiry_fail_days;
    if (opts.tls.expiry_fail_days > opts.tls.expiry_warn_days)
        throw InputError("--expiry-fail " + std::to_string(opts.tls.expiry_fail_days) +
                         " is more than --expiry-warn " +
                         std::to_string(opts.tls.expiry_warn_days) +
                         ": failing must come after warning");
    // As in the cert-file probe: an empty password is none, so that a .pfx
    // exported without one opens either way.
    SecretRef password;
    if (!o.password.empty()) {
        require_secret_source(o.password, "--password", "the password of the certificate files");
        password = read_secret(o.password, "--password (of the certificate files)");
        if (password->empty()) password = nullptr;
    }

    RunReport report;
    report.tool_version = PREFLIGHT_VERSION;
    report.started = std::chrono::system_clock::now();
    std::vector<FileOutcome> outcomes;
    for (const auto& path : o.files)
        outcomes.push_back(judge(path, password.get(), opts));

    // The checklist is made after the checks, since a file's checks depend on
    // whether it opened; results point into it, so it is complete first.
    Checklist c;
    c.id = "cert";
    c.title = "Certificate files";
    c.description = "preflight cert: the certificate files given, before they are installed.";
    c.source_document = "Updating Certificates for Workspace ONE UEM Services; Integrate Microsoft "
                        "Exchange CAS and Workspace ONE UEM for EAS certificate authentication";
    c.origin = "preflight cert";
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        Section s;
        s.id = "file" + std::to_string(i + 1);
        s.title = outcomes[i].path;
        std::string base = std::filesystem::path(outcomes[i].path).filename().string();
        for (const auto& k : outcomes[i].checks) {
            Check ch;
            ch.id = s.id + "." + k.id;
            ch.title = base + ": " + k.title;
            ch.probe.kind = "cert-file";
            ch.requirement = words_for(k.id, opts.profile).requirement;
            ch.fix = words_for(k.id, opts.profile).fix;
            ch.section_id = s.id;
            ch.section_title = s.title;
            s.checks.push_back(std::move(ch));
        }
        c.sections.push_back(std::move(s));
    }
    report.checklist = &c;
    report.settings = {{"profile", o.profile}};
    if (!o.host.empty()) report.settings.emplace_back("host", o.host);
    if (password) report.settings.emplace_back("password", password->source());

    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        const FileOutcome& f = outcomes[i];
        for (std::size_t k = 0; k < f.checks.size(); ++k) {
            CheckResult r;
            r.check = &c.sections[i].checks[k];
            r.status = f.checks[k].status;
            r.result =
                ProbeResult::make(f.checks[k].status, f.checks[k].reason, f.checks[k].summary);
            r.result.evidence = f.checks[k].evidence;
            // The file's certificates once, with its first check.
            if (k == 0 && f.file) {
                r.result.evidence.push_back(arm_cert_id_line(*f.file));
                r.result.blocks = certificate_blocks(*f.file);
                r.result.certificates = certificate_rows(*f.file);
            }
            redact_result(r.result, {password});
            r.args = {{"path", f.path}, {"profile", o.profile}};
            if (!o.host.empty()) r.args["host"] = o.host;
            if (password) r.args["password"] = password->source();
            report.results.push_back(std::move(r));
        }
    }
    report.finished = std::chrono::system_clock::now();
    report.counts = count(report.results);

    ConsoleOptions copts;
    copts.quiet = o.quiet;
    auto console = make_console_reporter(std::cout, copts);
    std::size_t at = 0;
    for (const auto& f : outcomes) {
        if (!o.quiet) print_file(std::cout, f);
        for (std::size_t k = 0; k < f.checks.size(); ++k)
            console->check_finished(report.results[at++]);
    }
    console->run_finished(report);
    return write_reports(report, o.reports);
}

} // namespace pf
