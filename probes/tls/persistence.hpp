#pragma once
#include "core/probe.hpp"

namespace pf {

// "tls_idle": the guide's "the outbound connection required for use by ACC
// must remain open at all times". Opens a TLS connection the way the tls
// probe does (through the run's proxy unless bypassed), sends nothing, and
// watches for the path to close it: proxies and firewalls with short idle
// timeouts cut the ACC's long-lived AWCM connection.
ProbeKind tls_idle_probe();

} // namespace pf
