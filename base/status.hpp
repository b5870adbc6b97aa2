#pragma once
#include <ostream>
#include <string_view>

namespace pf {

// Ordered from worst to best so that sorting by Status puts failures first.
enum class Status { fail, error, warn, pass, skip };

enum class Severity { required, recommended, optional };

std::string_view to_string(Status s);
std::string_view to_string(Severity s);
bool parse_severity(std::string_view text, Severity& out);

// A failing check only fails the run when the requirement is mandatory; for
// recommended and optional requirements the same diagnosis is a warning.
Status effective_status(Status probe_status, Severity severity);

inline std::ostream& operator<<(std::ostream& o, Status s) {
    return o << to_string(s);
}

} // namespace pf
