// preflight.exe, cross-built for Windows, run under Wine from the Linux test
// build: native Windows host facts (cores, RAM, disk, the OS that winecfg
// sets, .NET from the registry), probes on loopback, and --facts files moving
// between the two builds.
#include "support/certs.hpp"
#include "support/nagios_core_posix.hpp"
#include "support/needs_programs.hpp"
#include "support/preconditions.hpp"
#include "support/processes.hpp"
#include "support/servers_posix.hpp"
#include "support/slapd_posix.hpp"
#include "support/smtp_server_posix.hpp"
#include <asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/statvfs.h>
#include <thread>
#include <unistd.h>

using nlohmann::json;

namespace {

// One Wine prefix for this test program, made once (wineboot takes seconds).
struct WinePrefix {
    pft::TempDir dir;
    std::string path = dir.file("prefix");
    WinePrefix() {
        setenv("WINEPREFIX", path.c_str(), 1);
        setenv("WINEDEBUG", "-all", 1);
        setenv("WINEDLLOVERRIDES", "mscoree,mshtml=", 1); // no Mono/Gecko downloads
        auto r = pft::run({"wineboot", "-i"});
        if (r.exit_code != 0) throw std::runtime_error("wineboot failed: " + r.err);
    }
    ~WinePrefix() { pft::run({"wineserver", "-k"}); }
};

WinePrefix& prefix() {
    static WinePrefix p;
    return p;
}

// Wine maps Z: to /, so a Linux path is Z: plus the path.
std::string winpath(const std::string& p) {
    return "Z:" + p;
}

pft::CommandResult exe(std::vector<std::string> args) {
    prefix();
    args.insert(args.begin(), {"wine", PREFLIGHT_WINDOWS_EXE});
    return pft::run(args);
}

void winecfg_version(const std::string& v) {
    prefix();
    BOOST_REQUIRE(pft::run({"wine", "winecfg", "/v", v}).exit_code == 0);
}

void reg(const std::vector<std::string>& args) {
    prefix();
    std::vector<std::string> argv = {"wine", "reg"};
    argv.insert(argv.end(), args.begin(), args.end());
    pft::run(argv);
}

const char* kNdp = "HKLM\\Software\\Microsoft\\NET Framework Setup\\NDP\\v4\\Full";

json facts() {
    auto r = exe({"facts", "--json"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return json::parse(r.out);
}

std::uint64_t meminfo_total() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::uint64_t kb = 0;
    while (in >> key >> kb)
        if (key == "MemTotal:") return kb * 1024;
    return 0;
}

std::map<std::string, json> checks_by_id(const std::string& json_file) {
    std::map<std::string, json> out;
    auto j = json::parse(pft::read_file(json_file));
    for (const auto& s : j["sections"])
        for (const auto& c : s["checks"])
            out[c["id"]] = c;
    return out;
}

std::string one_check(const std::string& id, const std::string& probe) {
    return "<check id=\"" + id + "\" title=\"" + id + "\" severity=\"required\">" + probe +
           "<requirement>r</requirement><fix>f</fix></check>";
}

} // namespace

BOOST_AUTO_TEST_SUITE(
    windows_under_wine, *boost::unit_test::precondition([](auto) {
        boost::test_tools::assertion_result ok(pft::have_program("wine"));
        ok.message() << "skipped: wine is not installed (scripts/install-deps.sh --windows)";
        return ok;
    }))

BOOST_AUTO_TEST_CASE(cores_ram_and_disk_agree_with_the_host) {
    auto f = facts();
    BOOST_TEST(f["os_family"] == "windows");
    BOOST_TEST(f["logical_cores"].get<long>() == sysconf(_SC_NPROCESSORS_ONLN));
    double ram = f["ram_bytes"].get<double>(), host = double(meminfo_total());
    BOOST_TEST(ram > host * 0.9);
    BOOST_TEST(ram < host * 1.1);
    // C: is the prefix's drive_c, on the Linux filesystem under the prefix.
    struct statvfs vfs {};
    BOOST_REQUIRE(statvfs(prefix().path.c_str(), &vfs) == 0);
    double free_host = double(vfs.f_bavail) * vfs.f_frsize,
           free_win = f["disk_free_bytes"].get<double>();
    BOOST_TEST(free_win > free_host * 0.95);
    BOOST_TEST(free_win < free_host * 1.05 + 64e6);
}

BOOST_AUTO_TEST_CASE(the_os_follows_winecfg) {
    pft::TempDir t;
    winecfg_version("win2008r2");
    auto f = facts();
    BOOST_TEST(f["os_name"] == "Windows Server 2008 R2");
    BOOST_TEST(f["os_build"] == "7601");
    BOOST_TEST(f["os_product_type"] == "server");
    auto r = exe({"run", "--json", winpath(t.file("r.json"))});
    auto c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["sw.os"]["status"] == "pass", c["sw.os"]["summary"]);

