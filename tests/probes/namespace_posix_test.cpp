// Reachability diagnoses against real sockets inside a network namespace the
// test creates: only loopback exists there, nftables drops a port range (so a
// connect times out, as behind a filtering firewall) and answers one port
// with ICMP host-unreachable (as a router without a route), and dnsmasq answers
// names under .test and refuses everything else. The probes run the way an
// admin runs them: the preflight binary, with a checklist file.
#include "support/netns.hpp"
#include "support/preconditions.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <map>
#include <nlohmann/json.hpp>

using nlohmann::json;

namespace {

struct IsolatedNetwork {
    pft::NetNamespace ns;
    pft::TempDir dir;
    std::unique_ptr<pft::Background> dns;

    IsolatedNetwork() {
        ns.set_etc_file("resolv.conf", "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n");
        ns.set_etc_file("hosts", "127.0.0.1 localhost\n");
        // Keep this namespace's own outgoing ports away from the ports probed.
        ns.sh("sysctl -qw net.ipv4.ip_local_port_range='30000 39999'");
        ns.sh("nft add table inet t && nft add chain inet t in '{ type filter hook input priority "
              "0; }' && "
              "nft add rule inet t in tcp dport 40500 reject with icmpx type host-unreachable && "
              "nft add rule inet t in tcp dport 40000-40999 drop");
        dns = std::make_unique<pft::Background>(
            ns.wrap({"dnsmasq", "-k", "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1",
                     "--bind-interfaces", "--port=53", "--local=/test/",
                     "--address=/ok.test/127.0.0.1", "--user=root", "--pid-file"}),
            dir.file("dnsmasq.log"));
        BOOST_REQUIRE_MESSAGE(pft::wait_for_port("127.0.0.1", 53, 10, ns.name()),
                              "dnsmasq did not start");
    }

