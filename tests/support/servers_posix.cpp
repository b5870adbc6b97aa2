#include "support/servers_posix.hpp"
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <grp.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pwd.h>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace pft {

namespace {

constexpr double start_seconds = 10;

using Clock = std::chrono::steady_clock;

std::string tail(const std::string& text, std::size_t lines = 30) {
    std::size_t pos = text.size();
    for (std::size_t n = 0; pos > 0 && n <= lines;)
        if (text[--pos] == '\n') ++n;
    return text.substr(pos == 0 ? 0 : pos + 1);
}

std::string logs_tail(const std::vector<std::string>& files) {
    std::string out;
    for (const auto& f : files)
        out += "\n--- " + f + "\n" + tail(read_file(f));
    return out;
}

// Whether process pid itself holds a listening TCP socket on 127.0.0.1:port:
// a connection that succeeds may reach another program that took the port
// (nginx keeps retrying its bind for 2.5 s before it gives up).
bool listens_on(pid_t pid, unsigned short port) {
    std::set<std::string> inodes;
    std::istringstream table(read_file("/proc/net/tcp"));
    char local[16];
    std::snprintf(local, sizeof local, "0100007F:%04X", port);
    for (std::string line; std::getline(table, line);) {
        std::istringstream f(line);
        std::string slot, addr, remote, state, queues, timer, retr, uid, timeout, inode;
        f >> slot >> addr >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
        if (addr == local && state == "0A") inodes.insert("socket:[" + inode + "]");
    }
    if (inodes.empty()) return false;
    std::error_code ec;
    for (const auto& fd :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
        auto target = std::filesystem::read_symlink(fd.path(), ec);
        if (!ec && inodes.count(target.string())) return true;
    }
    return false;
}

// Waits for every port, giving up at once when the server has exited (a bad
// configuration), so that a broken test fails in milliseconds, not 10 s.
void await_ports(Background& proc, const std::vector<unsigned short>& ports,
                 const std::string& what, const std::vector<std::string>& logs) {
    auto until = Clock::now() + std::chrono::duration<double>(start_seconds);
    for (unsigned short port : ports) {
        for (;;) {
            std::string why = logs_tail(logs);
            if (!proc.running() || says_address_in_use(why)) {
                proc.stop();
                why = what + " exited while starting:" + why;
                if (says_address_in_use(why)) throw PortTaken(why);
                throw std::runtime_error(why);
            }
            if (wait_for_port("127.0.0.1", port, 0.1) && listens_on(proc.pid(), port)) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            if (Clock::now() > until) {
                proc.stop();
                throw std::runtime_error(what + " did not accept connections on 127.0.0.1:" +
                                         std::to_string(port) + " within 10 s:" + logs_tail(logs));
            }
        }
    }
}

// A port not yet handed out to this server: unused_port() asks the kernel for
// an ephemeral port and releases it, so two calls may return the same one.
unsigned short fresh_port(std::set<unsigned short>& taken) {
    for (;;) {
        unsigned short p = unused_port();
        if (taken.insert(p).second) return p;
    }
}

// Servers started as root drop to an unprivileged user, which must own its
// directory and be able to reach it: /tmp is world-traversable, but a TMPDIR
// under e.g. /root is not.
void hand_over(const std::string& dir, const char* user, const char* group_name) {
    if (!is_root()) return;
    const passwd* pw = getpwnam(user);
    const group* gr = getgrnam(group_name);
    if (!pw || !gr)
        throw std::runtime_error(std::string("no user ") + user + " or group " + group_name);
    uid_t uid = pw->pw_uid;
    gid_t gid = gr->gr_gid;
    namespace fs = std::filesystem;
    if (lchown(dir.c_str(), uid, gid) != 0) throw std::runtime_error("cannot chown " + dir);
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (lchown(e.path().c_str(), uid, gid) != 0)
            throw std::runtime_error("cannot chown " + e.path().string());
    for (fs::path p = fs::path(dir).parent_path(); !p.empty() && p != p.root_path();
         p = p.parent_path()) {
        struct stat st {};
        if (stat(p.c_str(), &st) == 0 && !(st.st_mode & S_IXOTH))
            chmod(p.c_str(), (st.st_mode & 07777) | S_IXOTH);
    }
}

std::string copy_into(const TempDir& dir, const std::string& from, const std::string& name) {
    return dir.write(name, read_file(from));
}

std::string base64(const std::string& s) {
    std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(s.data()),
                            static_cast<int>(s.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Which *_temp_path directives this nginx knows: each belongs to a module a
// build may leave out, and an unknown directive stops nginx from starting.
const std::vector<std::string>& nginx_temp_paths() {
    static const std::vector<std::string> paths = [] {
        std::string v = run({"nginx", "-V"}).err;
        std::vector<std::string> out = {"client_body"};
        for (std::string m : {"proxy", "fastcgi", "uwsgi", "scgi"})
            if (v.find("--without-http_" + m + "_module") == std::string::npos) out.push_back(m);
        return out;
    }();
    return paths;
}

} // namespace

// ---------------------------------------------------------------- nginx

Nginx::Nginx(std::vector<NginxSite> sites) {
    if (sites.empty()) throw std::invalid_argument("Nginx: no sites");
    start_on_fresh_ports([&] { start(sites); });
}

void Nginx::start(const std::vector<NginxSite>& sites) {
    const std::string& d = dir_.path();
    std::set<unsigned short> taken;
    for (const auto& s : sites)
        if (s.port) taken.insert(s.port);
    ports_.clear();
    std::ostringstream c;
    c << "daemon off;\n"
      << "worker_processes 1;\n"
      << "pid " << d << "/nginx.pid;\n"
      << "error_log " << d << "/error.log info;\n"
      << "events { worker_connections 256; }\n"
      << "http {\n"
      << "  access_log " << d << "/access.log;\n"
      << "  default_type text/plain;\n";
    for (const auto& m : nginx_temp_paths())
        c << "  " << m << "_temp_path " << d << "/" << m << "_temp;\n";
    static const std::regex catch_all(R"(location\s+(\^~\s+)?/\s*\{)");
    for (auto& s : sites) {
        unsigned short port = s.port ? s.port : fresh_port(taken);
        ports_.push_back(port);
        c << "  server {\n";
        if (s.tls) {
            if (s.cert_file.empty() || s.key_file.empty())
                throw std::invalid_argument("Nginx: a TLS site needs cert_file and key_file");
            c << "    listen 127.0.0.1:" << port << " ssl;\n"
              << "    ssl_certificate " << s.cert_file << ";\n"
              << "    ssl_certificate_key " << s.key_file << ";\n";
        } else {
            c << "    listen 127.0.0.1:" << port << ";\n";
        }
        c << "    " << s.extra << "\n"
          << "    location = /__preflight_health { return 204; }\n";
        if (!std::regex_search(s.extra, catch_all))
            c << "    location / { return 200 \"ok\\n\"; }\n";
        c << "  }\n";
    }
    c << "}\n";
    auto conf = dir_.write("nginx.conf", c.str());
    auto out = dir_.file("stderr.log");
    // -e: without it nginx opens its compiled-in /var/log/nginx/error.log
    // before reading the configuration.
    proc_ = std::make_unique<Background>(
        std::vector<std::string>{"nginx", "-c", conf, "-e", dir_.file("error.log")}, out);
    std::set<unsigned short> unique(ports_.begin(), ports_.end());
    await_ports(*proc_, {unique.begin(), unique.end()}, "nginx", {out, dir_.file("error.log")});
}

std::string Nginx::log() const {
    return read_file(dir_.file("error.log"));
}

std::string Nginx::access_log() const {
    return read_file(dir_.file("access.log"));
}

bool Nginx::logged(const std::string& text) const {
    // nginx writes the line after the response has gone out, so a client can
    // get its answer before the line exists.
    for (int i = 0; i < 30; ++i) {
        if (access_log().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// ---------------------------------------------------------------- squid

Squid::Squid(SquidOptions o) {
    start_on_fresh_ports([&] { start(o); });
}

void Squid::start(const SquidOptions& o) {
    const std::string& d = dir_.path();
    port_ = unused_port();
    bool bump = !o.bump_ca_cert.empty() || !o.bump_ca_key.empty();
    if (bump && (o.bump_ca_cert.empty() || o.bump_ca_key.empty()))
        throw std::invalid_argument("Squid: ssl-bump needs both bump_ca_cert and bump_ca_key");
    std::ostringstream c;
    c << "http_port 127.0.0.1:" << port_;
    if (bump) {
        // Copies, owned by the proxy user along with the rest of the directory.
        auto cert = copy_into(dir_, o.bump_ca_cert, "bump-ca.pem");
        auto key = copy_into(dir_, o.bump_ca_key, "bump-ca.key");
        c << " ssl-bump tls-cert=" << cert << " tls-key=" << key
          << " generate-host-certificates=on dynamic_cert_mem_cache_size=4MB";
    }
    c << "\n"
      // No lookup of this machine's name, and no DNS server but loopback.
      << "visible_hostname preflight-test\n"
      << "dns_nameservers 127.0.0.1\n"
      // Without these a DNS socket binds 0.0.0.0.
      << "udp_incoming_address 127.0.0.1\n"
      << "udp_outgoing_address 127.0.0.1\n"
      << "icp_port 0\nhtcp_port 0\n"
      << "pinger_enable off\n"
      << "cache deny all\n"
      << "cache_mem 8 MB\n"
      << "shutdown_lifetime 1 second\n"
      << "pid_filename " << d << "/squid.pid\n"
      << "cache_log " << d << "/cache.log\n"
      << "access_log stdio:" << d << "/access.log\n"
      << "cache_store_log none\n"
      << "netdb_filename none\n"
      << "logfile_rotate 0\n"
      << "coredump_dir " << d << "\n"
      << "max_filedescriptors 1024\n";
    if (bump) {
        auto db = dir_.file("ssl_db");
        auto made = run({"/usr/lib/squid/security_file_certgen", "-c", "-s", db, "-M", "4MB"});
        if (made.exit_code != 0)
            throw std::runtime_error("security_file_certgen -c failed: " + made.out + made.err);
        c << "sslcrtd_program /usr/lib/squid/security_file_certgen -s " << db << " -M 4MB\n"
          << "sslcrtd_children 2 startup=1 idle=1\n"
          << "acl pf_step1 at_step SslBump1\n"
          << "ssl_bump peek pf_step1\n"
          << "ssl_bump bump all\n";
        if (!o.origin_ca_file.empty())
            c << "tls_outgoing_options cafile="
              << copy_into(dir_, o.origin_ca_file, "origin-ca.pem") << "\n";
    }
    // Our own ACL names: squid predefines localhost, and the stock
    // configuration's "deny CONNECT !SSL_ports" is left out on purpose, so a
    // CONNECT to any loopback port goes through.
    c << "acl pf_clients src 127.0.0.1/32 ::1\n"
      << "http_access deny !pf_clients\n";
    if (o.basic_user.find_first_of(":\r\n") != std::string::npos)
        throw std::invalid_argument("Squid: a user name cannot contain ':' or line breaks");
    if (o.ntlm) {
        c << "auth_param ntlm program /usr/lib/squid/ntlm_fake_auth\n"
          << "auth_param ntlm children 2 startup=1 idle=1\n"
          << "acl pf_auth proxy_auth REQUIRED\n"
          << "http_access allow pf_auth\n";
    } else if (!o.negotiate_keytab.empty()) {
        c << "auth_param negotiate program /usr/lib/squid/negotiate_kerberos_auth -k "
          << copy_into(dir_, o.negotiate_keytab, "http.keytab") << " -s " << o.negotiate_principal
          << "\n"
          << "auth_param negotiate children 2 startup=1 idle=1\n"
          << "acl pf_auth proxy_auth REQUIRED\n"
          << "http_access allow pf_auth\n";
    } else if (o.digest) {
        auto passwords =
            dir_.write("digest-passwords", o.basic_user + ":" + o.basic_password + "\n");
        c << "auth_param digest program /usr/lib/squid/digest_file_auth " << passwords << "\n"
          << "auth_param digest children 2 startup=1 idle=1\n"
          << "auth_param digest realm preflight-digest\n"
          << "acl pf_auth proxy_auth REQUIRED\n"
          << "http_access allow pf_auth\n";
    } else if (!o.basic_user.empty()) {
        auto hash = run({"openssl", "passwd", "-apr1", o.basic_password});
        if (hash.exit_code != 0) throw std::runtime_error("openssl passwd failed: " + hash.err);
        std::string h = hash.out.substr(0, hash.out.find('\n'));
        auto htpasswd = dir_.write("htpasswd", o.basic_user + ":" + h + "\n");
        c << "auth_param basic program /usr/lib/squid/basic_ncsa_auth " << htpasswd << "\n"
          << "auth_param basic children 2 startup=1 idle=1\n"
          << "auth_param basic realm preflight-test\n"
          << "acl pf_auth proxy_auth REQUIRED\n"
          << "http_access allow pf_auth\n";
    } else {
        c << "http_access allow pf_clients\n";
    }
    c << "http_access deny all\n";
    auto conf = dir_.write("squid.conf", c.str());
    auto out = dir_.file("stderr.log");
    dir_.write("cache.log", "");
    dir_.write("access.log", "");
    dir_.write("stderr.log", "");
    // As root, squid runs as "proxy" (its compiled-in cache_effective_user).
    hand_over(d, "proxy", "proxy");
    proc_ = std::make_unique<Background>(std::vector<std::string>{"squid", "-N", "-f", conf}, out);
    await_ports(*proc_, {port_}, "squid", {out, dir_.file("cache.log")});
}

std::string Squid::log() const {
    return read_file(dir_.file("cache.log"));
}

std::string Squid::access_log() const {
    return read_file(dir_.file("access.log"));
}

// ---------------------------------------------------------------- tinyproxy

Tinyproxy::Tinyproxy(TinyproxyOptions o) {
    start_on_fresh_ports([&] { start(o); });
}

void Tinyproxy::start(const TinyproxyOptions& o) {
    const std::string& d = dir_.path();
    port_ = unused_port();
    std::ostringstream c;
    if (is_root()) c << "User nobody\nGroup nogroup\n";
    c << "Port " << port_ << "\n"
      << "Listen 127.0.0.1\n"
      << "Timeout " << o.timeout_seconds << "\n"
      << "LogFile \"" << d << "/tinyproxy.log\"\n"
      << "LogLevel Info\n"
      << "PidFile \"" << d << "/tinyproxy.pid\"\n"
      << "MaxClients 100\n"
      << "Allow 127.0.0.1\n";
    // tinyproxy's configuration grammar has no quoting for these.
    if ((o.basic_user + o.basic_password).find_first_of(" \t\r\n\"") != std::string::npos)
        throw std::invalid_argument("Tinyproxy: user and password cannot contain blanks or quotes");
    if (!o.basic_user.empty()) c << "BasicAuth " << o.basic_user << " " << o.basic_password << "\n";
    for (unsigned short p : o.connect_ports)
        c << "ConnectPort " << p << "\n";
    auto conf = dir_.write("tinyproxy.conf", c.str());
    auto out = dir_.file("stderr.log");
    dir_.write("tinyproxy.log", "");
    dir_.write("stderr.log", "");
    hand_over(d, "nobody", "nogroup");
    proc_ =
        std::make_unique<Background>(std::vector<std::string>{"tinyproxy", "-d", "-c", conf}, out);
    await_ports(*proc_, {port_}, "tinyproxy", {out, dir_.file("tinyproxy.log")});
}

std::string Tinyproxy::log() const {
    return read_file(dir_.file("tinyproxy.log"));
}

// ---------------------------------------------------------------- TcpClient

TcpClient::TcpClient(unsigned short port, const std::string& host) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    int family = host.find(':') == std::string::npos ? AF_INET : AF_INET6;
    if (family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(port);
        if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1)
            throw std::invalid_argument("TcpClient: not an IP address: " + host);
        len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(port);
        if (inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) != 1)
            throw std::invalid_argument("TcpClient: not an IP address: " + host);
        len = sizeof *a;
    }
    fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
        std::string err = std::strerror(errno);
        if (fd_ >= 0) close(fd_);
        fd_ = -1;
        throw std::runtime_error("TcpClient: connect to " + host + ":" + std::to_string(port) +
                                 ": " + err);
    }
}

TcpClient::~TcpClient() {
    if (fd_ >= 0) close(fd_);
}

void TcpClient::send(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw std::runtime_error(std::string("TcpClient: send: ") + strerror(errno));
        done += static_cast<std::size_t>(n);
    }
}

namespace {
// Waits up to the deadline for fd to be readable; then reads. Returns bytes
// read, 0 at end of stream, -1 on timeout or error.
ssize_t read_some(int fd, char* buf, std::size_t size, Clock::time_point until) {
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
        if (left.count() <= 0) return -1;
        pollfd p{fd, POLLIN, 0};
        int r = poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        ssize_t n = recv(fd, buf, size, 0);
        if (n < 0 && errno == EINTR) continue;
        // A reset counts as closed: tinyproxy and squid may RST a tunnel.
        return n < 0 ? 0 : n;
    }
}
} // namespace

