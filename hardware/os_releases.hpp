#pragma once
#include <string>

namespace pf {

// Names of Windows releases from what the system reports about itself, kept
// apart from windows_facts.cpp so that Linux builds compile and test them.

// RtlGetVersion's wProductType: 1 "workstation", 2 "domain controller",
// 3 "server"; anything else "".
std::string windows_product_type(unsigned w_product_type);

// The registry's ProductOptions\ProductType, used when RtlGetVersion is not
// available: "WinNT" "workstation", "LanmanNT" "domain controller", "ServerNT"
// "server"; anything else "".
std::string windows_product_type(const std::string& registry_product_type);

// The release a version, build and product type ("workstation", "server",
// "domain controller") are, e.g. 6.1 build 7601 server "Windows Server 2008
// R2", 10.0 build 19045 workstation "Windows 10". A combination the table does
// not know gives product_name, the registry's ProductName.
std::string windows_release_name(unsigned major, unsigned minor, unsigned build,
                                 const std::string& product_type, const std::string& product_name);

} // namespace pf