    winecfg_version("win10");
    f = facts();
    BOOST_TEST(f["os_name"] == "Windows 10");
    BOOST_TEST(f["os_product_type"] == "workstation");
    exe({"run", "--json", winpath(t.file("r.json"))});
    c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["sw.os"]["status"] == "fail");
    BOOST_TEST(c["sw.os"]["summary"].get<std::string>().find("Windows 10 is a client edition") ==
                   0u,
               c["sw.os"]["summary"]);
    winecfg_version("win2008r2");
}

BOOST_AUTO_TEST_CASE(dotnet_release_value_maps_to_version_and_verdict) {
    pft::TempDir t;
    reg({"delete", kNdp, "/f"});
    auto f = facts();
    BOOST_TEST(f["dotnet4_full"] == false);
    exe({"run", "--json", winpath(t.file("r.json"))});
    auto c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["sw.dotnet"]["status"] == "fail");
    BOOST_TEST(c["sw.dotnet"]["summary"].get<std::string>().find("not installed") !=
                   std::string::npos,
               c["sw.dotnet"]["summary"]);

    reg({"add", kNdp, "/v", "Release", "/t", "REG_DWORD", "/d", "528040", "/f"});
    f = facts();
    BOOST_TEST(f["dotnet4_full"] == true);
    BOOST_TEST(f["dotnet_release"] == 528040);
    BOOST_TEST(f["dotnet_version"] == "4.8");
    exe({"run", "--json", winpath(t.file("r.json"))});
    c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["sw.dotnet"]["status"] == "pass", c["sw.dotnet"]["summary"]);

    reg({"add", kNdp, "/v", "Release", "/t", "REG_DWORD", "/d", "394802", "/f"});
    BOOST_TEST(facts()["dotnet_version"] == "4.6.2");
    reg({"delete", kNdp, "/f"});
}

BOOST_AUTO_TEST_CASE(tcp_probes_reach_linux_listeners_on_loopback) {
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto open = std::to_string(listener.local_endpoint().port());
    auto closed = std::to_string(pft::unused_port());
    auto list = t.write(
        "list.xml",
        "<checklist id=\"w\" title=\"W\" timeout=\"3\"><source document=\"t\"/>"
        "<section id=\"net\" title=\"N\">" +
            one_check("open", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + open + "\"/>") +
            one_check("refused",
                      "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + closed + "\"/>") +
            "</section></checklist>");
    auto r = exe({"run", "--checklist", winpath(list), "--json", winpath(t.file("r.json")),
                  "--junit", winpath(t.file("r.xml"))});
    BOOST_TEST(r.exit_code == 2, r.out << r.err);
    auto c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["open"]["status"] == "pass", c["open"]["summary"]);
    BOOST_TEST(c["refused"]["status"] == "fail");
    BOOST_TEST(c["refused"]["summary"].get<std::string>().find("refused: 127.0.0.1 is up") == 0u,
               c["refused"]["summary"]);
    BOOST_TEST(pft::run({XMLLINT, "--noout", "--schema", JUNIT_XSD, t.file("r.xml")}).exit_code ==
               0);
}

