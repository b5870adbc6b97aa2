// The one translation unit that compiles Boost.Test itself (header-only, so
// the same tests build for Windows without a Boost library).
#define BOOST_TEST_MODULE preflight
#include <boost/test/included/unit_test.hpp>
