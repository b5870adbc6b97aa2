#pragma once
#include "core/probe.hpp"

namespace pf {

// "tls": the guide's "ensure there is no certificate trust error", done the
// way the ACC will meet it: connects (through the run's proxy unless
// bypassed), makes a TLS handshake, and judges what came back — protocol
// version, the chain against the trust store (untrusted root, self-signed,
// expired, name mismatch, missing intermediate, expiring soon) and signs of
// TLS interception, which go into the result's alert.
ProbeKind tls_probe();

} // namespace pf
