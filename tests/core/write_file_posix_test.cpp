#include "base/write_file.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

// Reports replace their file in one rename, but a report sent to a device
// or a pipe (--html /dev/null, --json /dev/stdout, a FIFO a collector
// reads) must be written into it: a rename would put a plain file where the
// device was, for every later program too.
BOOST_AUTO_TEST_SUITE(write_file)

BOOST_AUTO_TEST_CASE(a_regular_file_is_replaced_whole_and_no_temporary_is_left) {
    pft::TempDir t;
    const std::string path = t.file("r.json");
    { std::ofstream(path) << "yesterday"; }
    pf::write_file_atomically(path, std::string("today"));
    std::ifstream in(path);
    std::stringstream got;
    got << in.rdbuf();
    BOOST_TEST(got.str() == "today");
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(t.path()))
        ++files;
    BOOST_TEST(files == 1u);
}

BOOST_AUTO_TEST_CASE(a_pipe_is_written_into_and_stays_a_pipe) {
    pft::TempDir t;
    const std::string path = t.file("collector.fifo");
    BOOST_REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
    // The reading end is open first (non-blocking), so the write neither
    // waits for a reader nor, should the pipe be replaced, hangs the test.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
    BOOST_REQUIRE(fd >= 0);
    pf::write_file_atomically(path, std::string("metrics 1\n"));
    char buf[64] = {};
    ssize_t n = ::read(fd, buf, sizeof buf);
    ::close(fd);
    BOOST_TEST(std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0) == "metrics 1\n");
    struct stat st {};
    BOOST_REQUIRE(::stat(path.c_str(), &st) == 0);
    BOOST_TEST(S_ISFIFO(st.st_mode));
}

// Written beside it and renamed: a reader (a browser reloading the report, a
// collector) sees the whole previous report until the new one is whole.
BOOST_AUTO_TEST_CASE(the_old_report_stays_whole_until_the_new_one_is_complete) {
    pft::TempDir t;
    const std::string path = t.file("r.json");
    { std::ofstream(path) << "yesterday"; }
    auto read = [&] {
        std::ifstream in(path);
        std::stringstream got;
        got << in.rdbuf();
        return got.str();
    };
    std::string seen_while_writing;
    pf::write_file_atomically(path, [&](std::ostream& out) {
        out << std::string(200000, 'x'); // past the write buffer: on disk already
        out.flush();
        seen_while_writing = read();
        out << "end";
    });
    BOOST_TEST(seen_while_writing == "yesterday");
    BOOST_TEST(read() == std::string(200000, 'x') + "end");
}

// The last-run folder's files are created in a folder of the run's own:
// a file already there is another writer's, never overwritten.
BOOST_AUTO_TEST_CASE(a_new_file_is_written_whole_and_an_existing_one_is_left_alone) {
    pft::TempDir t;
    const std::string path = t.file("report.json");
    pf::write_new_file(path, "today");
    std::ifstream in(path);
    std::stringstream got;
    got << in.rdbuf();
    BOOST_TEST(got.str() == "today");
    BOOST_CHECK_THROW(pf::write_new_file(path, "again"), std::runtime_error);
    std::ifstream again(path);
    std::stringstream kept;
    kept << again.rdbuf();
    BOOST_TEST(kept.str() == "today");
}

BOOST_AUTO_TEST_SUITE_END()
