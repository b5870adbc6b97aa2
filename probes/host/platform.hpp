#pragma once
#include "core/probe.hpp"

namespace pf {

// the ACC guide's "Software Requirements" and "General Requirements" rows. They
// judge the run's host facts only, never the live system, so that facts
// loaded from another server (--facts) get that server's verdicts. The Cloud
// Connector is a Windows service, so on any other host these say plainly
// that it cannot be installed there.

// "os": supported = '|' separated release names, e.g.
// "Windows Server 2008 R2|Windows Server 2012|Windows Server 2012 R2".
ProbeKind os_probe();

// "dotnet": minimum = .NET Framework version, default "4.0".
ProbeKind dotnet_probe();

// "powershell": Windows PowerShell installed (the guide's optional "Install
// PowerShell").
ProbeKind powershell_probe();

// "privileges": whether preflight runs with administrator rights, as the
// installer must ("... and Administrator rights").
ProbeKind privileges_probe();

// "file": path = a file or directory that must exist, what = what it is.
// Unlike the others it looks at this machine: the file is one the admin has
// at hand, such as the installer.
ProbeKind file_probe();

} // namespace pf
