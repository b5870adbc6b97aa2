// The HTML report's local time is the clock of the machine that wrote it,
// with its offset, next to UTC: what the admin compares with their own logs.
#include "reports/html.hpp"
#include "sample_report.hpp"
#include "support/scoped_env.hpp"
#include <boost/test/unit_test.hpp>
#include <ctime>
#include <sstream>

namespace {

// The report as written on a machine in zone (a POSIX TZ value, which
// needs no zone database); the test's own zone is back afterwards.
std::string html_in(const std::string& zone) {
    std::string html;
    {
        pft::ScopedEnv tz("TZ", zone);
        tzset();
        pf::test::SampleRun s;
        std::ostringstream out;
        pf::write_html(s.report, out);
        html = out.str();
    }
    tzset();
    return html;
}

} // namespace

BOOST_AUTO_TEST_SUITE(html_local_time)

BOOST_AUTO_TEST_CASE(started_is_shown_in_utc_and_in_the_local_zone_with_its_offset) {
    // The sample run started at 2027-01-15T08:00:00Z.
    auto tokyo = html_in("JST-9");
    BOOST_TEST(tokyo.find("2027-01-15T08:00:00Z") != std::string::npos);
    BOOST_TEST(tokyo.find("2027-01-15 17:00:00 +09:00") != std::string::npos);
    auto newfoundland = html_in("NST3:30");
    BOOST_TEST(newfoundland.find("2027-01-15 04:30:00 -03:30") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
