#pragma once
#include "core/probe.hpp"

namespace pf {

// "activesync": Exchange ActiveSync as a device (and the EAS certificate authentication guide's
// certificate authentication) meets it. An OPTIONS without credentials must be answered 401 with
// the schemes offered (Basic, NTLM, Negotiate, Bearer); with credentials, 200 and
// MS-ASProtocolVersions. A server that asks for a client certificate in the TLS handshake, or
// answers IIS 403.7, shows certificate authentication is in play (client_cert="require" fails
// without it); IIS 403.13/16/17 are decoded. require_ssl checks that plain
// HTTP is refused or redirected to https (the EAS certificate authentication guide: "Authentication
// using certificates fails over a non-SSL connection").
ProbeKind activesync_probe();

} // namespace pf
