#pragma once
#include "app/zip_writer.hpp"
#include "base/secret.hpp"
#include "core/run_observer.hpp"
#include <filesystem>
#include <string>
#include <vector>

namespace pf {

struct Checklist;
class ConsoleLog;

// Tells two observers the same run: the console the person watches, and the
// plain copy of it kept for the support bundle.
class BothObservers : public RunObserver {
  public:
    BothObservers(RunObserver& a, RunObserver& b) : a_(a), b_(b) {}
    void run_started(std::size_t n) override {
        a_.run_started(n);
        b_.run_started(n);
    }
    void check_started(const Check& c, std::chrono::steady_clock::time_point deadline) override {
        a_.check_started(c, deadline);
        b_.check_started(c, deadline);
    }
    void check_finished(const CheckResult& r) override {
        a_.check_finished(r);
        b_.check_finished(r);
    }
    void run_finished(const RunReport& r) override {
        a_.run_finished(r);
        b_.run_finished(r);
    }

  private:
    RunObserver& a_;
    RunObserver& b_;
};

// What a run leaves for its support bundle.
struct BundleSources {
    const RunReport* report = nullptr;
    const Checklist* checklist = nullptr;
    std::string site_file;                   // as given, empty when none
    const ConsoleLog* console_log = nullptr; // the console's text, without colour or redraws
    // Every secret the run read: no member may carry one (checked, not trusted).
    std::vector<SecretRef> secrets;
};

// The bundle's files, README.txt first: the HTML, JSON and JUnit reports,
// console.log, facts.json, the checklist and the site file, each named in
// README.txt with what it is.
std::vector<ZipMember> bundle_members(const BundleSources& s);

// The per-user folder that keeps the last run's bundle files, for
// `preflight bundle`: $XDG_STATE_HOME (else ~/.local/state)/preflight/last-run,
// on Windows %LOCALAPPDATA%\preflight\last-run. Throws std::runtime_error
// when the environment names no such place.
std::filesystem::path last_run_folder();

// Replaces the last-run folder with the bundle's files (bundle_members'),
// each report written as it is rendered: written to a new folder beside
// it, then renamed into place, so a reader never sees half of two runs.
// Throws std::runtime_error.
void keep_last_run(const BundleSources& s);

// Writes the zip to path through a temporary file renamed over it.
void write_bundle(const std::string& path, const std::vector<ZipMember>& members,
                  std::chrono::system_clock::time_point when);

} // namespace pf
