#include "pki/trust_store.hpp"
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <openssl/x509_vfy.h>

namespace pf {

namespace {

std::size_t load_default_paths(X509_STORE* store) {
    auto* objs = X509_STORE_get0_objects(store);
    auto before = objs ? sk_X509_OBJECT_num(objs) : 0;
    X509_STORE_set_default_paths(store);
    objs = X509_STORE_get0_objects(store);
    auto after = objs ? sk_X509_OBJECT_num(objs) : 0;
    return after > before ? static_cast<std::size_t>(after - before) : 0;
}

// Whether the environment variable is unset or names the default itself
// (some systems export SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt).
bool names_default(const char* variable, const char* default_path) {
    const char* value = std::getenv(variable);
    if (!value || !*value) return true;
    std::error_code ec;
    return std::filesystem::equivalent(value, default_path, ec);
}

// c_rehash's names: eight hex digits, a dot, a digit.
bool has_hash_links(const std::string& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        auto name = it->path().filename().string();
        if (name.size() >= 10 && name[8] == '.' &&
            name.find_first_not_of("0123456789abcdef") == 8 &&
            name.find_first_not_of("0123456789", 9) == std::string::npos)
            return true;
    }
    return false;
}

std::size_t count_pem_certificates(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t n = 0;
    for (auto at = text.find("-----BEGIN CERTIFICATE-----"); at != std::string::npos;
         at = text.find("-----BEGIN CERTIFICATE-----", at + 1))
        ++n;
    return n;
}

} // namespace

std::size_t load_system_roots(X509_STORE* store) {
    // SSL_CERT_FILE and SSL_CERT_DIR naming other roots are the admin's
    // choice: read as OpenSSL reads them.
    if (!names_default(X509_get_default_cert_file_env(), X509_get_default_cert_file()) ||
        !names_default(X509_get_default_cert_dir_env(), X509_get_default_cert_dir()))
        return load_default_paths(store);
    // Parsing the whole bundle (Debian: ~140 roots) costs more than a TLS
    // check; the hashed directory beside it holds the same roots and is read
    // one root at a time, when a chain asks for it.
    const std::string dir = X509_get_default_cert_dir();
    if (has_hash_links(dir)) {
        X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
        if (lookup && X509_LOOKUP_add_dir(lookup, dir.c_str(), X509_FILETYPE_PEM) == 1)
            return count_pem_certificates(X509_get_default_cert_file());
    }
    return load_default_paths(store);
}

} // namespace pf
