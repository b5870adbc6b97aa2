// The Windows build links Wldap32 but does not speak LDAP through it yet:
// the probe says so instead of guessing.
#include "probes/ldap_client.hpp"

namespace pf {

bool ldap_client_available() {
    return false;
}

LdapOutcome ldap_converse(const LdapRequest&, const LdapTlsCheck&, std::atomic<int>&) {
    LdapOutcome o;
    o.api_error = true;
    o.code = -1;
    o.error = "LDAP probe is not available in this Windows build yet";
    return o;
}

} // namespace pf
