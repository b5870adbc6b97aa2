#include "support/kdc_posix.hpp"
#include <filesystem>
#include <stdexcept>

namespace pft {

namespace {

std::string file_name(std::string principal) {
    for (char& c : principal)
        if (c == '/' || c == '@') c = '_';
    return principal;
}

} // namespace

Kdc::Kdc(std::string realm) : realm_(std::move(realm)) {
    start_on_fresh_ports([&] { start(); });
}

void Kdc::start() {
    const std::string& d = dir_.path();
    port_ = unused_port();
    std::string port = std::to_string(port_);
    // No DNS anywhere: the service name is taken as written (HTTP/localhost).
    dir_.write("krb5.conf", "[libdefaults]\n  default_realm = " + realm_ +
                                "\n  dns_lookup_kdc = false\n  dns_lookup_realm = false\n"
                                "  rdns = false\n  dns_canonicalize_hostname = false\n"
                                "[realms]\n  " +
                                realm_ + " = {\n    kdc = 127.0.0.1:" + port + "\n  }\n");
    dir_.write("kdc.conf", "[kdcdefaults]\n  kdc_ports = " + port + "\n  kdc_tcp_ports = " + port +
                               "\n[realms]\n  " + realm_ + " = {\n    database_name = " + d +
                               "/principal\n    key_stash_file = " + d + "/stash\n    acl_file = " +
                               d + "/kadm5.acl\n    kdc_listen = " + "127.0.0.1:" + port +
                               "\n    kdc_tcp_listen = 127.0.0.1:" + port +
                               "\n  }\n[logging]\n  kdc = FILE:" + d + "/kdc.log\n");
    dir_.write("kdc.log", "");
    // A retry on another port (start_on_fresh_ports) keeps the database.
    if (!std::filesystem::exists(d + "/principal")) {
        auto made =
            run({"env", "KRB5_CONFIG=" + config(), "KRB5_KDC_PROFILE=" + dir_.file("kdc.conf"),
                 "kdb5_util", "create", "-s", "-r", realm_, "-P", "preflight-master"});
        if (made.exit_code != 0)
            throw std::runtime_error("kdb5_util create failed: " + made.out + made.err);
    }
    proc_ = std::make_unique<Background>(
        std::vector<std::string>{"env", "KRB5_CONFIG=" + config(),
                                 "KRB5_KDC_PROFILE=" + dir_.file("kdc.conf"), "krb5kdc", "-n", "-r",
                                 realm_},
        dir_.file("stderr.log"));
    if (!wait_for_port("127.0.0.1", port_, 10)) {
        std::string why = read_file(dir_.file("stderr.log")) + log();
        proc_->stop();
        if (says_address_in_use(why)) throw PortTaken("krb5kdc: " + why);
        throw std::runtime_error("krb5kdc did not start: " + why);
    }
}

CommandResult Kdc::admin(const std::string& query) const {
    auto r = run({"env", "KRB5_CONFIG=" + config(), "KRB5_KDC_PROFILE=" + dir_.file("kdc.conf"),
                  "kadmin.local", "-r", realm_, "-q", query});
    if (r.exit_code != 0)
        throw std::runtime_error("kadmin.local -q '" + query + "' failed: " + r.out + r.err);
    return r;
}

std::string Kdc::add_principal(const std::string& name) {
    std::string keytab = dir_.file(file_name(name) + ".keytab");
    admin("addprinc -randkey " + name);
    admin("ktadd -k " + keytab + " " + name);
    return keytab;
}

std::string Kdc::kinit(const std::string& name) {
    std::string cache = "FILE:" + dir_.file(file_name(name) + ".ccache");
    auto r = run({"env", "KRB5_CONFIG=" + config(), "kinit", "-k", "-t",
                  dir_.file(file_name(name) + ".keytab"), "-c", cache, name});
    if (r.exit_code != 0) throw std::runtime_error("kinit " + name + " failed: " + r.out + r.err);
    return cache;
}

std::string Kdc::log() const {
    return read_file(dir_.file("kdc.log"));
}

} // namespace pft
