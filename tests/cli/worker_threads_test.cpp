// Runs that end while a worker thread (a name lookup) may still be on its
// way out. Under AddressSanitizer (scripts/test-sanitizers.sh) one run of a
// single dns check in three used to abort with a heap-use-after-free: the
// worker destroyed the probe's timer after the io_context was gone.
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>

BOOST_AUTO_TEST_SUITE(worker_threads)

BOOST_AUTO_TEST_CASE(a_single_dns_check_run_twenty_times_ends_cleanly_each_time) {
    pft::TempDir t;
    auto list = t.write("dns.xml",
                        "<checklist id=\"one\" title=\"One\" timeout=\"2\"><source document=\"t\"/>"
                        "<section id=\"s\" title=\"S\"><check id=\"c\" title=\"C\" "
                        "severity=\"required\"><probe kind=\"dns\" host=\"localhost\"/>"
                        "<requirement>r</requirement><fix>f</fix></check></section></checklist>");
    for (int i = 0; i < 20; ++i) {
        auto r = pft::run({PREFLIGHT_BINARY, "run", "--checklist", list, "--html", t.file("r.html"),
                           "--junit", t.file("r.junit.xml")});
        BOOST_TEST_REQUIRE(r.exit_code == 0, "run " << i << ": " << r.out << r.err);
        BOOST_TEST(r.out.find("PASS  c  C: localhost resolves") != std::string::npos, r.out);
    }
}

BOOST_AUTO_TEST_SUITE_END()
