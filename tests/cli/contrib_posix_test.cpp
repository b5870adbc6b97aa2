// The scheduling files shipped in contrib/, loaded by the programs they are
// for: systemd-analyze verifies the units, xmllint reads the Task Scheduler
// task, a Nagios core and Icinga 2 validate their command definitions,
// promtool the alerting rules. Every preflight option they use must exist.
#include "support/needs_programs.hpp"
#include "support/processes.hpp"
#include <boost/test/unit_test.hpp>
#include <grp.h>
#include <pugixml.hpp>
#include <pwd.h>
#include <regex>
#include <set>
#include <unistd.h>

namespace {

std::string contrib(const std::string& rel) {
    return std::string(PREFLIGHT_SOURCE_DIR) + "/contrib/" + rel;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size()))
        text.replace(pos, from.size(), to);
    return text;
}

// The long options a file hands to `preflight run` (the files are ours and
// short, so a regex is fine here) that `preflight run --help` does not list.
std::set<std::string> unknown_options(const std::string& file) {
    static const std::string help = [] {
        return pft::run({PREFLIGHT_BINARY, "run", "--help"}).out;
    }();
    std::set<std::string> out;
    auto text = pft::read_file(file);
    const std::regex option("(^|[\\s\"'(])(--[a-z][a-z-]*)");
    for (std::sregex_iterator it(text.begin(), text.end(), option), end; it != end; ++it) {
        auto name = (*it)[2].str();
        if (help.find(name + " ") == std::string::npos &&
            help.find(name + ",") == std::string::npos)
            out.insert(name);
    }
    return out;
}

