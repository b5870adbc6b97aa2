#pragma once
#include "core/run_environment.hpp"
#include <openssl/x509.h>
#include <string>
#include <vector>

namespace pf {

// Fills store with the roots a client on this host trusts. On Windows that is
// the ROOT and CA system stores, which is what the Cloud Connector (a .NET
// service) trusts; elsewhere OpenSSL's default locations. Returns how many
// certificates were added from the system store (0 when it could not be read).
std::size_t load_trusted_roots(X509_STORE* store, const TrustLocations& where);

// The platform part: the system store's certificates into store.
std::size_t load_system_roots(X509_STORE* store);

} // namespace pf
