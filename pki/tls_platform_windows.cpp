#include "pki/interception.hpp"

namespace pf {

// Windows keeps Microsoft's programme roots and locally added ones in the
// same ROOT store (and fetches programme roots on demand), so there is no
// separate public bundle to compare with unless one is given.
std::string default_public_roots() {
    return {};
}

} // namespace pf
