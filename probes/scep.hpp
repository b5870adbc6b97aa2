#pragma once
#include "core/probe.hpp"

namespace pf {

// "scep": what the UEM console's "Test Connection" for a Generic SCEP
// authority does (the EAS certificate authentication guide), against NDES or any SCEP server (RFC
// 8894): GET ?operation=GetCACaps lists the server's capabilities, and ?operation=GetCACert returns
// the CA certificate (one DER certificate) or the CA and its RA certificates (a degenerate PKCS#7
// bundle), each listed with subject, issuer and expiry. An expired CA or RA certificate, an error
// page (NDES not installed, its application pool stopped) or a TLS problem
// fails with the cause.
ProbeKind scep_probe();

} // namespace pf
