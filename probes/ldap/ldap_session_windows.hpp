#pragma once
// Windows: the blocking conversation through Wldap32 (ldap_client_windows.cpp)
// behind LdapSession; ldap_sequence_windows.cpp holds the sequence and runs
// it on a worker thread.
#include "probes/ldap/ldap_client.hpp"

namespace pf {

// One connection's steps, per platform. Each returns false when the
// conversation must stop (the outcome says why).
class LdapSession {
  public:
    LdapSession(const LdapRequest& request, const LdapTlsCheck& tls_ok, std::atomic<int>& step)
        : req(request), tls_ok(tls_ok), step_(step) {}
    virtual ~LdapSession() = default;
    // Connects and establishes TLS as requested, accepting any certificate
    // on the TLS library's side: the chain goes to tls_ok before anything
    // else is sent.
    virtual bool open() = 0;
    // An LDAP result (servers may refuse the rootDSE to anonymous clients)
    // is noted in the outcome and the conversation goes on.
    virtual bool read_rootdse() = 0;
    virtual bool bind() = 0;
    virtual bool search_base() = 0;
    LdapOutcome out;

    // Marks the start of a step (for the probe and the timings).
    void enter(LdapStep s) {
        out.step = s;
        step_ = static_cast<int>(s);
        t0_ = Clock::now();
    }
    void took(const char* what) {
        out.timings_ms.emplace_back(
            what, std::chrono::duration<double, std::milli>(Clock::now() - t0_).count());
    }

  protected:
    const LdapRequest& req;
    const LdapTlsCheck& tls_ok;

  private:
    std::atomic<int>& step_;
    Clock::time_point t0_ = Clock::now();
};

std::unique_ptr<LdapSession> make_ldap_session(const LdapRequest& request,
                                               const LdapTlsCheck& tls_ok, std::atomic<int>& step);

// The conversation: open, read the rootDSE anonymously, bind when bind_dn is
// set (reading the rootDSE again if it was refused anonymously), search base.
// Blocks; every network wait is bounded by request.deadline. `step` is
// updated as it goes (the probe reads it when its own deadline comes first).
LdapOutcome ldap_converse(const LdapRequest& request, const LdapTlsCheck& tls_ok,
                          std::atomic<int>& step);

} // namespace pf