// The console and JSON in Japanese: the same UTF-8 bytes as the Linux
// build writes, whether or not standard output is a console (here a pipe; a
// console is switched to UTF-8 by preflight.exe itself).
BOOST_AUTO_TEST_CASE(lang_ja_writes_japanese_as_utf8) {
    pft::TempDir t;
    auto closed = std::to_string(pft::unused_port());
    auto list = t.write("list.xml",
                        "<checklist id=\"w\" title=\"W\" timeout=\"3\"><source document=\"t\"/>"
                        "<section id=\"net\" title=\"N\">" +
                            one_check("refused", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" +
                                                     closed + "\"/>") +
                            "</section></checklist>");
    auto r = exe(
        {"run", "--lang", "ja", "--checklist", winpath(list), "--json", winpath(t.file("r.json"))});
    BOOST_TEST(r.exit_code == 2, r.out << r.err);
    // "拒否" (the start of connect.refused) as UTF-8, not in code page 932 or as '?'.
    const std::string refused = "\xE6\x8B\x92\xE5\x90\xA6";
    BOOST_TEST(r.out.find(refused) != std::string::npos, r.out);
    BOOST_TEST(r.out.find("nothing accepts connections") == std::string::npos, r.out);
    auto c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["refused"]["summary"].get<std::string>().find(refused) == 0u,
               c["refused"]["summary"]);
    BOOST_TEST(c["refused"]["reason"] == "refused");
}

BOOST_AUTO_TEST_CASE(tls_check_against_nginx_uses_the_windows_store_or_the_given_one) {
    // The Windows build verifies with the Windows ROOT and CA stores, which
    // do not hold the test's CA: untrusted. Given the CA as the trust store,
    // the same chain is trusted.
    pft::TempDir t;
    pft::CertFactory f;
    auto root = f.root({.cn = "preflight wine test root"});
    auto leaf =
        f.issue(root, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}, .ekus = {"serverAuth"}});
    auto root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    pft::Nginx nginx({{pft::CertFactory::write_pem(t.file("leaf.pem"), {&leaf, &root}),
                       pft::CertFactory::write_key(t.file("leaf.key"), leaf)}});
    auto list =
        t.write("list.xml", "<checklist id=\"w\" title=\"W\" timeout=\"5\"><source document=\"t\"/>"
                            "<section id=\"net\" title=\"N\">" +
                                one_check("tls", "<probe kind=\"tls\" host=\"127.0.0.1\" port=\"" +
                                                     std::to_string(nginx.port()) + "\"/>") +
                                "</section></checklist>");
    exe({"run", "--checklist", winpath(list), "--json", winpath(t.file("store.json"))});
    auto c = checks_by_id(t.file("store.json"));
    BOOST_TEST(c["tls"]["status"] == "fail", c["tls"]["summary"]);
    BOOST_TEST(c["tls"]["summary"].get<std::string>().find("untrusted root") == 0u,
               c["tls"]["summary"]);
    exe({"run", "--checklist", winpath(list), "--trust-store", winpath(root_pem), "--json",
         winpath(t.file("given.json"))});
    c = checks_by_id(t.file("given.json"));
    BOOST_TEST(c["tls"]["status"] == "pass", c["tls"]["summary"]);
}

