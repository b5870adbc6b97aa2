#pragma once
#include "core/probe.hpp"

namespace pf {

// "hardware": one of this host's resources against a minimum, from the facts
// read at the start of the run (the ACC guide, "Hardware Requirements": 1 CPU core
// at 2.0+ GHz, 2 GB RAM, 1 GB disk plus 5 GB when logging).
//   resource: cores | cpu_clock | ram | disk
//   minimum:  a count for cores, "2.0GHz" for cpu_clock, "2GB" for ram and disk
ProbeKind hardware_probe();

} // namespace pf
