#pragma once
#include "core/probe.hpp"

namespace pf {

// "http": one HTTP(S) request as the Cloud Connector makes it (the ACC guide:
// "Verify by entering https://awcmXXX.awmdm.com/awcm/status…"), directly or
// through the run's outbound proxy, judged against the expected status and
// body. A failure names its cause in the admin's words: the name, the
// connection (refused / filtered), the proxy (its own fault, 407 with the
// schemes it offers, 403 by policy, could not reach the target), TLS trust,
// or the answer (wrong status, missing text, a redirect not followed).
//
// Measurements: "dns" (this probe's own lookups), "connect" (TCP, to the
// proxy when one is used) and "tls" (the handshake, after CONNECT) are
// phase durations; "first byte" and "total" count from the start of the
// check, lookups and every redirect included.
ProbeKind http_probe();

} // namespace pf
