#pragma once
// A Nagios core of a test's own (nagios4): it runs commands as service
// checks and records the state and performance data it understood, read
// back from its status file. Started in a directory of the test, stopped by
// PID.
#include "support/processes.hpp"
#include <map>
#include <memory>
#include <string>

namespace pft {

inline const std::string nagios_binary = "/usr/sbin/nagios4";

// status.dat: service description -> its key=value lines.
std::map<std::string, std::map<std::string, std::string>>
service_states(const std::string& status_dat);

// Checks every hour (so only the forced ones run); commands: service name
// -> command line.
class NagiosCore {
  public:
    NagiosCore(const TempDir& dir, const std::map<std::string, std::string>& commands);
    // Forces a check now through the external command pipe, as an operator's
    // "Re-schedule the next check" does.
    void force(const std::string& service);
    // The state the core recorded for every service, once each was checked.
    std::map<std::string, std::map<std::string, std::string>> wait_for_results(std::size_t n);
    std::string log() const;

  private:
    const TempDir& dir_;
    std::string config_;
    std::unique_ptr<Background> core_;
};

// Each command run once as a service check of a core of its own: the state
// the core recorded per service, and its log (for a failing test's message).
std::map<std::string, std::map<std::string, std::string>>
checked_once(const std::map<std::string, std::string>& commands, std::string& log);

} // namespace pft
