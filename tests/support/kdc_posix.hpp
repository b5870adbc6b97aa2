#pragma once
// An MIT Kerberos KDC (packages krb5-kdc, krb5-admin-server for
// kadmin.local, krb5-user for kinit) on 127.0.0.1, with a realm of its own
// in a temporary directory: for Negotiate to a proxy. Stopped by PID when
// destroyed.
#include "support/processes.hpp"
#include <memory>
#include <string>

namespace pft {

class Kdc {
  public:
    explicit Kdc(std::string realm = "PREFLIGHT.TEST");
    Kdc(const Kdc&) = delete;
    Kdc& operator=(const Kdc&) = delete;
    const std::string& realm() const { return realm_; }
    // The krb5.conf naming this KDC: KRB5_CONFIG for clients and acceptors.
    std::string config() const { return dir_.file("krb5.conf"); }
    // A principal ("alice", "HTTP/localhost") with a random key, written to
    // a keytab of its own; returns the keytab's path.
    std::string add_principal(const std::string& name);
    // A ticket-granting ticket for a principal added before, in a new
    // credential cache; returns "FILE:<path>" for KRB5CCNAME.
    std::string kinit(const std::string& name);
    std::string log() const;

  private:
    void start(); // one attempt (start_on_fresh_ports)
    CommandResult admin(const std::string& query) const;
    TempDir dir_; // first: destroyed after the KDC has stopped
    std::string realm_;
    unsigned short port_ = 0;
    std::unique_ptr<Background> proc_;
};

} // namespace pft