// https through the proxy: the tunnel is ours and its socket is handed to
// the Windows build's curl, which must not connect it again (curl 7.88
// failed every such transfer on Windows with WSAEISCONN).
BOOST_AUTO_TEST_CASE(https_through_a_proxy_with_windows_curl) {
    pft::TempDir t;
    pft::CertFactory f;
    auto root = f.root({.cn = "preflight wine proxy test root"});
    auto leaf =
        f.issue(root, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}, .ekus = {"serverAuth"}});
    auto root_pem = pft::CertFactory::write_pem(t.file("root.pem"), {&root});
    pft::Nginx nginx({{pft::CertFactory::write_pem(t.file("leaf.pem"), {&leaf, &root}),
                       pft::CertFactory::write_key(t.file("leaf.key"), leaf)}});
    pft::Tinyproxy proxy;
    auto list = t.write(
        "list.xml", "<checklist id=\"w\" title=\"W\" timeout=\"5\"><source document=\"t\"/>"
                    "<section id=\"net\" title=\"N\">" +
                        one_check("web", "<probe kind=\"http\" host=\"127.0.0.1\" port=\"" +
                                             std::to_string(nginx.port()) +
                                             "\" scheme=\"https\" path=\"/\" expect=\"200-499\" "
                                             "via=\"proxy\"/>") +
                        "</section></checklist>");
    exe({"run", "--checklist", winpath(list), "--trust-store", winpath(root_pem), "--proxy",
         "http://127.0.0.1:" + std::to_string(proxy.port()), "--json",
         winpath(t.file("proxy.json"))});
    auto c = checks_by_id(t.file("proxy.json"));
    BOOST_TEST(c["web"]["status"] == "pass", c["web"]["summary"]);
    BOOST_TEST(proxy.log().find("CONNECT") != std::string::npos, proxy.log());
}

// The monitoring outputs of the Windows build, read by the consumers the
// Linux tests use: a Nagios core runs preflight.exe (under Wine) as its
// service checks and records what it understood, and promtool checks the
// textfile the .exe wrote. A passing, a warning and a failing run.
BOOST_AUTO_TEST_CASE(nagios_and_prometheus_read_the_exes_output,
                     *pft::needs_programs({"nagios4", "promtool", "sh", "env"})) {
    prefix();
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto open = std::to_string(listener.local_endpoint().port());
    auto closed = std::to_string(pft::unused_port());
    auto list = [&](const std::string& severity, const std::string& port) {
        std::string check = one_check(
            "net.console", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"" + port + "\"/>");
        check.replace(check.find("required"), 8, severity);
        return "<checklist id=\"w\" title=\"W\" timeout=\"3\"><source document=\"t\"/>"
               "<section id=\"net\" title=\"N\">" +
               check + "</section></checklist>";
    };
    const std::map<std::string, std::string> lists = {{"ok", list("required", open)},
                                                      {"warning", list("recommended", closed)},
                                                      {"critical", list("required", closed)}};
    // The core passes its environment on; the prefix is named anyway.
    std::map<std::string, std::string> commands;
    for (const auto& [name, xml] : lists)
        commands[name] = "/usr/bin/env WINEPREFIX=" + prefix().path + " WINEDEBUG=-all wine " +
                         PREFLIGHT_WINDOWS_EXE + " run --checklist " +
                         winpath(t.write(name + ".xml", xml)) + " --nagios -";
    // Interrupted ("$$" and "\\;" are "$" and ";" to Nagios): a TLS check waits on the listener
    // that never answers, and Ctrl+C (SIGINT, which Wine turns into the console's Ctrl+C) stops the
    // run while Wine's start-up is long over.
    const std::string silent = "<checklist id=\"w\" title=\"W\" timeout=\"30\"><source "
                               "document=\"t\"/><section id=\"net\" title=\"N\">" +
                               one_check("net.silent", "<probe kind=\"tls\" host=\"127.0.0.1\" "
                                                       "port=\"" +
                                                           open + "\"/>") +
                               "</section></checklist>";
    commands["unknown"] = "/bin/sh -c '/usr/bin/env WINEPREFIX=" + prefix().path +
                          " WINEDEBUG=-all wine " + PREFLIGHT_WINDOWS_EXE + " run --checklist " +
                          winpath(t.write("unknown.xml", silent)) +
                          " --nagios - & p=$$!\\; sleep 8\\; kill -INT $$p\\; wait $$p'";
    std::string log;
    auto states = pft::checked_once(commands, log);
    BOOST_TEST(states["unknown"]["current_state"] == "3", states["unknown"]["plugin_output"]);
    BOOST_TEST(states["unknown"]["plugin_output"].rfind("PREFLIGHT UNKNOWN - run interrupted", 0) ==
                   0u,
               states["unknown"]["plugin_output"]);
    BOOST_TEST_INFO("nagios.log:\n" << log);
    BOOST_TEST(states["ok"]["current_state"] == "0", states["ok"]["plugin_output"]);
    BOOST_TEST(states["ok"]["plugin_output"] == "PREFLIGHT OK - 1 passed");
    BOOST_TEST(states["ok"]["performance_data"].rfind("failed=0;;0;0 errors=0;;0;0 ", 0) == 0u,
               states["ok"]["performance_data"]);
    BOOST_TEST(states["warning"]["current_state"] == "1", states["warning"]["plugin_output"]);
    BOOST_TEST(states["warning"]["plugin_output"] ==
               "PREFLIGHT WARNING - 1 warning (net.console: refused), 0 passed");
    BOOST_TEST(states["critical"]["current_state"] == "2", states["critical"]["plugin_output"]);
    BOOST_TEST(states["critical"]["plugin_output"] ==
               "PREFLIGHT CRITICAL - 1 failed (net.console: refused), 0 passed");
    BOOST_TEST(
        states["critical"]["long_plugin_output"].rfind("CRITICAL net.console: refused - ", 0) == 0u,
        states["critical"]["long_plugin_output"]);

    const std::map<std::string, std::string> expected_exit = {
        {"ok", "0"}, {"warning", "1"}, {"critical", "2"}};
    for (const auto& [name, code] : expected_exit) {
        auto file = t.file(name + ".prom");
        auto r = exe({"run", "--checklist", winpath(t.file(name + ".xml")), "--prom", winpath(file),
                      "--quiet"});
        BOOST_TEST(std::to_string(r.exit_code) == code, name << ": " << r.out << r.err);
        auto text = pft::read_file(file);
        BOOST_TEST_REQUIRE(!text.empty(), name);
        BOOST_TEST(text.back() == '\n');
        // Binary, as the collectors read it (a text-mode stream on Windows
        // would end lines in CRLF), and renamed into place: no temporary left.
        BOOST_TEST(text.find('\r') == std::string::npos, name << ": CRLF in the textfile");
        for (const auto& e : std::filesystem::directory_iterator(t.path()))
            BOOST_TEST(e.path().filename().string().find(".tmp") == std::string::npos, e.path());
        auto check = pft::run({"sh", "-c", "promtool check metrics < \"$0\"", file});
        BOOST_TEST(check.exit_code == 0, name << ": " << check.out << check.err << "\n" << text);
        BOOST_TEST(text.find("preflight_run_exit_code{checklist=\"w\"} " + code + "\n") !=
                       std::string::npos,
                   text);
    }
}

