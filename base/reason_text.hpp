#pragma once
#include "base/probe_result.hpp"

namespace pf {

// The meaning of r as people read it, in the active language: the catalog
// key reason.<code>. Its English text is reason_meaning(r), which the
// documentation quotes; tests keep the two equal and a key for every code in
// every catalog (scripts/check-messages.py).
Message reason_meaning_message(Reason r);

} // namespace pf
