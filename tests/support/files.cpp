#include "support/processes.hpp"
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

// The parts of the test support that work on Windows too.
namespace pft {

TempDir::TempDir() {
    std::random_device rd;
    for (int i = 0; i < 100; ++i) {
        auto p =
            std::filesystem::temp_directory_path() / ("preflight-test-" + std::to_string(rd()));
        if (std::filesystem::create_directory(p)) {
            path_ = p.string();
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
    auto p = file(name);
    std::filesystem::create_directories(std::filesystem::path(p).parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

unsigned short unused_port() {
    asio::io_context io;
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

bool says_address_in_use(const std::string& log) {
    // nginx, squid, slapd, krb5kdc, rsyslog and tinyproxy print strerror's
    // words (nginx: "(98: Address already in use)"); some lower-case them.
    return log.find("Address already in use") != std::string::npos ||
           log.find("address already in use") != std::string::npos;
}

void start_on_fresh_ports(const std::function<void()>& start) {
    for (int attempt = 1;; ++attempt) {
        try {
            return start();
        } catch (const PortTaken&) {
            if (attempt == 3) throw;
        }
    }
}

} // namespace pft
