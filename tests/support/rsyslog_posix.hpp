#pragma once
// rsyslog on 127.0.0.1 as the tests' syslog server: TCP, or TLS through its
// OpenSSL stream driver (package rsyslog-openssl), every message written to
// a file the test reads. Stopped by PID when destroyed.
#include "support/processes.hpp"
#include "support/text_match.hpp"
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace pft {

// PEM files of a server certificate rsyslog presents over TLS.
struct RsyslogTls {
    std::string ca, cert, key;
};

struct Rsyslog {
    TempDir dir;
    unsigned short port = unused_port();
    std::string out = dir.file("messages.log");
    std::unique_ptr<Background> server;
    // With tls: RFC 5425 through rsyslog's OpenSSL stream driver (package
    // rsyslog-openssl), not asking for a client certificate.
    explicit Rsyslog(const RsyslogTls* tls = nullptr) {
        start_on_fresh_ports([&] { start(tls); });
    }
    void start(const RsyslogTls* tls) {
        port = unused_port();
        std::string driver;
        if (tls)
            driver = "global(DefaultNetstreamDriver=\"ossl\" DefaultNetstreamDriverCAFile=\"" +
                     tls->ca + "\" DefaultNetstreamDriverCertFile=\"" + tls->cert +
                     "\" DefaultNetstreamDriverKeyFile=\"" + tls->key + "\")\n";
        auto conf = dir.write(
            "rsyslog.conf",
            "global(workDirectory=\"" + dir.path() + "\")\n" + driver +
                (tls ? "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\" "
                       "StreamDriver.AuthMode=\"anon\")\n"
                     : "module(load=\"imtcp\")\n") +
                "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" + std::to_string(port) +
                "\")\n"
                "*.* action(type=\"omfile\" template=\"RSYSLOG_SyslogProtocol23Format\" file=\"" +
                out + "\")\n");
        server = std::make_unique<Background>(
            std::vector<std::string>{"rsyslogd", "-n", "-f", conf, "-i", dir.file("rsyslog.pid")},
            dir.file("stderr.log"));
        if (!wait_for_port("127.0.0.1", port, 10)) {
            std::string why = read_file(dir.file("stderr.log"));
            server->stop();
            if (says_address_in_use(why)) throw PortTaken("rsyslogd: " + why);
            throw std::runtime_error("rsyslogd did not start: " + why);
        }
    }
    // rsyslog writes asynchronously: wait for the text to show up.
    bool received(const std::string& text) {
        for (int i = 0; i < 50; ++i) {
            if (contains(read_file(out), text)) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    }
};

} // namespace pft
