#pragma once
#include "core/probe.hpp"

namespace pf {

// "sizing": the planned deployment (--users, --servers) and this host's cores
// and RAM against the ACC guide's "Sizing for up to 200,000 Users" table. No
// parameters; skips when --users was not given.
ProbeKind sizing_probe();

} // namespace pf
