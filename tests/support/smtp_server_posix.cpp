#include "support/smtp_server_posix.hpp"
#include <chrono>
#include <filesystem>
#include <grp.h>
#include <pwd.h>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace pft {

namespace {

std::string config(const std::string& dir, unsigned short port, const EximOptions& o) {
    std::string c = "primary_hostname = mail." + exim_local_domain +
                    "\n"
                    "qualify_domain = " +
                    exim_local_domain + "\ndomainlist local_domains = " + exim_local_domain +
                    "\n"
                    "daemon_smtp_ports = " +
                    std::to_string(port) +
                    "\n"
                    "local_interfaces = 127.0.0.1\n"
                    "spool_directory = " +
                    dir + "/spool\nlog_file_path = " + dir + "/%slog\npid_file_path = " + dir +
                    "/exim.pid\n"
                    // No reverse or ident lookups: nothing leaves loopback.
                    "host_lookup =\nrfc1413_query_timeout = 0s\nkeep_environment =\n"
                    "acl_smtp_connect = acl_connect\nacl_smtp_mail = acl_mail\n"
                    "acl_smtp_rcpt = acl_rcpt\n";
    if (!o.cert_pem.empty())
        c += "tls_advertise_hosts = *\ntls_certificate = " + dir +
             "/cert.pem\ntls_privatekey = " + dir + "/key.pem\n" +
             (o.implicit_tls ? "tls_on_connect_ports = " + std::to_string(port) + "\n" : "");
    else
        c += "tls_advertise_hosts =\n";
    std::string advertise = o.auth_in_clear
                                ? std::string()
                                : "  server_advertise_condition = ${if def:tls_in_cipher}\n";
    c += "\nbegin acl\nacl_connect:\n";
    c += o.refuse_sessions ? "  deny message = 554 no mail service for you\n" : "  accept\n";
    c += "acl_mail:\n";
    if (o.tls_before_mail)
        c += "  deny message = 530 Must issue a STARTTLS command first\n"
             "       condition = ${if !def:tls_in_cipher}\n";
    if (o.auth_before_mail)
        c += "  deny message = 530 Authentication required\n"
             "       !authenticated = *\n";
    c += "  accept\n"
         "acl_rcpt:\n"
         "  accept authenticated = *\n"
         "  accept domains = +local_domains\n"
         "  deny   message = relay not permitted\n"
         "\nbegin routers\n"
         "local_mailbox:\n  driver = accept\n  domains = +local_domains\n"
         "  transport = mailbox_file\n"
         "\nbegin transports\n"
         "mailbox_file:\n  driver = appendfile\n  file = " +
         dir +
         "/mailbox\n  envelope_to_add\n"
         "\nbegin authenticators\n"
         // Offered only inside TLS, as a careful server does.
         "plain:\n  driver = plaintext\n  public_name = PLAIN\n  server_prompts = :\n"
         "  server_condition = ${if and {{eq{$auth2}{" +
         o.user + "}}{eq{$auth3}{" + o.password +
         "}}}}\n"
         "  server_set_id = $auth2\n" +
         advertise +
         "login:\n  driver = plaintext\n  public_name = LOGIN\n"
         "  server_prompts = Username:: : Password::\n"
         "  server_condition = ${if and {{eq{$auth1}{" +
         o.user + "}}{eq{$auth2}{" + o.password +
         "}}}}\n"
         "  server_set_id = $auth1\n" +
         advertise;
    return c;
}

// Exim started by root drops to Debian-exim: it must own the directory and
// read the key.
void hand_to_exim(const std::string& dir) {
    if (!is_root()) return;
    const passwd* pw = getpwnam("Debian-exim");
    if (!pw) return;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
        if (::chown(e.path().c_str(), pw->pw_uid, pw->pw_gid) != 0)
            throw std::runtime_error("chown " + e.path().string() + " failed");
    if (::chown(dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
        throw std::runtime_error("chown " + dir + " failed");
}

} // namespace

Exim::Exim(const EximOptions& options) : port_(0) {
    std::filesystem::create_directories(dir_.file("spool"));
    if (!options.cert_pem.empty()) {
        dir_.write("cert.pem", options.cert_pem);
        auto key = dir_.write("key.pem", options.key_pem);
        std::filesystem::permissions(key, std::filesystem::perms(0640));
    }
    hand_to_exim(dir_.path());
    // The port unused_port() picked may be taken before exim binds it (a
    // suite running in parallel): exim then waits 30 s to retry; this starts
    // it again on another port instead.
    start_on_fresh_ports([&] {
        for (auto name : {"stderr.log", "mainlog", "paniclog"})
            std::filesystem::remove(dir_.file(name));
        port_ = unused_port();
        auto conf = dir_.write("exim.conf", config(dir_.path(), port_, options));
        if (is_root() && ::chown(conf.c_str(), 0, 0) != 0) throw std::runtime_error("chown conf");
        server_ = std::make_unique<Background>(std::vector<std::string>{"exim", "-C", conf, "-bdf"},
                                               dir_.file("stderr.log"));
        auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!wait_for_port("127.0.0.1", port_, 0.1)) {
            std::string log = logs();
            if (says_address_in_use(log)) {
                server_.reset();
                throw PortTaken("exim: " + log);
            }
            if (!server_->running() || std::chrono::steady_clock::now() > until)
                throw std::runtime_error("exim did not start: " + log);
        }
    });
}

Exim::~Exim() {
    server_.reset();
}

std::string Exim::mailbox() const {
    std::error_code ec;
    if (!std::filesystem::exists(dir_.file("mailbox"), ec)) return {};
    return read_file(dir_.file("mailbox"));
}

bool Exim::delivered(const std::string& text, double seconds) const {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    do {
        if (mailbox().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (std::chrono::steady_clock::now() < until);
    return false;
}

std::string Exim::logs() const {
    std::string out;
    for (auto name : {"stderr.log", "mainlog", "paniclog", "rejectlog"}) {
        std::error_code ec;
        if (std::filesystem::exists(dir_.file(name), ec))
            out += std::string("== ") + name + "\n" + read_file(dir_.file(name));
    }
    return out;
}

} // namespace pft
