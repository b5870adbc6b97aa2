#pragma once
#include "base/language.hpp"
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace pf {

struct RunOptions {
    std::string checklist; // empty: the site file's, else acc-saas
    std::string site_file;
    std::vector<std::string> sets; // NAME=VALUE
    std::string services;          // comma-separated
    std::optional<std::uint64_t> users;
    std::optional<std::uint32_t> servers;
    std::optional<double> timeout_seconds;
    std::size_t jobs = 0;                                     // 0: no cap (RunnerOptions::jobs)
    std::vector<std::pair<std::string, std::string>> reports; // format name, file
    bool quiet = false;
    std::string install_path;
    std::string facts_file;     // evaluate host checks against these facts, not this host
    std::string proxy;          // http://[user@]host[:port]
    std::string proxy_password; // env:NAME, file:PATH or prompt
    std::string no_proxy;       // comma-separated
    std::vector<std::string> ca_files;
    std::string trust_store;
    std::string public_roots;
    std::optional<int> expiry_warn_days, expiry_fail_days;
    std::optional<double> idle_seconds;
    std::vector<std::string> only, skip; // check ids, section ids or globs; comma lists
    std::optional<double> max_time_seconds;
    std::string report_dir;                // where default-named reports go
    std::vector<std::string> command_line; // argv as given, for the JSON report
    std::string baseline;                  // a previous JSON report to compare with
    std::string history_dir;               // keeps the last JSON reports; compares with the newest
    std::size_t history_keep = 10;
    bool fail_on_new = false;        // --fail-on new
    std::string junit_prefix;        // empty: the host name
    std::string junit_warn = "skip"; // --junit-warn: skip or fail
    bool lang_given = false;         // --lang: it wins over the site file's lang
    std::string bundle;              // --bundle FILE.zip: the support bundle
};

struct CertOptions {
    std::vector<std::string> files;
    std::string password; // env:NAME, file:PATH or prompt
    std::string profile = "none";
    std::string host;
    bool full_chain = false;
    std::optional<int> expiry_warn_days, expiry_fail_days;
    std::optional<double> max_time_seconds; // --max-time
    std::vector<std::string> ca_files;
    std::string trust_store;
    std::vector<std::pair<std::string, std::string>> reports; // format name, file
    bool quiet = false;
    std::vector<std::string> command_line; // argv as given, for the JSON report
};

int run_command(const RunOptions& o);
int cert_command(const CertOptions& o);
struct RunReport;
// Writes each (format, file) and names it on stdout; returns the report's
// exit code, or 3 when a file could not be written.
// A file named "-" is standard output.
int write_reports(const RunReport& report,
                  const std::vector<std::pair<std::string, std::string>>& files);
// Whether a report goes to standard output ("-"), and so where the console
// report goes: to standard error then, so that the report stays parseable, or
// nowhere when it is plugin output (Icinga 2 merges standard error into it).
bool report_on_stdout(const std::vector<std::pair<std::string, std::string>>& files);
std::ostream& console_stream(const std::vector<std::pair<std::string, std::string>>& files);
// Whether monitoring-plugin output goes to standard output (--nagios -): any
// failure is then told there, as PREFLIGHT UNKNOWN.
bool plugin_on_stdout(const std::vector<std::pair<std::string, std::string>>& files);
struct TlsSettings;
// --ca-file, --trust-store, --expiry-warn and --expiry-fail, as `run` and
// `cert` take them; throws InputError when failing would come before warning.
TlsSettings tls_flags(const std::vector<std::string>& ca_files, const std::string& trust_store,
                      std::optional<int> expiry_warn_days, std::optional<int> expiry_fail_days);
// With a checklist: its sections and check ids.
int list_command(bool probes, bool reasons = false, const std::string& checklist = {});
int facts_command(const std::string& install_path, bool json, const std::string& output);
// Prints the JSON Schema a report format promises (`preflight schema report`).
int schema_command(const std::string& name);
// `preflight bundle FILE.zip`: zips what the last run kept (app/bundle.hpp).
int bundle_command(const std::string& path);
int explain_command(const std::string& check_id, const std::string& checklist);

std::string install_path_or_default(const std::string& given);
struct HostFacts;
HostFacts load_facts_file(const std::string& path);

// The whole command line; returns the process exit code.
int cli_main(int argc, char** argv);

} // namespace pf
