#pragma once
// A RunReport built by hand: two sections, every status and severity, text
// that needs escaping, bytes a terminal or XML parser would choke on.
#include "core/run_report.hpp"
#include <chrono>
#include <string>
#include <vector>

namespace pf::test {

// The requirement text quotes a URL and markup, as the guides do.
inline const std::string kRequirementWithMarkup =
    "Port 443 must be open to the UEM console, see https://docs.example.com/uem?a=1&b=2 "
    "for <b>all</b> \"listed\" hosts & it's required";

struct SampleRun {
    Checklist checklist;
    RunReport report;

    explicit SampleRun(bool interrupted = false) {
        checklist.id = "acc";
        checklist.title = "Cloud Connector prerequisites";
        checklist.description = "What the installer needs.";
        checklist.source_document = "ACC Installation Guide";
        checklist.source_section = "Requirements";
        checklist.origin = "builtin:acc";
        checklist.services = {{"proxy", "HTTP proxy"}, {"ldap", "Directory services"}};

        Section net{"network", "Network", {}};
        net.checks = {
            make("net.dns", "Resolve UEM host", Severity::required, "", "dns"),
            make("net.tcp", "Reach UEM console", Severity::required, "", "tcp"),
            make("net.proxy", "Reach proxy", Severity::recommended, "proxy", "tcp"),
            make("net.ldap", "Reach directory", Severity::optional, "ldap", "ldap"),
        };
        net.checks[1].requirement = kRequirementWithMarkup;
        Section host{"host", "Host", {}};
        host.checks = {
            make("host.disk", "Free disk space", Severity::recommended, "", "hardware"),
            make("host.ram", "Memory", Severity::required, "", "hardware"),
            make("host.os", "Operating system", Severity::optional, "", "os"),
        };
        for (auto* s : {&net, &host})
            for (auto& c : s->checks)
                c.section_id = s->id, c.section_title = s->title;
        checklist.sections = {net, host};

        const auto& n = checklist.sections[0].checks;
        const auto& h = checklist.sections[1].checks;
        auto& rs = report.results;
        rs.push_back(
            result(n[0], Status::pass, Status::pass, Reason::ok, "resolved to 127.0.0.5", 12));
        rs.push_back(
            result(n[1], Status::fail, Status::fail, Reason::refused, "connection refused", 250));
        rs.back().result.evidence = {"connect 127.0.0.5:443: ECONNREFUSED",
                                     "server said \x1b[31mno\x1b[0m \xff\xfe"};
        rs.back().result.measurements = {{"connect", 249.5, "ms"}, {"resolve", 0.25, "ms"}};
        rs.back().args = {{"host", "uem.example.com"}, {"port", "443"}};
        rs.back().result.alert = "TLS interception by Zscaler <re-signed>";
        rs.back().result.blocks = {{"Certificate chain sent by uem.example.com:443",
                                    {"[0] CN=uem.example.com", "[1] CN=Zscaler Root CA & <co>"}}};
        rs.push_back(
            result(n[2], Status::warn, Status::fail, Reason::timed_out, "proxy timed out", 5000));
        rs.push_back(result(n[3], Status::skip, Status::skip, Reason::service_disabled,
                            "service ldap not enabled", 0));
        rs.push_back(result(h[0], Status::pass, Status::pass, Reason::ok, "80 GiB free", 1));
        rs.push_back(result(h[1], Status::error, Status::error, Reason::fact_unknown,
                            "could not read /proc/meminfo", 2));
        rs.push_back(result(h[2], Status::warn, Status::warn, Reason::unsupported,
                            "Debian is not a listed OS", 3));
        if (interrupted) {
            report.interrupted = true;
            rs.back().status = rs.back().result.status = Status::skip;
            rs.back().result.reason = Reason::interrupted;
            rs.back().result.summary = "not run: interrupted";
        }

        report.tool_version = "0.1.0";
        report.tool_commit = "5e8302f1c0de-dirty";
        report.tool_target = "linux-x86_64";
        report.checklist = &checklist;
        report.facts.hostname = "acc-01";
        report.facts.os_family = "linux";
        report.facts.os_name = "Debian GNU/Linux 12 (bookworm)";
        report.facts.logical_cores = 4;
        report.facts.cpu_max_mhz = 2400;
        report.facts.ram_bytes = 8ull << 30;
        report.facts.disk_path = "/opt";
        report.started = std::chrono::system_clock::time_point{std::chrono::seconds{1'800'000'000}};
        report.finished = report.started + std::chrono::milliseconds{5432};
        report.services = {"proxy"};
        report.settings = {{"uem_host", "uem.example.com"}, {"install_path", "/opt/airwatch"}};
        report.counts = count(report.results);
    }
    SampleRun(const SampleRun&) = delete; // report points into checklist
    SampleRun& operator=(const SampleRun&) = delete;

    std::vector<std::string> check_ids() const {
        std::vector<std::string> ids;
        for (const auto& s : checklist.sections)
            for (const auto& c : s.checks)
                ids.push_back(c.id);
        return ids;
    }

  private:
    static Check make(std::string id, std::string title, Severity sev, std::string service,
                      std::string kind) {
        Check c;
        c.id = std::move(id);
        c.title = std::move(title);
        c.severity = sev;
        c.service = std::move(service);
        c.probe.kind = std::move(kind);
        c.requirement = "The guide says " + c.id + " matters.";
        c.fix = "Fix " + c.id + " & retry.";
        return c;
    }

    static CheckResult result(const Check& c, Status eff, Status probe, Reason why,
                              std::string summary, int ms) {
        CheckResult r;
        r.check = &c;
        r.status = eff;
        r.result.status = probe;
        r.result.reason = why;
        r.result.summary = std::move(summary);
        r.result.evidence = {"evidence for " + c.id};
        r.elapsed = std::chrono::milliseconds{ms};
        return r;
    }
};

// Counts how often needle occurs in haystack.
inline std::size_t occurrences(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
        ++n;
    return n;
}

} // namespace pf::test
