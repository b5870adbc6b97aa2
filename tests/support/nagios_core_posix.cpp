#include "support/nagios_core_posix.hpp"
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace pft {

std::map<std::string, std::map<std::string, std::string>>
service_states(const std::string& status_dat) {
    std::map<std::string, std::map<std::string, std::string>> out;
    std::istringstream in(status_dat);
    std::map<std::string, std::string> block;
    bool inside = false;
    for (std::string line; std::getline(in, line);) {
        if (line == "servicestatus {") {
            inside = true;
            block.clear();
        } else if (inside && line.find('}') != std::string::npos) {
            inside = false;
            out[block["service_description"]] = block;
        } else if (inside) {
            auto start = line.find_first_not_of(" \t");
            auto eq = line.find('=');
            if (start != std::string::npos && eq != std::string::npos)
                block[line.substr(start, eq - start)] = line.substr(eq + 1);
        }
    }
    return out;
}

NagiosCore::NagiosCore(const TempDir& dir, const std::map<std::string, std::string>& commands)
    : dir_(dir) {
    const passwd* user = getpwuid(getuid());
    const group* grp = getgrgid(getgid());
    std::string objects = R"(define timeperiod {
  timeperiod_name always
  alias always
  sunday 00:00-24:00
  monday 00:00-24:00
  tuesday 00:00-24:00
  wednesday 00:00-24:00
  thursday 00:00-24:00
  friday 00:00-24:00
  saturday 00:00-24:00
}
define command {
  command_name nothing
  command_line /bin/true
}
define contact {
  contact_name nobody
  host_notifications_enabled 0
  service_notifications_enabled 0
  host_notification_period always
  service_notification_period always
  host_notification_options n
  service_notification_options n
  host_notification_commands nothing
  service_notification_commands nothing
}
define host {
  host_name acc-01
  address 127.0.0.1
  max_check_attempts 1
  check_period always
  contacts nobody
  notification_interval 0
  notification_period always
}
)";
    for (const auto& [name, command] : commands)
        objects += "define command {\n  command_name check-" + name + "\n  command_line " +
                   command +
                   "\n}\n"
                   "define service {\n  host_name acc-01\n  service_description " +
                   name + "\n  check_command check-" + name +
                   "\n  max_check_attempts 1\n  check_interval 3600\n  retry_interval 3600\n"
                   "  check_period always\n  contacts nobody\n  notification_interval 0\n"
                   "  notification_period always\n}\n";
    dir.write("objects.cfg", objects);
    run({"mkdir", "-p", dir.file("spool"), dir.file("tmp")});
    std::string cfg;
    for (const auto& [key, value] : std::vector<std::pair<std::string, std::string>>{
             {"log_file", dir.file("nagios.log")},
             {"cfg_file", dir.file("objects.cfg")},
             {"object_cache_file", dir.file("objects.cache")},
             {"precached_object_file", dir.file("objects.precache")},
             {"status_file", dir.file("status.dat")},
             {"status_update_interval", "1"},
             {"command_file", dir.file("nagios.cmd")},
             {"check_external_commands", "1"},
             {"lock_file", dir.file("nagios.lock")},
             {"temp_file", dir.file("nagios.tmp")},
             {"temp_path", dir.file("tmp")},
             {"check_result_path", dir.file("spool")},
             {"query_socket", dir.file("nagios.qh")},
             {"state_retention_file", dir.file("retention.dat")},
             {"retain_state_information", "0"},
             {"use_syslog", "0"},
             {"interval_length", "1"},
             {"service_check_timeout", "30"},
             {"enable_notifications", "0"},
             {"enable_flap_detection", "0"},
             {"log_rotation_method", "n"},
             {"nagios_user", user ? user->pw_name : "root"},
             {"nagios_group", grp ? grp->gr_name : "root"}})
        cfg += key + "=" + value + "\n";
    config_ = dir.write("nagios.cfg", cfg);
    auto verify = run({nagios_binary, "-v", config_});
    BOOST_TEST_REQUIRE(verify.exit_code == 0, verify.out);
    core_ = std::make_unique<Background>(std::vector<std::string>{nagios_binary, config_},
                                         dir.file("core.out"));
}

void NagiosCore::force(const std::string& service) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    int fd = -1;
    while (fd < 0 && std::chrono::steady_clock::now() < deadline) {
        fd = open(dir_.file("nagios.cmd").c_str(), O_WRONLY | O_NONBLOCK);
        if (fd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    BOOST_TEST_REQUIRE(fd >= 0,
                       "the core opened no command pipe: " << read_file(dir_.file("core.out")));
    auto now = std::to_string(time(nullptr));
    auto line = "[" + now + "] SCHEDULE_FORCED_SVC_CHECK;acc-01;" + service + ";" + now + "\n";
    BOOST_TEST(write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
    close(fd);
}

std::map<std::string, std::map<std::string, std::string>>
NagiosCore::wait_for_results(std::size_t n) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::map<std::string, std::map<std::string, std::string>> states;
    while (std::chrono::steady_clock::now() < deadline) {
        states = service_states(read_file(dir_.file("status.dat")));
        std::size_t checked = 0;
        for (const auto& [name, s] : states)
            if (s.count("has_been_checked") && s.at("has_been_checked") == "1") ++checked;
        if (checked == n) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return states;
}

std::string NagiosCore::log() const {
    return read_file(dir_.file("nagios.log"));
}

std::map<std::string, std::map<std::string, std::string>>
checked_once(const std::map<std::string, std::string>& commands, std::string& log) {
    TempDir dir;
    NagiosCore core(dir, commands);
    for (const auto& [name, _] : commands)
        core.force(name);
    auto states = core.wait_for_results(commands.size());
    log = core.log();
    return states;
}

} // namespace pft
