// `preflight cert` runs its checks through the runner, as `run` does: Ctrl-C
// in the middle of a long list of files ends the run with the reports
// written, the checks done keeping their verdicts and the rest marked as
// not run. A command that judged the files itself would die of the signal
// and write nothing.
#include "support/certs.hpp"
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

using pft::contains;

namespace {

// Whether pid has a handler for sig (the SigCgt mask of /proc/PID/status):
// the runner installs one when the run starts.
bool catches(pid_t pid, int sig) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("SigCgt:", 0) == 0)
            return (std::stoull(line.substr(7), nullptr, 16) >> (sig - 1)) & 1u;
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(cli_cert_runner)

BOOST_AUTO_TEST_CASE(ctrl_c_during_cert_writes_the_reports_with_the_rest_not_run) {
    pft::TempDir dir;
    pft::CertFactory f;
    auto root = f.root({.cn = "Preflight Interrupt Root"});
    auto leaf = f.issue(root, {.cn = "arm.uem.example", .dns_sans = {"arm.uem.example"}});
    auto pem = pft::CertFactory::write_pem(dir.file("leaf.pem"), {&leaf, &root});
    std::ofstream(pem, std::ios::app) << leaf.key_pem();
    auto root_pem = pft::CertFactory::write_pem(dir.file("root.pem"), {&root});
    // Far more checks than run before the signal comes.
    std::vector<std::string> argv = {PREFLIGHT_BINARY, "cert",           "--trust-store",
                                     root_pem,         "--json",         dir.file("r.json"),
                                     "--junit",        dir.file("r.xml")};
    for (int i = 0; i < 400; ++i)
        argv.push_back(pem);
    pft::Background cert(argv, dir.file("out.txt"));
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!catches(cert.pid(), SIGINT) && cert.running() &&
           std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    BOOST_TEST_REQUIRE(catches(cert.pid(), SIGINT), "the run never handled Ctrl-C");
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // a few checks finish
    ::kill(cert.pid(), SIGINT);
    int code = cert.wait();
    auto out = pft::read_file(dir.file("out.txt"));
    BOOST_TEST(code == 3, out); // interrupted: could not run to the end

    auto j = nlohmann::json::parse(pft::read_file(dir.file("r.json")));
    BOOST_TEST(j["interrupted"] == true);
    BOOST_TEST(j["exit_code"] == 3);
    const auto& sections = j["sections"];
    BOOST_TEST_REQUIRE(sections.size() == 400u);
    // The first file was judged before the signal; the last never ran.
    const auto& first = sections.front()["checks"];
    BOOST_TEST_REQUIRE(first.size() == 5u);
    BOOST_TEST(first[0]["id"] == "file1.key");
    BOOST_TEST(first[0]["status"] == "pass", first[0].dump());
    const auto& last = sections.back()["checks"];
    BOOST_TEST_REQUIRE(last.size() == 1u);
    BOOST_TEST(last[0]["id"] == "file400.load");
    BOOST_TEST(last[0]["status"] == "skip");
    BOOST_TEST(last[0]["summary"] == "not run: the run was interrupted");
    BOOST_TEST(contains(pft::read_file(dir.file("r.xml")), "not run: the run was interrupted"));
    BOOST_TEST(contains(out, "not run: the run was interrupted"), out);
}

BOOST_AUTO_TEST_SUITE_END()
