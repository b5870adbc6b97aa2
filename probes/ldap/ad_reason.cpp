#include "probes/ldap/ldap.hpp"

namespace pf {

// Windows' logon failure codes (the same table as ad_bind_reason's texts),
// as stable reason codes for JSON and monitoring.
Reason ad_bind_reason_code(const std::string& code) {
    static const std::pair<const char*, Reason> codes[] = {
        {"525", Reason::ad_user_not_found},   {"52e", Reason::ldap_invalid_credentials},
        {"530", Reason::ad_logon_restricted}, {"531", Reason::ad_logon_restricted},
        {"532", Reason::ad_password_expired}, {"533", Reason::ad_account_disabled},
        {"701", Reason::ad_account_expired},  {"773", Reason::ad_password_must_change},
        {"775", Reason::ad_account_locked},
    };
    for (const auto& [k, reason] : codes)
        if (code == k) return reason;
    return Reason::ldap_invalid_credentials;
}

} // namespace pf
