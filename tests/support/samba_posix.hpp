#pragma once
// A Samba Active Directory domain controller (packages samba-ad-dc,
// samba-ad-provision, smbclient) for the LDAP and RPC probe tests. AD wants
// its fixed ports (88, 135, 389, 445, 636, 3268, 3269, 49152+), so it runs
// inside a network namespace of its own, where only loopback exists; clients
// run in the same namespace (in_namespace() below, or NetNamespace::wrap for
// a child process). Needs root.
//
// Realm EXAMPLE.TEST, NetBIOS domain EXAMPLE, host dc1.example.test on
// 127.0.0.1. Its TLS certificate (DNS dc1.example.test, IP 127.0.0.1) is
// issued at test time by a CA of the test's own (ca_file()).
#include "support/netns.hpp"
#include "support/processes.hpp"
#include <future>
#include <memory>
#include <string>
#include <thread>

namespace pft {

class SambaDc {
  public:
    // Provisioning takes several seconds, so the first DC of a test process
    // provisions a template that later ones copy. Returns once LDAP answers on
    // 389, 636, 3268 and 3269; throws std::runtime_error with the log tail when
    // provisioning or startup fails.
    SambaDc();
    ~SambaDc(); // stops samba by PID, then the namespace goes
    SambaDc(const SambaDc&) = delete;
    SambaDc& operator=(const SambaDc&) = delete;

    const NetNamespace& netns() const { return ns_; }
    const std::string& ns() const { return ns_.name(); }
    const std::string& admin_password() const; // of EXAMPLE\Administrator
    static std::string admin_upn() { return "Administrator@example.test"; }
    static std::string base_dn() { return "DC=example,DC=test"; }
    static std::string host_name() { return "dc1.example.test"; }
    const std::string& ca_file() const { return ca_file_; } // PEM of the issuing CA
    const std::string& dir() const { return dir_.path(); }
    std::string log() const; // tails of samba's stdout and its log file
    pid_t pid() const { return proc_ ? proc_->pid() : -1; }
    // Waits for another service's port inside the namespace (e.g. 135 for
    // the endpoint mapper); false when it does not answer in time.
    bool wait_for(unsigned short port, double seconds) const;
    // Runs samba-tool (as with "samba-tool user add …") against this DC's
    // database; throws with its output when it fails.
    std::string samba_tool(const std::vector<std::string>& args) const;

  private:
    TempDir dir_; // first: removed after samba has stopped
    NetNamespace ns_;
    std::string ca_file_;
    std::unique_ptr<Background> proc_;
};

// Moves the calling thread into the named network namespace (setns); threads
// it starts afterwards are in it too. Throws std::runtime_error on failure.
void enter_namespace(const std::string& ns);

// Runs f on a new thread that has entered the namespace, waits for it, and
// returns its result (or rethrows its exception). A probe run this way
// (pf::test::run_probe inside f) does all its networking in the namespace,
// worker threads included, while the test process stays where it was.
template <class F> auto in_namespace(const std::string& ns, F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task([&ns, &f] {
        enter_namespace(ns);
        return f();
    });
    auto result = task.get_future();
    std::thread(std::move(task)).join();
    return result.get();
}

} // namespace pft
