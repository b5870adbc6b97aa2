#pragma once
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace pft {

// A Boost.Test precondition: the test is skipped, with this reason in the
// log, when not running as root or when a program it starts is missing.
struct NeedsRoot {
    std::vector<std::string> programs;
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id id) const {
        boost::test_tools::assertion_result ok(true);
        if (!is_root()) {
            ok = false;
            ok.message() << "skipped: needs root to create a network namespace (CI runs as root)";
            return ok;
        }
        return NeedsPrograms{programs}(id);
    }
};

inline auto needs_root(std::vector<std::string> programs = {}) {
    return boost::unit_test::precondition(NeedsRoot{std::move(programs)});
}

} // namespace pft

namespace pft {

// Skips a test that validates with xmllint where there is none (the Windows
// build under Wine cannot start it; the Linux build always has it).
struct NeedsXmllint {
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result ok(std::string(XMLLINT).size() > 0 &&
                                               std::string(XMLLINT).find("NOTFOUND") ==
                                                   std::string::npos);
        if (!ok)
            ok.message()
                << "skipped: xmllint is not available in this build (the Linux build runs it)";
        return ok;
    }
};

inline auto needs_xmllint() {
    return boost::unit_test::precondition(NeedsXmllint{});
}

} // namespace pft
