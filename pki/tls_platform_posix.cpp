#include "pki/interception.hpp"

namespace pf {

// Debian and Ubuntu ship Mozilla's root programme here, apart from the roots
// an admin adds under /usr/local/share/ca-certificates: exactly the split
// the locally-added-root test needs. Elsewhere there may be none.
std::string default_public_roots() {
    return "/usr/share/ca-certificates/mozilla";
}

} // namespace pf
