#include "reports/prometheus.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <sstream>

using namespace pf;
using pf::test::occurrences;
using pf::test::SampleRun;

namespace {

std::string prom_of(const RunReport& r) {
    std::ostringstream out;
    write_prometheus(r, out);
    return out.str();
}

} // namespace

BOOST_AUTO_TEST_SUITE(prometheus_report)

BOOST_AUTO_TEST_CASE(one_status_series_per_check_with_its_value) {
    SampleRun s;
    auto text = prom_of(s.report);
    BOOST_TEST(text.find("preflight_check_status{checklist=\"acc\",check=\"net.tcp\",section="
                         "\"network\",severity=\"required\",reason=\"refused\"} 2\n") !=
               std::string::npos);
    BOOST_TEST(text.find("check=\"net.dns\",section=\"network\",severity=\"required\",reason="
                         "\"ok\"} 0\n") != std::string::npos);
    BOOST_TEST(text.find("check=\"net.proxy\",section=\"network\",severity=\"recommended\","
                         "reason=\"timed_out\"} 1\n") != std::string::npos);
    BOOST_TEST(text.find("check=\"host.ram\",section=\"host\",severity=\"required\",reason="
                         "\"fact_unknown\"} 3\n") != std::string::npos);
    // A skipped check keeps its series, at -1, with the reason it was skipped.
    BOOST_TEST(text.find("check=\"net.ldap\",section=\"network\",severity=\"optional\",reason="
                         "\"service_disabled\"} -1\n") != std::string::npos);
    BOOST_TEST(occurrences(text, "preflight_check_status{") == 7u);
    // Only checks that ran have a duration.
    BOOST_TEST(occurrences(text, "preflight_check_duration_seconds{") == 6u);
    BOOST_TEST(text.find("preflight_check_duration_seconds{checklist=\"acc\",check=\"net.tcp\"} "
                         "0.250\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(run_metrics_and_help_lines) {
    SampleRun s(true);
    auto text = prom_of(s.report);
    BOOST_TEST(text.find("preflight_run_exit_code{checklist=\"acc\"} 3\n") != std::string::npos);
    BOOST_TEST(text.find("preflight_run_duration_seconds{checklist=\"acc\"} 5.432\n") !=
               std::string::npos);
    BOOST_TEST(text.find("preflight_run_timestamp_seconds{checklist=\"acc\"} 1800000005.432\n") !=
               std::string::npos);
    for (auto name : {"preflight_check_status", "preflight_check_duration_seconds",
                      "preflight_run_timestamp_seconds", "preflight_run_exit_code",
                      "preflight_run_duration_seconds"}) {
        BOOST_TEST(occurrences(text, std::string("# TYPE ") + name + " gauge\n") == 1u, name);
        BOOST_TEST(occurrences(text, std::string("# HELP ") + name + " ") == 1u, name);
    }
    BOOST_TEST(text.back() == '\n');
}

BOOST_AUTO_TEST_CASE(certificate_expiry_one_series_per_check_and_subject) {
    SampleRun s;
    auto& certs = s.report.results[1].result.certificates;
    certs.resize(3);
    certs[0].subject = "CN=uem.example.com";
    certs[0].not_after = "2027-01-01T00:00:00Z";
    certs[1].subject = "CN=Old \"CA\"";
    certs[1].not_after = "2030-06-01T12:30:15Z";
    certs[2].subject = "CN=Old \"CA\""; // the same subject renewed: the earlier one counts
    certs[2].not_after = "2028-02-29T00:00:00Z";
    auto text = prom_of(s.report);
    BOOST_TEST(text.find("preflight_certificate_expiry_timestamp_seconds{checklist=\"acc\",check="
                         "\"net.tcp\",subject=\"CN=uem.example.com\"} 1798761600.000\n") !=
                   std::string::npos,
               text);
    BOOST_TEST(text.find("subject=\"CN=Old \\\"CA\\\"\"} 1835395200.000\n") != std::string::npos,
               text);
    BOOST_TEST(occurrences(text, "preflight_certificate_expiry_timestamp_seconds{") == 2u);
    // No certificates, no family: HELP without samples would only confuse.
    SampleRun none;
    BOOST_TEST(prom_of(none.report).find("certificate_expiry") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(label_values_are_escaped) {
    BOOST_TEST(prometheus_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
    // Bytes that are not UTF-8 would make the whole file unreadable to the collector.
    BOOST_TEST(prometheus_label_value("x\xff") == "x\xef\xbf\xbd");
}

BOOST_AUTO_TEST_SUITE_END()
