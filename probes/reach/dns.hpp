#pragma once
#include "core/probe.hpp"

namespace pf {

// "dns": resolves a name and lists every address, or says why it cannot.
ProbeKind dns_probe();

} // namespace pf
