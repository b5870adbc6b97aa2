#pragma once
// The LDAP conversation of the "ldap" probe: what it is asked and what it
// found, and how it is started. Linux speaks LDAP itself (liblber's encoding
// over the project's own TCP and TLS, ldap_conversation_posix.cpp) on the
// run's event loop; Windows uses Wldap32 (ldap_session_windows.hpp).
// probes/ldap/ldap.cpp turns the outcome into a verdict.
#include "base/secret.hpp"
#include "core/probe.hpp"
#include "net/tcp_connect.hpp"
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
    // 32…) or, with api_error, the client's own (Wldap32's codes; -1 on
    // Linux, where error says what happened to the connection).
    int code = 0;
    bool api_error = false;   // code is the client library's, not a server result
    bool not_ldap = false;    // what the server sent is not LDAP, or over the size bound
    bool timed_out = false;   // the step ran out of time in the client library
    bool tls_refused = false; // stopped by the chain check (tls_ok returned false)
    bool bad_filter = false;  // the client library could not parse the filter
    // TLS is up but the client library did not hand over the certificate,
    // so it could not be checked: the conversation stopped there (error says why).
    bool tls_unchecked = false;
    std::string error;          // the library's text for code
    std::string diagnostic;     // the server's diagnosticMessage (AD: "80090308: … data 52e …")
    std::string matched_dn;     // with noSuchObject: the closest entry that exists
    std::string tls_failure;    // why the handshake failed, in full, when the project's TLS made it
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

// The chain check, called once TLS is up and before any
// credential is sent; false stops the conversation (step tls, tls_refused).
using LdapTlsCheck = std::function<bool(const std::vector<X509Ptr>& chain)>;

// Runs the conversation over socket, connected to request.host:port (Linux
// uses it; Wldap32 connects by itself, so Windows closes it). `step` follows
// the conversation (the probe names it when its deadline comes first).
// on_done runs on the loop, unless the returned function (which closes the
// connection) was called first.
std::function<void()> start_ldap_conversation(asio::io_context& io, SocketPtr socket,
                                              const LdapRequest& request, LdapTlsCheck tls_ok,
                                              std::shared_ptr<std::atomic<int>> step,
                                              std::function<void(LdapOutcome)> on_done);

// The client library's name for its own errors ("Wldap32"); empty when its
// error texts say everything themselves.
const char* ldap_client_name();

} // namespace pf
