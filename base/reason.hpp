#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace pf {

// Why a check ended as it did, as a stable machine-readable code: JSON,
// Prometheus labels, baselines and translations key on these, never on the
// English sentence. The list is documented (checklists/README.md, `preflight
// list --reasons`); a code, once published, keeps its meaning.
//
// X(code, meaning): meaning is one line for the documentation.
#define PF_REASONS(X)                                                                              \
    X(unset, "no reason was recorded (a defect: every verdict names one)")                         \
    X(ok, "the requirement is met")                                                                \
    X(not_configured, "a value the check needs was not given, so it did not run")                  \
    X(service_disabled, "the integration service the check belongs to is not enabled")             \
    X(not_selected, "the check was left out with --only or --skip")                                \
    X(over_time_budget, "the check needs more time than --max-time leaves, so it did not run")     \
    X(not_applicable, "the check does not apply to this host or configuration")                    \
    X(interrupted, "the run was interrupted before the check reached a verdict")                   \
    X(deadline_exceeded, "the probe gave no verdict within its deadline")                          \
    X(internal_error, "preflight itself failed while running the check")                           \
    X(bad_input, "a file or value the check reads is missing or malformed")                        \
    X(name_not_found, "the host name does not exist in DNS")                                       \
    X(dns_no_answer, "the name exists but has no address of the family asked for")                 \
    X(dns_failure, "the resolver failed or did not answer")                                        \
    X(refused, "the host answered but nothing listens on the port")                                \
    X(timed_out, "no answer before the deadline: filtered by a firewall, or the host is down")     \
    X(unreachable, "the network or host is unreachable from here")                                 \
    X(connect_failed, "the connection failed for another reason")                                  \
    X(connection_closed, "the peer closed the connection before an answer")                        \
    X(protocol_error, "the peer does not speak the expected protocol")                             \
    X(tls_handshake_failed, "the TLS handshake failed")                                            \
    X(old_tls_version, "the server (or a device in between) offers only an old TLS version")       \
    X(self_signed, "the server's certificate is self-signed")                                      \
    X(untrusted_root, "the chain ends at a root this host does not trust")                         \
    X(incomplete_chain, "the server does not send the intermediate certificate")                   \
    X(expired, "a certificate has expired")                                                        \
    X(not_yet_valid, "a certificate is not valid yet, or this host's clock is wrong")              \
    X(certificate_invalid, "the certificate chain fails verification for another reason")          \
    X(key_missing, "the certificate file holds no private key")                                    \
    X(key_mismatch, "the private key does not belong to the certificate")                          \
    X(missing_san, "the certificate lacks a required subjectAltName (Email, UPN)")                 \
    X(wrong_certificate_type, "the certificate is not the kind the service needs (APNs topic)")    \
    X(expiring_soon, "a certificate expires within the warning window")                            \
    X(name_mismatch, "the certificate does not name the host")                                     \
    X(weak_certificate, "a certificate's key, signature or usage falls short")                     \
    X(tls_interception, "a TLS-inspecting proxy or product re-signs the connection")               \
    X(proxy_unreachable, "the outbound proxy itself cannot be reached")                            \
    X(proxy_auth_required, "the proxy wants credentials")                                          \
    X(proxy_auth_rejected, "the proxy rejected the credentials")                                   \
    X(proxy_forbidden, "the proxy's policy blocks the destination")                                \
    X(proxy_target_failed, "the proxy could not reach the destination")                            \
    X(proxy_protocol_error, "the proxy does not answer as an HTTP proxy")                          \
    X(kerberos_no_ticket, "the user has no valid Kerberos ticket (kinit, or a domain logon)")      \
    X(kerberos_unknown_service, "the Kerberos KDC knows no service principal HTTP/<proxy host>")   \
    X(clock_skew, "this host's clock differs too much from the Kerberos KDC's or the server's")    \
    X(kerberos_failed, "Negotiate (Kerberos) failed on this host for another reason")              \
    X(http_status, "the server answered with an unexpected HTTP status")                           \
    X(redirect_loop, "redirects go round in a circle or never end")                                \
    X(http_auth_required, "the server wants authentication")                                       \
    X(http_auth_rejected, "the server rejected the credentials")                                   \
    X(unexpected_content, "the server answered, but not with what the service should send")        \
    X(no_client_certificate_auth, "the server does not ask for the client certificate required")   \
    X(plaintext_served, "the service is also served without TLS")                                  \
    X(no_starttls, "the server does not offer STARTTLS")                                           \
    X(tls_required, "the server accepts this only over TLS")                                       \
    X(smtp_auth_required, "the mail server accepts mail only from authenticated senders")          \
    X(smtp_auth_not_offered, "the mail server offers no authentication this account can use")      \
    X(relay_denied, "the mail server will not relay mail to the recipient")                        \
    X(plaintext_auth_used, "credentials were sent without TLS, as the check allows")               \
    X(smtp_rejected, "the mail server rejected the message or a command")                          \
    X(smtp_auth_failed, "the mail server rejected the credentials")                                \
    X(plaintext_auth_refused, "credentials would have been sent without TLS")                      \
    X(ldap_invalid_credentials, "the directory rejected the bind credentials")                     \
    X(ad_user_not_found, "Active Directory: no such user")                                         \
    X(ad_account_disabled, "Active Directory: the account is disabled")                            \
    X(ad_account_expired, "Active Directory: the account has expired")                             \
    X(ad_account_locked, "Active Directory: the account is locked out")                            \
    X(ad_password_expired, "Active Directory: the password has expired")                           \
    X(ad_password_must_change, "Active Directory: the password must be changed")                   \
    X(ad_logon_restricted, "Active Directory: logon not permitted at this time or workstation")    \
    X(ldap_strong_auth_required, "the directory requires signing or TLS for this bind")            \
    X(not_global_catalog, "the server on a Global Catalog port is not a ready Global Catalog")     \
    X(ldap_error, "the directory answered with another error")                                     \
    X(ldap_search_failed, "the bind worked but the search did not")                                \
    X(ldap_not_global_catalog, "a Global Catalog port answers, but not as a ready Global Catalog") \
    X(plaintext_auth_sent,                                                                         \
      "credentials crossed the network in clear text (the checklist allowed it)")                  \
    X(rpc_not_registered, "the RPC endpoint mapper does not list the interface")                   \
    X(rpc_ports_filtered, "the dynamic RPC ports are not reachable")                               \
    X(scep_error, "the SCEP/NDES service answered incorrectly")                                    \
    X(delivery_unconfirmed, "sent, but the protocol cannot confirm delivery (UDP)")                \
    X(idle_connection_dropped, "an idle connection was closed before the required time")           \
    X(fact_unknown, "a fact about this host could not be read, so it was not judged")              \
    X(below_minimum, "a resource of this host is below the documented minimum")                    \
    X(unsupported, "the operating system or runtime version is not supported")                     \
    X(missing, "a required component is not installed")                                            \
    X(insufficient_privileges, "the account running preflight lacks a needed right")               \
    X(wrong_password, "the password given does not open the file")                                 \
    X(file_problem, "a file is missing, unreadable or has the wrong contents")

enum class Reason {
#define PF_REASON_ENUM(code, meaning) code,
    PF_REASONS(PF_REASON_ENUM)
#undef PF_REASON_ENUM
};

std::string_view reason_code(Reason r);    // "timed_out"
std::string_view reason_meaning(Reason r); // one line for the documentation
std::optional<Reason> parse_reason(std::string_view code);
const std::vector<Reason>& all_reasons();

} // namespace pf
