#pragma once
#include "core/probe.hpp"
#include "core/proxy_config.hpp"
#include "net/proxy_text.hpp"
#include <string>
#include <vector>

namespace pf {

// "proxy": opens a CONNECT tunnel to host:port through the run's outbound
// proxy (the ACC guide: "If you plan on proxying ACC traffic through an outbound
// proxy…") and says whose fault a failure is: the proxy's (refused,
// unreachable, wants or rejects credentials, blocks by policy) or the path
// beyond it (the proxy could not reach the target).
ProbeKind proxy_probe();

} // namespace pf
