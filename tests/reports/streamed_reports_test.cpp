// A report of a large run is written as it is rendered, check by check: the
// run never holds the whole report in memory as a document or as text
// (issue 16's memory targets; a 3,000-check run's JSON, HTML and JUnit
// reports are MBs each). Seen from the stream: no single write carries more
// than a few checks' worth of the report.
#include "reports/html.hpp"
#include "reports/json.hpp"
#include "reports/junit.hpp"
#include "sample_report.hpp"
#include <boost/test/unit_test.hpp>
#include <functional>
#include <streambuf>

using namespace pf;
using pf::test::SampleRun;

namespace {

// Counts the bytes and remembers the largest piece handed over at once.
class PieceSizes : public std::streambuf {
  public:
    std::size_t total = 0, largest = 0;

  protected:
    std::streamsize xsputn(const char*, std::streamsize n) override {
        total += static_cast<std::size_t>(n);
        largest = std::max(largest, static_cast<std::size_t>(n));
        return n;
    }
    int_type overflow(int_type ch) override {
        if (ch != traits_type::eof()) xsputn(nullptr, 1);
        return ch;
    }
};

// The sample's results, about 2,000 of them.
void make_large(SampleRun& s) {
    auto one = s.report.results;
    for (int i = 0; i < 2000 / static_cast<int>(one.size()); ++i)
        s.report.results.insert(s.report.results.end(), one.begin(), one.end());
}

PieceSizes written_by(const std::function<void(const RunReport&, std::ostream&)>& write,
                      const RunReport& r) {
    PieceSizes pieces;
    std::ostream out(&pieces);
    write(r, out);
    return pieces;
}

} // namespace

BOOST_AUTO_TEST_SUITE(streamed_reports)

BOOST_AUTO_TEST_CASE(json_junit_and_html_are_written_check_by_check) {
    SampleRun s;
    make_large(s);
    for (const auto& [name, write] :
         std::vector<std::pair<std::string, std::function<void(const RunReport&, std::ostream&)>>>{
             {"json", write_json}, {"junit", write_junit}, {"html", write_html}}) {
        PieceSizes p = written_by(write, s.report);
        BOOST_TEST_INFO(name << ": " << p.total << " bytes, largest piece " << p.largest);
        BOOST_TEST(p.total > 500000u);
        BOOST_TEST(p.largest < 64u * 1024);
    }
}

BOOST_AUTO_TEST_SUITE_END()
