#pragma once
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <string>
#include <vector>

namespace pft {

// A Boost.Test precondition: the test is skipped, with this reason in the
// log, when a program it starts is missing. Unlike needs_root, it runs as
// any user: the test servers need no privileges on high loopback ports.
struct NeedsPrograms {
    std::vector<std::string> programs;
    boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
        boost::test_tools::assertion_result ok(true);
        for (const auto& p : programs)
            if (!have_program(p)) {
                ok = false;
                ok.message() << "skipped: " << p
                             << " is not installed (scripts/install-deps.sh --test)";
                return ok;
            }
        return ok;
    }
};

inline auto needs_programs(std::vector<std::string> programs) {
    return boost::unit_test::precondition(NeedsPrograms{std::move(programs)});
}

} // namespace pft
