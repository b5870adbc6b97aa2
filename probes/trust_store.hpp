#pragma once
#include <openssl/x509.h>
#include <string>
#include <vector>

namespace pf {

// Where trusted roots come from. Empty system locations mean the platform's
// own; tests inject theirs so they never depend on the machine's store.
struct TrustLocations {
    std::string system_file;           // a PEM bundle replacing the system store
    std::string system_dir;            // a hashed directory replacing the system store
    std::vector<std::string> ca_files; // --ca-file: added to whichever store is used
};

// Fills store with the roots a client on this host trusts. On Windows that is
// the ROOT and CA system stores, which is what the Cloud Connector (a .NET
// service) trusts; elsewhere OpenSSL's default locations. Returns how many
// certificates were added from the system store (0 when it could not be read).
std::size_t load_trusted_roots(X509_STORE* store, const TrustLocations& where);

// The platform part: the system store's certificates into store.
std::size_t load_system_roots(X509_STORE* store);

} // namespace pf
