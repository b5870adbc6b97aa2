#include "support/netns.hpp"
#include "support/processes.hpp"
#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace pft {

NetNamespace::NetNamespace() {
    static std::atomic<int> n{0};
    name_ = "pftest-" + std::to_string(getpid()) + "-" + std::to_string(n++);
    auto r = run({"ip", "netns", "add", name_});
    if (r.exit_code != 0) throw std::runtime_error("ip netns add failed: " + r.err);
    sh("ip link set lo up");
}

NetNamespace::~NetNamespace() {
    // Whatever a test left running inside is killed before the namespace goes.
    std::string pid;
    for (char c : run({"ip", "netns", "pids", name_}).out + "\n") {
        if (c != '\n') {
            pid += c;
            continue;
        }
        if (!pid.empty()) run({"kill", "-9", pid});
        pid.clear();
    }
    run({"ip", "netns", "del", name_});
    std::error_code ec;
    std::filesystem::remove_all("/etc/netns/" + name_, ec);
}

std::vector<std::string> NetNamespace::wrap(const std::vector<std::string>& argv) const {
    std::vector<std::string> out = {"ip", "netns", "exec", name_};
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
}

void NetNamespace::sh(const std::string& command) const {
    auto r = run(wrap({"sh", "-c", command}));
    if (r.exit_code != 0)
        throw std::runtime_error("in namespace " + name_ + ": '" + command + "' failed: " + r.err);
}

void NetNamespace::set_etc_file(const std::string& name, const std::string& text) const {
    std::filesystem::create_directories("/etc/netns/" + name_);
    std::ofstream("/etc/netns/" + name_ + "/" + name) << text;
}

} // namespace pft
