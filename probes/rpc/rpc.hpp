#pragma once
#include "core/probe.hpp"

namespace pf {

// "rpc_epmap": asks the DCE/RPC endpoint mapper on port 135 (ept_map) where
// an interface listens — by default ICertPassage, through which a Windows CA
// enrols certificates over DCOM/RPC — and connects to that port. Says "not
// registered" when the CA service is stopped or does not expose it.
ProbeKind rpc_epmap_probe();

// "rpc_dynamic_range": samples the RPC dynamic port range (49152-65535, or
// 1025-5000 on legacy hosts) and says whether a firewall lets it through.
ProbeKind rpc_dynamic_range_probe();

} // namespace pf
