#pragma once
#include "core/probe.hpp"
#include "probes/tls/cert_checks.hpp"

namespace pf {

// "cert-file": a certificate file an admin is about to install (the certificate renewal guide's
// SSL, signing and APNs certificates; the EAS certificate authentication guide's EAS client
// certificates), judged before the outage: private key, chain, expiry, key size, signature and the
// profile's own checks, with the thumbprint ARM's certId wants.
ProbeKind cert_file_probe();

// How a file that cannot be opened is judged: a wrong or missing password is
// the run's input (error); a corrupt or unsupported file is a finding (fail).
Status load_failure_status(const CertFileError& e);
Reason load_failure_reason(const CertFileError& e);

// One result for all of a file's checks: the worst verdict, every check's
// line as evidence, the certificates as rows and folded blocks.
ProbeResult combine_cert_checks(const CertFile& f, const std::vector<CertCheck>& checks);

} // namespace pf
