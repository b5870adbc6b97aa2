#include "support/slapd_posix.hpp"
#include <chrono>
#include <filesystem>
#include <openssl/rand.h>
#include <sstream>
#include <stdexcept>

namespace pft {

namespace {

std::string random_password() {
    unsigned char b[9];
    if (RAND_bytes(b, sizeof b) != 1) throw std::runtime_error("RAND_bytes failed");
    std::string p = "Sl4p-";
    for (unsigned char c : b)
        p += "abcdefghijkmnpqrstuvwxyzABCDEFGH"[c % 32];
    return p;
}

std::string person(const std::string& uid, const std::string& password) {
    return "dn: uid=" + uid +
           ",ou=people,dc=example,dc=test\nobjectClass: inetOrgPerson\nuid: " + uid +
           "\ncn: " + uid + "\nsn: " + uid + "\nuserPassword: " + password + "\n\n";
}

} // namespace

Slapd::Slapd(SlapdOptions o) : password_(random_password()) {
    start_on_fresh_ports([&] { start(o); });
}

void Slapd::start(const SlapdOptions& o) {
    const std::string& d = dir_.path();
    bool tls = !o.cert_file.empty() || !o.key_file.empty();
    port_ = unused_port();
    do
        ldaps_port_ = tls ? unused_port() : 0;
    while (tls && ldaps_port_ == port_);
    std::filesystem::create_directories(d + "/db");
    std::ostringstream c;
    for (const char* s : {"core", "cosine", "inetorgperson"})
        c << "include /etc/ldap/schema/" << s << ".schema\n";
    c << "pidfile " << d << "/slapd.pid\n"
      << "modulepath /usr/lib/ldap\nmoduleload back_mdb\n";
    if (tls)
        c << "TLSCertificateFile " << o.cert_file << "\nTLSCertificateKeyFile " << o.key_file
          << "\n";
    // The root DN's password is the user's too: nothing in the tests binds
    // as the root, but slapd wants one to load the database.
    c << "database mdb\nmaxsize 10485760\nsuffix \"" << suffix() << "\"\n"
      << "rootdn \"cn=admin," << suffix() << "\"\nrootpw " << random_password() << "\n"
      << "directory " << d << "/db\n"
      << "access to attrs=userPassword by anonymous auth by * none\n"
      << "access to * by * read\n";
    auto conf = dir_.write("slapd.conf", c.str());
    std::string ldif = "dn: dc=example,dc=test\nobjectClass: dcObject\nobjectClass: "
                       "organization\no: Example\ndc: example\n\n"
                       "dn: ou=people,dc=example,dc=test\nobjectClass: organizationalUnit\n"
                       "ou: people\n\n" +
                       person("svc-acc", password_) + person("alice", random_password()) +
                       person("bob", random_password());
    // A retry on other ports (start_on_fresh_ports) keeps the database.
    if (!std::filesystem::exists(d + "/db/data.mdb")) {
        auto add = run({"slapadd", "-f", conf, "-l", dir_.write("base.ldif", ldif)});
        if (add.exit_code != 0) throw std::runtime_error("slapadd failed: " + add.out + add.err);
    }
    std::string urls = "ldap://127.0.0.1:" + std::to_string(port_) + "/";
    if (tls) urls += " ldaps://127.0.0.1:" + std::to_string(ldaps_port_) + "/";
    // -d keeps it in the foreground (its PID is the one to stop); 256 logs
    // each connection and operation with its result.
    proc_ = std::make_unique<Background>(
        std::vector<std::string>{"slapd", "-d", "256", "-f", conf, "-h", urls},
        dir_.file("slapd.log"));
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (unsigned short p : {port_, ldaps_port_}) {
        while (p && !wait_for_port("127.0.0.1", p, 0.1)) {
            if (!proc_->running() || std::chrono::steady_clock::now() > until) {
                proc_->stop();
                if (says_address_in_use(log())) throw PortTaken("slapd: " + log());
                throw std::runtime_error("slapd did not start:\n" + log());
            }
        }
    }
}

Slapd::~Slapd() {
    if (proc_) proc_->stop();
}

std::string Slapd::log() const {
    return read_file(dir_.file("slapd.log"));
}

} // namespace pft