// The Prometheus textfile of an interrupted run: written whole, exit code 3,
// read by promtool.
BOOST_AUTO_TEST_CASE(an_interrupted_exe_still_writes_its_textfile,
                     *pft::needs_programs({"promtool", "sh"})) {
    prefix();
    pft::TempDir t;
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    auto port = std::to_string(listener.local_endpoint().port());
    auto list =
        t.write("silent.xml", "<checklist id=\"w\" title=\"W\" timeout=\"30\"><source "
                              "document=\"t\"/><section id=\"net\" title=\"N\">" +
                                  one_check("net.silent", "<probe kind=\"tls\" host=\"127.0.0.1\" "
                                                          "port=\"" +
                                                              port + "\"/>") +
                                  "</section></checklist>");
    auto file = t.file("w.prom");
    pft::Background run({"wine", PREFLIGHT_WINDOWS_EXE, "run", "--checklist", winpath(list),
                         "--prom", winpath(file), "--quiet"},
                        t.file("out.log"));
    std::this_thread::sleep_for(std::chrono::seconds(8));
    kill(run.pid(), SIGINT);
    BOOST_TEST_REQUIRE(run.wait() == 3, pft::read_file(t.file("out.log")));
    auto text = pft::read_file(file);
    auto check = pft::run({"sh", "-c", "promtool check metrics < \"$0\"", file});
    BOOST_TEST(check.exit_code == 0, check.out << check.err << "\n" << text);
    BOOST_TEST(text.find("preflight_run_exit_code{checklist=\"w\"} 3\n") != std::string::npos,
               text);
}