    // Runs preflight inside the namespace on a checklist of the given checks;
    // returns the JSON report's checks by id.
    std::map<std::string, json>
    run(const std::string& checks, const std::vector<std::string>& extra, pft::CommandResult& out) {
        auto list = dir.write(
            "list.xml", "<checklist id=\"ns\" title=\"T\" timeout=\"5\"><source document=\"test\"/>"
                        "<section id=\"net\" title=\"Network\">" +
                            checks + "</section></checklist>");
        std::vector<std::string> argv = {
            PREFLIGHT_BINARY,   "run",     "--checklist",    list, "--json",
            dir.file("r.json"), "--junit", dir.file("r.xml")};
        argv.insert(argv.end(), extra.begin(), extra.end());
        out = pft::run(ns.wrap(argv));
        std::map<std::string, json> byid;
        auto j = json::parse(pft::read_file(dir.file("r.json")));
        for (const auto& s : j["sections"])
            for (const auto& c : s["checks"])
                byid[c["id"]] = c;
        return byid;
    }
};

std::string check(const std::string& id, const std::string& probe) {
    return "<check id=\"" + id + "\" title=\"" + id + "\" severity=\"required\">" + probe +
           "<requirement>r</requirement><fix>f</fix></check>";
}

std::string summary(const json& c) {
    return c["summary"].get<std::string>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(reachability_in_a_namespace, *pft::needs_root({"ip", "nft", "dnsmasq"}))

BOOST_AUTO_TEST_CASE(each_failure_gets_its_own_diagnosis) {
    IsolatedNetwork net;
    pft::CommandResult out;
    auto r = net.run(
        check("open", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"53\"/>") +
            check("refused", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"54\"/>") +
            check("filtered", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"40001\"/>") +
            check("no-name", "<probe kind=\"tcp\" host=\"awcm.missing.test\" port=\"443\"/>") +
            check("by-name", "<probe kind=\"tcp\" host=\"ok.test\" port=\"53\"/>") +
            check("unreachable", "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"40500\"/>"),
        {"--timeout", "1.5"}, out);
    BOOST_TEST(out.exit_code == 2, out.out << out.err);
    BOOST_TEST(r["open"]["status"] == "pass", summary(r["open"]));
    BOOST_TEST(r["refused"]["status"] == "fail");
    BOOST_TEST(summary(r["refused"]).find("refused: 127.0.0.1 is up") == 0, summary(r["refused"]));
    BOOST_TEST(r["filtered"]["status"] == "fail");
    BOOST_TEST(summary(r["filtered"]).find("timed out: no answer from 127.0.0.1 port 40001") == 0,
               summary(r["filtered"]));
    BOOST_TEST(summary(r["filtered"]).find("filtered") != std::string::npos);
    BOOST_TEST(r["no-name"]["status"] == "fail");
    BOOST_TEST(
        summary(r["no-name"]).find("name does not resolve: 'awcm.missing.test' does not exist") ==
            0,
        summary(r["no-name"]));
    BOOST_TEST(r["by-name"]["status"] == "pass", summary(r["by-name"]));
    BOOST_TEST(r["unreachable"]["status"] == "fail");
    BOOST_TEST(summary(r["unreachable"]).find("unreachable: no route to 127.0.0.1") == 0,
               summary(r["unreachable"]));
    // All six ran at once: the run lasts about one deadline.
    BOOST_TEST(out.seconds < 3.5, out.seconds);
}

BOOST_AUTO_TEST_CASE(dns_tells_missing_names_from_a_failing_server) {
    IsolatedNetwork net;
    pft::CommandResult out;
    auto r = net.run(check("ok", "<probe kind=\"dns\" host=\"ok.test\"/>") +
                         check("missing", "<probe kind=\"dns\" host=\"missing.test\"/>") +
                         check("refused", "<probe kind=\"dns\" host=\"awcm274.example\"/>"),
                     {}, out);
    BOOST_TEST(r["ok"]["status"] == "pass");
    BOOST_TEST(summary(r["ok"]).find("ok.test resolves to 127.0.0.1 in") == 0, summary(r["ok"]));
    BOOST_TEST(
        summary(r["missing"]).find("name does not resolve: 'missing.test' does not exist in DNS") ==
            0,
        summary(r["missing"]));
    BOOST_TEST(summary(r["refused"]).find("DNS temporary failure for 'awcm274.example'") == 0,
               summary(r["refused"]));
    BOOST_TEST(r["ok"]["measurements"][0]["name"] == "resolve_ms");
}

BOOST_AUTO_TEST_CASE(a_silent_dns_server_is_cut_at_the_deadline) {
    IsolatedNetwork net;
    net.ns.sh(
        "nft add rule inet t in udp dport 53 drop && nft add rule inet t in tcp dport 53 drop");
    net.ns.set_etc_file("resolv.conf", "nameserver 127.0.0.1\noptions timeout:5 attempts:3\n");
    pft::CommandResult out;
    // The protocol probes that look names up themselves say the same.
    auto r = net.run(check("slow", "<probe kind=\"dns\" host=\"awcm.ok.test\"/>") +
                         check("ldap", "<probe kind=\"ldap\" host=\"dc.ok.test\"/>") +
                         check("smtp", "<probe kind=\"smtp\" host=\"mail.ok.test\"/>"),
                     {"--timeout", "1"}, out);
    for (const auto* id : {"slow", "ldap", "smtp"}) {
        BOOST_TEST(r[id]["status"] == "fail", id);
        BOOST_TEST(summary(r[id]).find("no answer from the resolver") == 0, summary(r[id]));
    }
    BOOST_TEST(out.seconds < 3.0, out.seconds);
}

BOOST_AUTO_TEST_CASE(a_dropped_port_range_is_filtered_and_an_open_one_reachable) {
    IsolatedNetwork net;
    pft::CommandResult out;
    auto r = net.run(
        check("dropped",
              "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"40000-40999\" sample=\"6\"/>") +
            check("answers",
                  "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"49152-65535\" sample=\"6\"/>"),
        {"--timeout", "1"}, out);
    BOOST_TEST(r["dropped"]["status"] == "fail");
    BOOST_TEST(summary(r["dropped"]).find("are filtered (0 open, 0 refused, 6 timed out)") !=
                   std::string::npos,
               summary(r["dropped"]));
    BOOST_TEST(summary(r["dropped"]).find("a firewall must allow TCP 40000-40999") !=
               std::string::npos);
    BOOST_TEST(r["answers"]["status"] == "pass", summary(r["answers"]));
    BOOST_TEST(summary(r["answers"]).find("reachable (0 open, 6 refused") != std::string::npos,
               summary(r["answers"]));
}

BOOST_AUTO_TEST_CASE(two_hundred_checks_on_a_filtered_port_take_one_deadline) {
    IsolatedNetwork net;
    std::string checks;
    for (int i = 0; i < 200; ++i)
        checks += check("c" + std::to_string(i),
                        "<probe kind=\"tcp\" host=\"127.0.0.1\" port=\"40002\"/>");
    pft::CommandResult out;
    auto r = net.run(checks, {"--timeout", "1"}, out);
    BOOST_TEST(r.size() == 200u);
    for (const auto& [id, c] : r)
        BOOST_TEST(summary(c).find("timed out") == 0, id << ": " << summary(c));
    BOOST_TEST(out.seconds < 3.0,
               "200 filtered checks with a 1 s deadline took " << out.seconds << " s");
    auto j = json::parse(pft::read_file(net.dir.file("r.json")));
    int i = 0;
    for (const auto& c : j["sections"][0]["checks"])
        BOOST_TEST(c["id"] == "c" + std::to_string(i++));
}

BOOST_AUTO_TEST_SUITE_END()
