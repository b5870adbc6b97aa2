#include "base/reason_text.hpp"

namespace pf {

Message reason_meaning_message(Reason r) {
    return Message{"reason." + std::string(reason_code(r)), {}};
}

} // namespace pf
