#pragma once
// The blocking LDAP conversation of the "ldap" probe, one implementation per
// platform: OpenLDAP's libldap (ldap_client_posix.cpp) and Wldap32
// (ldap_client_windows.cpp) behind LdapSession; ldap_client.cpp holds the
// sequence. probes/ldap.cpp runs it on a worker thread under the probe's
// deadline and turns the outcome into a verdict.
#include "base/secret.hpp"
#include "core/probe.hpp"
#include "pki/tls_verify.hpp"
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace pf {

enum class LdapSecurity { none, starttls, ldaps };

struct LdapRequest {
    std::string host;
    std::uint16_t port = 389;
    LdapSecurity security = LdapSecurity::none;
    std::string bind_dn; // empty: anonymous, no bind
    SecretRef password;  // revealed only to the bind; never in an outcome
    std::string base;    // empty: no search
    std::string filter = "(objectClass=*)";
    int size_limit = 1000;
    Clock::time_point deadline;
};

// How far the conversation got: the probe names the step that hung at its
// deadline.
enum class LdapStep { connect, tls, rootdse, bind, search, done };

struct LdapOutcome {
    LdapStep step = LdapStep::connect; // where it stopped; done when all went through
    // The result of the step that stopped it: an LDAP result code (49, 8,
    // 32…) or one of libldap's negative API codes (LDAP_SERVER_DOWN -1,
    // LDAP_TIMEOUT -5, LDAP_CONNECT_ERROR -11).
    int code = 0;
    bool api_error = false;   // code is the client library's, not a server result
    bool timed_out = false;   // the step ran out of time in the client library
    bool tls_refused = false; // stopped by the chain check (tls_ok returned false)
    bool bad_filter = false;  // the client library could not parse the filter
    // TLS is up but the client library did not hand over the certificate,
    // so it could not be checked: the conversation stopped there (error says why).
    bool tls_unchecked = false;
    std::string error;          // the library's text for code
    std::string diagnostic;     // the server's diagnosticMessage (AD: "80090308: … data 52e …")
    std::string matched_dn;     // with noSuchObject: the closest entry that exists
    std::string tls_version;    // "TLSv1.3", when TLS is up
    std::vector<X509Ptr> chain; // as the server sent it, leaf first
    // rootDSE attributes read (lower-case names); empty when not readable.
    std::map<std::string, std::vector<std::string>> rootdse;
    std::string rootdse_error; // why the rootDSE could not be read, when it could not
    bool bound = false;
    long entries = -1;         // under base matching filter, when searched
    bool size_limited = false; // entries is a lower bound
    std::vector<std::pair<std::string, double>> timings_ms; // per step
};

// The chain check, called on the worker thread once TLS is up and before any
// credential is sent; false stops the conversation (step tls, tls_refused).
using LdapTlsCheck = std::function<bool(const std::vector<X509Ptr>& chain)>;

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

// "libldap" or "Wldap32", for the client library's own error messages.
const char* ldap_client_name();

} // namespace pf
