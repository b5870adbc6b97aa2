#pragma once
#include "core/probe.hpp"
#include "pki/tls_verify.hpp"
#include <string>
#include <vector>

namespace pf {

// "scep": what the UEM console's "Test Connection" for a Generic SCEP
// authority does (the EAS certificate authentication guide), against NDES or any SCEP server (RFC
// 8894): GET ?operation=GetCACaps lists the server's capabilities, and ?operation=GetCACert returns
// the CA certificate (one DER certificate) or the CA and its RA certificates (a degenerate PKCS#7
// bundle), each listed with subject, issuer and expiry. An expired CA or RA certificate, an error
// page (NDES not installed, its application pool stopped) or a TLS problem
// fails with the cause.
ProbeKind scep_probe();

// The certificates of a GetCACert answer, whatever the content type says:
// servers label them wrongly often enough (RFC 8894 4.2.1.1 and 4.2.1.2).
// form says how they came: "a PKCS#7 bundle", "one DER certificate", "PEM
// certificates", or "" when the body holds none.
std::vector<X509Ptr> scep_ca_certificates(const std::string& body, std::string& form);

} // namespace pf
