#pragma once
// OpenLDAP's slapd (packages slapd, ldap-utils) on 127.0.0.1 for the LDAP
// probe tests: a small directory under dc=example,dc=test, plain LDAP (with
// StartTLS) on one port and LDAPS on another, with the certificate and key
// the test made. Stopped by PID when destroyed; the constructor throws
// std::runtime_error with the log tail when slapd does not come up.
#include "support/processes.hpp"
#include <memory>
#include <string>

namespace pft {

struct SlapdOptions {
    std::string cert_file = {}, key_file = {}; // PEM; both empty: no TLS at all
};

class Slapd {
  public:
    explicit Slapd(SlapdOptions options = {});
    ~Slapd();
    Slapd(const Slapd&) = delete;
    Slapd& operator=(const Slapd&) = delete;

    unsigned short port() const { return port_; }             // ldap:// (StartTLS when TLS)
    unsigned short ldaps_port() const { return ldaps_port_; } // 0 without TLS
    static std::string suffix() { return "dc=example,dc=test"; }
    // An inetOrgPerson that may bind, and the entries under ou=people.
    static std::string user_dn() { return "uid=svc-acc,ou=people,dc=example,dc=test"; }
    static int people() { return 3; } // entries under ou=people, the OU excluded
    const std::string& user_password() const { return password_; }
    std::string log() const;
    const std::string& dir() const { return dir_.path(); }

  private:
    void start(const SlapdOptions& o); // one attempt (start_on_fresh_ports)
    TempDir dir_;
    unsigned short port_ = 0, ldaps_port_ = 0;
    std::string password_;
    std::unique_ptr<Background> proc_;
};

} // namespace pft
