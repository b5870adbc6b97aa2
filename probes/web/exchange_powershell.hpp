#pragma once
#include "core/probe.hpp"

namespace pf {

// "exchange_powershell": Exchange's remote PowerShell virtual directory,
// which authenticates with Kerberos only: a request without credentials
// must be answered 401 offering Negotiate (or Kerberos). Basic or NTLM
// alone, a 404 (the virtual directory is missing) or an error page fails
// with the cause.
ProbeKind exchange_powershell_probe();

} // namespace pf
