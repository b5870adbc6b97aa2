#pragma once
#include <functional>
#include <stdexcept>
#include <string>
#include <sys/types.h>
#include <vector>

namespace pft {

// A temporary directory removed with everything in it at scope exit.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    std::string write(const std::string& name, const std::string& text) const;

  private:
    std::string path_;
};

std::string read_file(const std::string& path);
bool is_root();
bool have_program(const std::string& name);

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
    double seconds = 0;
};

// Runs argv (no shell) to completion, capturing stdout and stderr.
CommandResult run(const std::vector<std::string>& argv);

// A server or other long-running program started by a test, stopped by its
// PID (TERM, then KILL) when the object goes away, pass or fail.
class Background {
  public:
    Background(const std::vector<std::string>& argv, const std::string& log_file = "/dev/null");
    ~Background();
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    pid_t pid() const { return pid_; }
    bool running();
    void stop();
    int wait(); // until it exits by itself; its exit code (128+signal if killed)

  private:
    pid_t pid_ = -1;
};

// A port on 127.0.0.1 that nothing listens on right now. Only right now: the
// port is released before a server binds it, and a test running in parallel
// (ctest -j2) may take it first. Servers start with start_on_fresh_ports.
unsigned short unused_port();

// A server could not bind a port another program holds.
struct PortTaken : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Whether a server's log says a bind failed with EADDRINUSE.
bool says_address_in_use(const std::string& log);

// Calls start, which picks its ports with unused_port(), again while it
// throws PortTaken, at most 3 times; then the last PortTaken propagates.
void start_on_fresh_ports(const std::function<void()>& start);

// Waits until something accepts TCP connections on host:port (inside the
// given network namespace when ns is not empty).
bool wait_for_port(const std::string& host, unsigned short port, double seconds,
                   const std::string& ns = "");

} // namespace pft
