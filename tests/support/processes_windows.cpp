#include "support/processes.hpp"

// Under Wine the tests cannot start Linux programs; the tests that need to
// (xmllint, servers, namespaces) are skipped there or built only for Linux.
namespace pft {

bool is_root() {
    return false;
}
bool have_program(const std::string&) {
    return false;
}

CommandResult run(const std::vector<std::string>&) {
    CommandResult r;
    r.err = "starting programs is not supported in the Windows test build";
    return r;
}

} // namespace pft
