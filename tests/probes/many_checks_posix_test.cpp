// Runs of hundreds of checks with the default settings: checks that only
// wait are not what limits a run (a filtered network takes one deadline,
// not one per few hundred checks), and under a low open-file limit every
// check still gets its own verdict, none "out of file descriptors".
#include "support/report_run.hpp"
#include "support/silent_peers_posix.hpp"
#include "support/text_match.hpp"
#include <arpa/inet.h>
#include <boost/test/unit_test.hpp>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

std::string checklist(const pft::TempDir& d, const std::string& timeout,
                      const std::vector<std::pair<std::string, std::string>>& checks) {
    std::string body;
    for (const auto& [id, port] : checks)
        body += "<check id=\"" + id + "\" title=\"Port " + port +
                "\" severity=\"required\"><probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + port +
                "\"/><requirement>The port answers.</requirement><fix>Open it.</fix></check>\n";
    return d.write("many.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                               "<checklist id=\"many\" title=\"Many\" timeout=\"" +
                                   timeout +
                                   "\"><source document=\"AirWatch Cloud Connector (ACC) "
                                   "Guide\"/><section id=\"net\" title=\"Network\">" +
                                   body + "</section></checklist>\n");
}

// A loopback socket bound to a port of its own: listening (a connect is
// accepted into its queue) or not (a connect is refused).
struct LoopbackPort {
    int fd = -1;
    unsigned short port = 0;
    explicit LoopbackPort(bool listening) {
        fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_TEST_REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        socklen_t len = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
        port = ntohs(a.sin_port);
        if (listening) BOOST_TEST_REQUIRE(listen(fd, 1024) == 0);
    }
    ~LoopbackPort() { close(fd); }
    std::string text() const { return std::to_string(port); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(many_checks)

// With one check in flight per 256 (the old default), 600 filtered ports
// took three deadlines; a check that waits costs nothing, so all wait together.
BOOST_AUTO_TEST_CASE(filtered_checks_beyond_256_all_end_at_one_deadline) {
    pft::TempDir d;
    pft::UnansweredConnect filtered;
    std::vector<std::pair<std::string, std::string>> checks;
    for (int i = 0; i < 600; ++i)
        checks.emplace_back("f" + std::to_string(i), filtered.port_text());
    auto t0 = std::chrono::steady_clock::now();
    auto run =
        pft::preflight_run(d, "filtered", {"--checklist", checklist(d, "1", checks), "--quiet"});
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    for (const auto& [id, port] : checks) {
        BOOST_TEST(run->status(id) == "fail", id << ": " << run->summary(id));
        BOOST_TEST(pft::contains(run->summary(id), "timed out"), id << ": " << run->summary(id));
    }
    // One deadline (1 s), its grace and the reports; three deadlines before.
    BOOST_TEST(secs < 2.0, secs << " s for 600 filtered checks with a 1 s deadline");
}

// 64 descriptors for 300 checks: each waits for a socket rather than
// failing with EMFILE, and is judged on what the port did.
BOOST_AUTO_TEST_CASE(every_check_is_judged_under_a_limit_of_64_open_files) {
    pft::TempDir d;
    LoopbackPort open(true), refused(false);
    std::vector<std::pair<std::string, std::string>> checks;
    for (int i = 0; i < 300; ++i)
        checks.emplace_back("c" + std::to_string(i), i % 2 ? refused.text() : open.text());
    auto run = pft::preflight_run(d, "low", {"--checklist", checklist(d, "20", checks), "--quiet"},
                                  "run", {"prlimit", "--nofile=64:64"});
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto& id = checks[i].first;
        BOOST_TEST(run->status(id) == (i % 2 ? "fail" : "pass"), id << ": " << run->summary(id));
        BOOST_TEST(!pft::contains(run->summary(id), "file descriptor"), run->summary(id));
        if (i % 2) BOOST_TEST(pft::contains(run->summary(id), "refused"), run->summary(id));
    }
}

BOOST_AUTO_TEST_SUITE_END()