std::string TcpClient::read_until(const std::string& delimiter, double seconds) {
    auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(seconds));
    for (;;) {
        auto at = buffered_.find(delimiter);
        if (at != std::string::npos) {
            std::string out = buffered_.substr(0, at + delimiter.size());
            buffered_.erase(0, at + delimiter.size());
            return out;
        }
        char buf[4096];
        ssize_t n = read_some(fd_, buf, sizeof buf, until);
        if (n <= 0) {
            std::string out;
            out.swap(buffered_);
            return out;
        }
        buffered_.append(buf, static_cast<std::size_t>(n));
    }
}

double TcpClient::seconds_until_closed(double seconds) {
    auto t0 = Clock::now();
    auto until =
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    buffered_.clear();
    for (;;) {
        char buf[4096];
        ssize_t n = read_some(fd_, buf, sizeof buf, until);
        if (n == 0) return std::chrono::duration<double>(Clock::now() - t0).count();
        if (n < 0) return -1;
    }
}

std::string proxy_connect(TcpClient& proxy, const std::string& target, const std::string& user,
                          const std::string& password) {
    std::string req = "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n";
    if (!user.empty())
        req += "Proxy-Authorization: Basic " + base64(user + ":" + password) + "\r\n";
    req += "\r\n";
    proxy.send(req);
    return proxy.read_until("\r\n\r\n", 10);
}

int status_code(const std::string& head) {
    static const std::regex status(R"(^HTTP/\d(\.\d)? (\d{3}))");
    std::smatch m;
    return std::regex_search(head, m, status) ? std::stoi(m[2]) : 0;
}

} // namespace pft
