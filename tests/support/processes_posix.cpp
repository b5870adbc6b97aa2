#include "support/processes.hpp"
#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pft {

bool is_root() {
    return geteuid() == 0;
}

bool have_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::stringstream ss(std::string(path ? path : "") + ":/usr/sbin:/sbin");
    for (std::string dir; std::getline(ss, dir, ':');)
        if (!dir.empty() && access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    return false;
}

static pid_t spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        setpgid(0, 0);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

CommandResult run(const std::vector<std::string>& argv) {
    TempDir t;
    int out = open(t.file("out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(t.file("err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = spawn(argv, out, err);
    close(out);
    close(err);
    int status = 0;
    waitpid(pid, &status, 0);
    CommandResult r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(t.file("out"));
    r.err = read_file(t.file("err"));
    return r;
}

Background::Background(const std::vector<std::string>& argv, const std::string& log_file) {
    int fd = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_ = spawn(argv, fd, fd);
    close(fd);
}

Background::~Background() {
    stop();
}

bool Background::running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
    }
    return true;
}

int Background::wait() {
    if (pid_ <= 0) return -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void Background::stop() {
    if (!running()) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
        if (!running()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

bool wait_for_port(const std::string& host, unsigned short port, double seconds,
                   const std::string& ns) {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        bool ok = false;
        if (ns.empty()) {
            int fd = socket(AF_INET, SOCK_STREAM, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(port);
            inet_pton(AF_INET, host.c_str(), &a.sin_addr);
            ok = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
            close(fd);
        } else {
            // bash's /dev/tcp keeps the check free of extra packages.
            ok = run({"ip", "netns", "exec", ns, "bash", "-c",
                      "exec 3<>/dev/tcp/" + host + "/" + std::to_string(port)})
                     .exit_code == 0;
        }
        if (ok) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

} // namespace pft
