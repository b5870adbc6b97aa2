#pragma once
#include "core/probe.hpp"

namespace pf {

// Seed 001's "Software Requirements" and "General Requirements" rows, checked
// on the host preflight runs on. The Cloud Connector is a Windows service, so
// on any other host these say plainly that it cannot be installed there.

// "os": supported = '|' separated product names, e.g.
// "Windows Server 2008 R2|Windows Server 2012|Windows Server 2012 R2".
ProbeKind os_probe();

// "dotnet": minimum = .NET Framework version, default "4.0".
ProbeKind dotnet_probe();

// "powershell": PowerShell on PATH (the guide's optional "Install PowerShell").
ProbeKind powershell_probe();

// "privileges": whether preflight runs with administrator rights, as the
// installer must ("... and Administrator rights").
ProbeKind privileges_probe();

// "file": path = a file or directory that must exist, what = what it is.
ProbeKind file_probe();

#ifndef _WIN32
// The privileges verdict for an effective user id; the probe passes geteuid().
ProbeResult privileges_verdict(unsigned euid);
#endif

} // namespace pf