// A service of host acc-01 that runs command.
std::string nagios_service(const std::string& description, const std::string& command) {
    return "define service {\n  host_name acc-01\n  service_description " + description +
           "\n  check_command " + command +
           "\n  max_check_attempts 1\n  check_interval 60\n  retry_interval 60\n"
           "  check_period always\n  contacts nobody\n  notification_period always\n}\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(contrib_files)

BOOST_AUTO_TEST_CASE(every_option_in_the_shipped_commands_exists) {
    for (auto f :
         {"systemd/preflight.service", "windows/preflight-health-check.xml", "nagios/preflight.cfg",
          "icinga2/preflight.conf", "ci/Jenkinsfile", "ci/gitlab-ci.yml"}) {
        auto unknown = unknown_options(contrib(f));
        BOOST_TEST(unknown.empty(), f << ": " << *unknown.begin());
    }
    // The check above can fail: an option preflight lacks is found.
    pft::TempDir t;
    BOOST_TEST(
        unknown_options(t.write("x", "preflight run --no-such-option")).count("--no-such-option") ==
        1u);
}

// A scheduled job says what changed since its last run and fails only on
// what is new: each keeps a history and passes --fail-on new.
BOOST_AUTO_TEST_CASE(scheduled_jobs_compare_with_their_history) {
    for (auto f :
         {"systemd/preflight.service", "windows/preflight-health-check.xml", "nagios/preflight.cfg",
          "icinga2/preflight.conf", "ci/Jenkinsfile", "ci/gitlab-ci.yml"}) {
        auto text = pft::read_file(contrib(f));
        bool fail_on_new = text.find("--fail-on new") != std::string::npos ||
                           (text.find("\"--fail-on\"") != std::string::npos &&
                            text.find("preflight_fail_on = \"new\"") != std::string::npos);
        BOOST_TEST(fail_on_new, f);
        bool history = text.find("--history ") != std::string::npos ||
                       text.find("\"--history\"") != std::string::npos;
        BOOST_TEST(history, f);
    }
    // systemd: a new failure (2) fails the unit, warnings (1) do not.
    auto unit = pft::read_file(contrib("systemd/preflight.service"));
    BOOST_TEST(unit.find("\nSuccessExitStatus=1\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(systemd_units_verify, *pft::needs_programs({"systemd-analyze"})) {
    pft::TempDir t;
    // verify insists that ExecStart's program exists: the one just built.
    t.write("preflight.service", replaced(pft::read_file(contrib("systemd/preflight.service")),
                                          "/usr/local/bin/preflight", PREFLIGHT_BINARY));
    t.write("preflight.timer", pft::read_file(contrib("systemd/preflight.timer")));
    auto r = pft::run(
        {"systemd-analyze", "verify", t.file("preflight.service"), t.file("preflight.timer")});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    BOOST_TEST(r.err.empty(), r.err);
    // And it does object to a broken unit.
    t.write("preflight.service",
            replaced(pft::read_file(t.file("preflight.service")), "Type=oneshot", "Type=oneshoot"));
    r = pft::run(
        {"systemd-analyze", "verify", t.file("preflight.service"), t.file("preflight.timer")});
    BOOST_TEST(!r.err.empty());
}

BOOST_AUTO_TEST_CASE(task_scheduler_task_is_well_formed_and_absolute) {
    auto file = contrib("windows/preflight-health-check.xml");
    if (!std::string(XMLLINT).empty()) {
        auto r = pft::run({XMLLINT, "--noout", file});
        BOOST_TEST(r.exit_code == 0, r.err);
    }
    pugi::xml_document doc;
    BOOST_REQUIRE(doc.load_file(file.c_str()));
    auto task = doc.child("Task");
    BOOST_TEST(std::string(task.attribute("xmlns").value()) ==
               "http://schemas.microsoft.com/windows/2004/02/mit/task");
    BOOST_TEST(std::string(task.child("Principals").child("Principal").child_value("UserId")) ==
               "S-1-5-18"); // SYSTEM
    auto exec = task.child("Actions").child("Exec");
    std::string args = exec.child_value("Arguments");
    // It starts in C:\Windows\System32: reports go to a fixed folder.
    BOOST_TEST(args.find("--report-dir \"C:\\") != std::string::npos, args);
    BOOST_TEST(args.find("--prom \"C:\\") != std::string::npos, args);
    BOOST_TEST(std::string(exec.child_value("Command")).rfind("\"C:\\", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(nagios_core_loads_the_command_definitions, *pft::needs_programs({"nagios4"})) {
    pft::TempDir t;
    const passwd* user = getpwuid(getuid());
    const group* grp = getgrgid(getgid());
    t.write(
        "objects.cfg",
        R"(define timeperiod {
  timeperiod_name always
  alias always
  monday 00:00-24:00
}
define contact {
  contact_name nobody
  host_notifications_enabled 0
  service_notifications_enabled 0
  host_notification_period always
  service_notification_period always
  host_notification_options n
  service_notification_options n
  host_notification_commands check_preflight
  service_notification_commands check_preflight
}
define host {
  host_name acc-01
  max_check_attempts 1
  check_period always
  contacts nobody
  notification_period always
}
)" + nagios_service("ACC prerequisites", "check_preflight!/etc/preflight/site.xml") +
            nagios_service(
                "ACC changes",
                "check_preflight_new!/etc/preflight/site.xml!/var/lib/nagios4/preflight") +
            nagios_service("ACC network", "check_preflight_only!/etc/preflight/site.xml!net.*"));
    auto cfg = t.write("nagios.cfg", "cfg_file=" + contrib("nagios/preflight.cfg") +
                                         "\ncfg_file=" + t.file("objects.cfg") +
                                         "\nlog_file=" + t.file("nagios.log") +
                                         "\nnagios_user=" + (user ? user->pw_name : "root") +
                                         "\nnagios_group=" + (grp ? grp->gr_name : "root") + "\n");
    auto r = pft::run({"/usr/sbin/nagios4", "-v", cfg});
    BOOST_TEST(r.exit_code == 0, r.out);
    BOOST_TEST(r.out.find("Checked 3 commands") != std::string::npos, r.out);
    // Without the shipped file the services' commands are missing.
    auto bare =
        t.write("bare.cfg", replaced(pft::read_file(cfg),
                                     "cfg_file=" + contrib("nagios/preflight.cfg") + "\n", ""));
    BOOST_TEST(pft::run({"/usr/sbin/nagios4", "-v", bare}).exit_code != 0);
}

BOOST_AUTO_TEST_CASE(icinga2_validates_the_check_command, *pft::needs_programs({"icinga2"})) {
    pft::TempDir t;
    for (auto d : {"data", "log", "cache", "spool", "run"})
        pft::run({"mkdir", "-p", t.file(d)});
    auto conf = t.write("icinga2.conf", "include <itl>\ninclude \"" +
                                            contrib("icinga2/preflight.conf") + "\"\n" + R"(
object Host "acc-01" { check_command = "dummy" }
object Service "acc-prerequisites" {
  host_name = "acc-01"
  check_command = "preflight"
  vars.preflight_site = "/etc/preflight/site.xml"
  vars.preflight_only = [ "net.*" ]
  vars.preflight_history = "/var/lib/icinga2/preflight/acc-prerequisites"
  vars.preflight_fail_on = "new"
}
)");
    const passwd* user = getpwuid(getuid());
    const group* grp = getgrgid(getgid());
    auto validate = [&](const std::string& file) {
        return pft::run({"icinga2", "daemon", "-C", "-c", file, "-DDataDir=" + t.file("data"),
                         "-DLogDir=" + t.file("log"), "-DCacheDir=" + t.file("cache"),
                         "-DSpoolDir=" + t.file("spool"), "-DInitRunDir=" + t.file("run"),
                         std::string("-DRunAsUser=") + (user ? user->pw_name : "root"),
                         std::string("-DRunAsGroup=") + (grp ? grp->gr_name : "root")});
    };
    auto r = validate(conf);
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    // A service whose command is not defined fails: the include counted.
    auto bare = t.write("bare.conf",
                        replaced(pft::read_file(conf),
                                 "include \"" + contrib("icinga2/preflight.conf") + "\"\n", ""));
    BOOST_TEST(validate(bare).exit_code != 0);
}

BOOST_AUTO_TEST_CASE(prometheus_alerting_rules_load, *pft::needs_programs({"promtool"})) {
    auto r = pft::run({"promtool", "check", "rules", contrib("prometheus/preflight.rules.yml")});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    BOOST_TEST(r.out.find("SUCCESS: 5 rules found") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(textfile_example_passes_promtool, *pft::needs_programs({"promtool", "sh"})) {
    auto r = pft::run({"sh", "-c", "promtool check metrics < \"$1\"", "sh",
                       contrib("prometheus/preflight.prom.example")});
    BOOST_TEST(r.exit_code == 0, r.out << r.err);
    auto text = pft::read_file(contrib("prometheus/preflight.prom.example"));
    BOOST_TEST(text.find("reason=\"over_time_budget\"} -1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ci_snippets_publish_the_junit_report) {
    auto gitlab = pft::read_file(contrib("ci/gitlab-ci.yml"));
    BOOST_TEST(gitlab.find("junit: reports/preflight.junit.xml") != std::string::npos);
    BOOST_TEST(gitlab.find("--junit reports/preflight.junit.xml") != std::string::npos);
    if (pft::have_program("python3")) {
        auto r = pft::run({"python3", "-c",
                           "import sys, yaml\n"
                           "job = yaml.safe_load(open(sys.argv[1]))['preflight']\n"
                           "assert job['artifacts']['reports']['junit'] in job['script'][-1]\n"
                           "assert job['allow_failure']['exit_codes'] == [1]\n",
                           contrib("ci/gitlab-ci.yml")});
        BOOST_TEST(r.exit_code == 0, r.err);
    }
    auto jenkins = pft::read_file(contrib("ci/Jenkinsfile"));
    BOOST_TEST(jenkins.find("testResults: 'reports/preflight.junit.xml'") != std::string::npos);
    BOOST_TEST(jenkins.find("--junit reports/preflight.junit.xml") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
