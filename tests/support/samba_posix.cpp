#include "support/samba_posix.hpp"
#include "support/certs.hpp"
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <openssl/rand.h>
#include <sched.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace pft {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string tail(const std::string& text, std::size_t lines = 40) {
    std::size_t pos = text.size();
    for (std::size_t n = 0; pos > 0 && n <= lines;)
        if (text[--pos] == '\n') ++n;
    return text.substr(pos == 0 ? 0 : pos + 1);
}

std::string file_tail(const std::string& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return {};
    return "\n--- " + path + "\n" + tail(read_file(path));
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (auto pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
}

// Meets AD's default complexity rule (three character classes, 7+ long) and
// differs per test process, so that a test grepping output for it finds only
// a real leak.
std::string make_password() {
    unsigned char b[8];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
    std::string p = "Pf7!";
    for (unsigned char c : b)
        p += "abcdefghijkmnpqrstuvwxyzABCDEFGH"[c % 32];
    return p;
}

// A provisioned domain, made once per test process: <root>/dc is samba's
// directory, <root>/pki its certificate, key and CA. Instances copy <root>.
struct Template {
    TempDir root;
    std::string password = make_password();
    std::string error; // set when provisioning failed: later DCs fail the same way at once

    explicit Template(const NetNamespace& ns) {
        const std::string pki = root.file("pki");
        fs::create_directories(pki);
        CertFactory f;
        auto ca = f.root({.cn = "Preflight Test AD CA"});
        auto leaf = f.issue(ca, {.cn = SambaDc::host_name(),
                                 .dns_sans = {SambaDc::host_name()},
                                 .ip_sans = {"127.0.0.1"},
                                 .ekus = {"serverAuth"}});
        CertFactory::write_pem(pki + "/ca.pem", {&ca});
        CertFactory::write_pem(pki + "/cert.pem", {&leaf});
        CertFactory::write_key(pki + "/key.pem", leaf);
        // samba refuses a key that others may read.
        chmod((pki + "/key.pem").c_str(), 0600);
        const std::string dc = root.file("dc");
        // Only LDAP, Kerberos, RPC and SMB: no DNS server, no NetBIOS, so
        // that nothing but the ports the tests need is listened on.
        auto r = run(ns.wrap({"samba-tool", "domain", "provision", "--realm=EXAMPLE.TEST",
                              "--domain=EXAMPLE", "--server-role=dc", "--dns-backend=NONE",
                              "--adminpass=" + password, "--host-name=dc1", "--host-ip=127.0.0.1",
                              "--targetdir=" + dc, "--option=interfaces=lo",
                              "--option=bind interfaces only=yes", "--option=disable netbios=yes",
                              "--option=server services=-dns -nbt -wrepl -dnsupdate",
                              "--option=tls certfile=" + pki + "/cert.pem",
                              "--option=tls keyfile=" + pki + "/key.pem",
                              "--option=tls cafile=" + pki + "/ca.pem"}));
        if (r.exit_code != 0) {
            error = "samba-tool domain provision failed (" + std::to_string(r.exit_code) + "):\n" +
                    tail(r.out + r.err);
            return;
        }
        rewrite_config(dc);
    }

    // Everything samba writes goes under its directory, and the print and
    // home shares (which look at /var and /etc) are gone.
    static void rewrite_config(const std::string& dc) {
        const std::string path = dc + "/etc/smb.conf";
        std::string conf = read_file(path);
        auto homes = conf.find("[homes]");
        auto sysvol = conf.find("[sysvol]");
        if (homes == std::string::npos || sysvol == std::string::npos || sysvol < homes)
            throw std::runtime_error("unexpected smb.conf from provisioning:\n" + conf);
        std::string global = conf.substr(0, homes);
        replace_all(global, "\tlog file = /var/log/samba/log.%m\n", "");
        global += "\tlog file = " + dc + "/log/samba.log\n" + "\tpid directory = " + dc + "/run\n" +
                  "\tncalrpc dir = " + dc + "/run/ncalrpc\n" +
                  "\twinbindd socket directory = " + dc + "/run/winbindd\n" +
                  "\tload printers = no\n\tprinting = bsd\n\tprintcap name = /dev/null\n"
                  "\tdisable spoolss = yes\n\tsmb ports = 445\n\tprefork children = 1\n\n";
        std::ofstream(path, std::ios::trunc) << global << conf.substr(sysvol);
    }
};

const Template& provisioned(const NetNamespace& ns) {
    static std::mutex m;
    static std::unique_ptr<Template> t;
    std::lock_guard<std::mutex> lock(m);
    if (!t) t = std::make_unique<Template>(ns);
    if (!t->error.empty()) throw std::runtime_error(t->error);
    return *t;
}

} // namespace

void enter_namespace(const std::string& ns) {
    const std::string path = "/run/netns/" + ns;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + path);
    int rc = setns(fd, CLONE_NEWNET);
    close(fd);
    if (rc != 0) throw std::runtime_error("setns into " + ns + " failed");
}

SambaDc::SambaDc() {
    const Template& t = provisioned(ns_);
    const std::string root = dir_.path();
    fs::copy(t.root.path(), root, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    const std::string conf = root + "/dc/etc/smb.conf";
    std::string text = read_file(conf);
    replace_all(text, t.root.path() + "/", root + "/");
    std::ofstream(conf, std::ios::trunc) << text;
    for (const char* d : {"/dc/cache", "/dc/log", "/dc/run"})
        fs::create_directories(root + d);
    ca_file_ = root + "/pki/ca.pem";
    // The RPC dynamic range is 49152-65535; Linux's ephemeral range overlaps
    // it, and a client sweeping it could connect a socket to itself.
    ns_.sh("sysctl -qw net.ipv4.ip_local_port_range='20000 29999'");
    ns_.set_etc_file("hosts", "127.0.0.1 localhost\n127.0.0.1 dc1.example.test dc1\n");
    proc_ =
        std::make_unique<Background>(ns_.wrap({"samba", "-i", "-s", conf}), root + "/samba.out");
    auto until = Clock::now() + std::chrono::seconds(60);
    for (unsigned short port : {389, 636, 3268, 3269}) {
        for (;;) {
            if (!proc_->running()) throw std::runtime_error("samba exited while starting:" + log());
            if (wait_for_port("127.0.0.1", port, 0.2, ns())) break;
            if (Clock::now() > until) {
                proc_->stop();
                throw std::runtime_error("samba did not answer on port " + std::to_string(port) +
                                         " within 60 s:" + log());
            }
        }
    }
}

SambaDc::~SambaDc() {
    if (proc_) proc_->stop();
}

const std::string& SambaDc::admin_password() const {
    return provisioned(ns_).password;
}

std::string SambaDc::log() const {
    return file_tail(dir_.file("samba.out")) + file_tail(dir_.file("dc/log/samba.log"));
}

bool SambaDc::wait_for(unsigned short port, double seconds) const {
    return wait_for_port("127.0.0.1", port, seconds, ns());
}

std::string SambaDc::samba_tool(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"samba-tool"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--configfile=" + dir_.file("dc/etc/smb.conf"));
    auto r = run(ns_.wrap(argv));
    if (r.exit_code != 0)
        throw std::runtime_error("samba-tool failed (" + std::to_string(r.exit_code) +
                                 "): " + tail(r.out + r.err));
    return r.out;
}

} // namespace pft
