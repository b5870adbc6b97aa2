#pragma once
#include <stdexcept>
#include <string>

namespace pf {

// Bad input from the user: a checklist, site file or command-line value. The
// message names where (file:line:column or the flag) and what was expected.
// Always ends the program with exit code 3, before any probe runs.
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

constexpr int exit_could_not_run = 3;

} // namespace pf