BOOST_AUTO_TEST_CASE(ldap_through_wldap32_against_slapd) {
    // The Windows build speaks LDAP through Wldap32 (Wine's here). Its
    // passwords come from files, as an admin's would.
    pft::TempDir t;
    pft::CertFactory f;
    auto ca = f.root({.cn = "preflight wine LDAP CA"});
    auto leaf = f.issue(ca, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}, .ekus = {"serverAuth"}});
    pft::Slapd slapd({pft::CertFactory::write_pem(t.file("cert.pem"), {&leaf, &ca}),
                      pft::CertFactory::write_key(t.file("key.pem"), leaf)});
    auto good = t.write("good.txt", slapd.user_password() + "\n");
    auto bad = t.write("bad.txt", "Wr0ng-wine-pass\n");
    auto port = std::to_string(slapd.port()), ldaps = std::to_string(slapd.ldaps_port());
    auto ldap = [&](const std::string& extra) {
        return "<probe kind=\"ldap\" host=\"127.0.0.1\" " + extra + "/>";
    };
    auto bind = [&](const std::string& file) {
        return "bind_dn=\"" + pft::Slapd::user_dn() + "\" password=\"file:" + winpath(file) + "\" ";
    };
    // Plain LDAP binds are allowed explicitly: they show the server's answers.
    const std::string clear = "allow_plaintext_auth=\"true\" ";
    auto list = t.write(
        "list.xml",
        "<checklist id=\"w\" title=\"W\" timeout=\"5\"><source document=\"t\"/>"
        "<section id=\"net\" title=\"N\">" +
            one_check("anonymous", ldap("port=\"" + port + "\"")) +
            one_check("bind", ldap("port=\"" + port + "\" " + clear + bind(good) + "base=\"" +
                                   pft::Slapd::suffix() + "\"")) +
            one_check("wrong", ldap("port=\"" + port + "\" " + clear + bind(bad))) +
            one_check("ldaps", ldap("port=\"" + ldaps + "\" security=\"ldaps\" " + bind(good))) +
            "</section></checklist>");
    auto r = exe({"run", "--checklist", winpath(list), "--trust-store",
                  winpath(pft::CertFactory::write_pem(t.file("ca.pem"), {&ca})), "--json",
                  winpath(t.file("r.json")), "--junit", winpath(t.file("r.xml")), "--html",
                  winpath(t.file("r.html"))});
    auto c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["anonymous"]["status"] == "pass", c["anonymous"]["summary"]);
    // A bind over plain LDAP works but warns: the password crossed in clear.
    BOOST_TEST(c["bind"]["status"] == "warn", c["bind"]["summary"]);
    BOOST_TEST(c["bind"]["summary"].get<std::string>().find("bound as '" + pft::Slapd::user_dn() +
                                                            "'") != std::string::npos,
               c["bind"]["summary"]);
    BOOST_TEST(c["wrong"]["status"] == "fail");
    BOOST_TEST(c["wrong"]["summary"].get<std::string>().find("LDAP 49") != std::string::npos,
               c["wrong"]["summary"]);
    // Wine's Wldap32 does not hand the server certificate to the callback
    // that judges it, so no password is sent over LDAPS there: an error
    // verdict that says why (Windows itself calls the callback).
    BOOST_TEST(c["ldaps"]["status"] == "error", c["ldaps"]["summary"]);
    BOOST_TEST(c["ldaps"]["summary"].get<std::string>().find("cannot check the certificate") !=
                   std::string::npos,
               c["ldaps"]["summary"]);
    std::string everything = r.out + r.err + pft::read_file(t.file("r.json")) +
                             pft::read_file(t.file("r.xml")) + pft::read_file(t.file("r.html"));
    BOOST_TEST(everything.find(slapd.user_password()) == std::string::npos);
    BOOST_TEST(everything.find("Wr0ng-wine-pass") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(smtp_through_windows_curl_against_exim) {
    // libcurl and OpenSSL as built for Windows: STARTTLS judged against the
    // given trust store, a login and a test message that exim delivers.
    pft::TempDir t;
    pft::CertFactory f;
    auto ca = f.root({.cn = "preflight wine SMTP CA"});
    auto leaf = f.issue(ca, {.cn = "127.0.0.1", .ip_sans = {"127.0.0.1"}, .ekus = {"serverAuth"}});
    pft::Exim exim({.cert_pem = leaf.cert_pem(), .key_pem = leaf.key_pem()});
    auto password = t.write("smtp.txt", "Sm7p-Test-Pw!\n");
    auto list =
        t.write("list.xml",
                "<checklist id=\"w\" title=\"W\" timeout=\"10\"><source document=\"t\"/>"
                "<section id=\"net\" title=\"N\">" +
                    one_check("smtp", "<probe kind=\"smtp\" host=\"127.0.0.1\" port=\"" +
                                          std::to_string(exim.port()) +
                                          "\" user=\"svc\" password=\"file:" + winpath(password) +
                                          "\" from=\"acc@" + pft::exim_local_domain +
                                          "\" to=\"postmaster@" + pft::exim_local_domain + "\"/>") +
                    "</section></checklist>");
    auto r = exe({"run", "--checklist", winpath(list), "--trust-store",
                  winpath(pft::CertFactory::write_pem(t.file("ca.pem"), {&ca})), "--json",
                  winpath(t.file("r.json"))});
    auto c = checks_by_id(t.file("r.json"));
    BOOST_TEST(c["smtp"]["status"] == "pass", c["smtp"]["summary"]);
    BOOST_TEST(exim.delivered("preflight"), exim.mailbox());
    BOOST_TEST((r.out + pft::read_file(t.file("r.json"))).find("Sm7p-Test-Pw!") ==
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(facts_files_give_the_same_verdicts_in_both_builds) {
    pft::TempDir t;
    winecfg_version("win2008r2");
    reg({"add", kNdp, "/v", "Release", "/t", "REG_DWORD", "/d", "528040", "/f"});
    std::vector<std::string> common = {"--users", "5000", "--servers", "1"};
    auto strip = [](std::map<std::string, json> m) {
        std::map<std::string, std::string> out;
        for (const auto& id :
             {"hw.cpu-cores", "hw.cpu-clock", "hw.ram", "hw.disk", "hw.disk-logging", "sizing.band",
              "general.admin-rights", "sw.os", "sw.dotnet", "sw.powershell"})
            out[id] =
                m[id]["status"].get<std::string>() + " | " + m[id]["summary"].get<std::string>();
        return out;
    };

    // Windows facts evaluated by the Linux build, against the Windows build's own verdicts.
    BOOST_REQUIRE(exe({"facts", "--json", "--output", winpath(t.file("win.json"))}).exit_code == 0);
    auto args = std::vector<std::string>{"run", "--json", winpath(t.file("w.json"))};
    args.insert(args.end(), common.begin(), common.end());
    exe(args);
    std::vector<std::string> lin = {PREFLIGHT_BINARY,   "run",    "--facts",
                                    t.file("win.json"), "--json", t.file("l.json")};
    lin.insert(lin.end(), common.begin(), common.end());
    pft::run(lin);
    auto w = strip(checks_by_id(t.file("w.json"))), l = strip(checks_by_id(t.file("l.json")));
    BOOST_TEST(w["sw.os"].find("pass") == 0u, w["sw.os"]);
    for (const auto& [id, v] : w)
        BOOST_TEST(v == l[id], id);

    // And Linux facts evaluated by the Windows build.
    BOOST_REQUIRE(
        pft::run({PREFLIGHT_BINARY, "facts", "--json", "--output", t.file("lin.json")}).exit_code ==
        0);
    lin = {PREFLIGHT_BINARY, "run", "--json", t.file("l2.json")};
    lin.insert(lin.end(), common.begin(), common.end());
    pft::run(lin);
    args = {"run", "--facts", winpath(t.file("lin.json")), "--json", winpath(t.file("w2.json"))};
    args.insert(args.end(), common.begin(), common.end());
    exe(args);
    auto w2 = strip(checks_by_id(t.file("w2.json"))), l2 = strip(checks_by_id(t.file("l2.json")));
    BOOST_TEST(l2["sw.os"].find("fail") == 0u, l2["sw.os"]);
    for (const auto& [id, v] : l2)
        BOOST_TEST(v == w2[id], id);
    reg({"delete", kNdp, "/f"});
}

// The support bundle as the Windows build writes it, from a run that sends a
// proxy password to tinyproxy: `unzip -t` and Python's zipfile accept it,
// the site file's non-ASCII name is UTF-8-flagged, README.txt is UTF-8, no
// member holds the password or its Basic form, and `preflight bundle` zips
// the same files again from %LOCALAPPDATA%.
BOOST_AUTO_TEST_CASE(support_bundle_opens_and_holds_no_password) {
    const std::string password = "WineBundleCanary-5c2e91";
    pft::TempDir t;
    pft::Tinyproxy proxy({.basic_user = "alice", .basic_password = password});
    setenv("PF_WINE_BUNDLE_PW", password.c_str(), 1);
    auto list = t.write("list.xml", "<checklist id=\"w\" title=\"W\" timeout=\"5\"><source "
                                    "document=\"t\"/><section id=\"net\" title=\"N\">" +
                                        one_check("one", "<probe kind=\"proxy\" host=\"127.0.0.1\" "
                                                         "port=\"9\"/>") +
                                        "</section></checklist>");
    auto site = t.write("Standort-München.xml",
                        "<site><proxy url=\"http://127.0.0.1:" + std::to_string(proxy.port()) +
                            "\" user=\"alice\" password=\"env:PF_WINE_BUNDLE_PW\"/></site>");
    auto run = exe({"run", "--checklist", winpath(list), "--site", winpath(site), "--bundle",
                    winpath(t.file("w.zip"))});
    unsetenv("PF_WINE_BUNDLE_PW");
    BOOST_TEST((run.exit_code >= 0 && run.exit_code <= 2), run.out << run.err);
    // Past tinyproxy's authentication: it went on to open the tunnel.
    BOOST_TEST(proxy.log().find("127.0.0.1:9") != std::string::npos, proxy.log());
    auto later = exe({"bundle", winpath(t.file("later.zip"))});
    BOOST_TEST(later.exit_code == 0, later.err);
    const std::string script = R"(
import base64, sys, zipfile
secret = sys.argv[2].encode()
forms = [secret, base64.b64encode(b"alice:" + secret)]
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
z.read("README.txt").decode("utf-8")
for i in sorted(z.infolist(), key=lambda i: i.filename):
    print(i.filename, i.compress_type, bool(i.flag_bits & 0x800),
          any(f in z.read(i) for f in forms))
)";
    const std::string expected =
        "README.txt 8 False False\nchecklist-list.xml 8 False False\nconsole.log 8 False "
        "False\nfacts.json 8 False False\nreport.html 8 False False\nreport.json 8 False "
        "False\nreport.junit.xml 8 False False\nsite-Standort-München.xml 8 True False\n";
    for (const auto& zip : {t.file("w.zip"), t.file("later.zip")}) {
        auto test = pft::run({"unzip", "-t", zip});
        BOOST_TEST(test.exit_code == 0, zip << ": " << test.out << test.err);
        auto read = pft::run({"python3", "-c", script, zip, password});
        BOOST_TEST(read.exit_code == 0, zip << ": " << read.err);
        BOOST_TEST(read.out == expected, zip);
    }
}

BOOST_AUTO_TEST_SUITE_END()
