#pragma once
#include "core/probe.hpp"
#include <string>

namespace pf {

// "ldap": connects to an LDAP server or Active Directory domain controller
// (plain, StartTLS or LDAPS; the Global Catalog is ports 3268/3269), reads
// the rootDSE, binds as the service account when given, and checks that a
// search base exists. AD's reasons for a refused bind are decoded.
ProbeKind ldap_probe();

// The meaning of AD's "data XXX" sub-code in a bind's diagnostic message
// ("80090308: LdapErr: DSID-0C09041C, comment: AcceptSecurityContext error,
// data 52e, v4563"); empty when there is none or it is not known.
std::string ad_bind_reason(const std::string& diagnostic, std::string* code = nullptr);
// The reason code of such a sub-code ("52e"): ldap_invalid_credentials when unknown.
Reason ad_bind_reason_code(const std::string& code);

} // namespace pf
