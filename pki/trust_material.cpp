#include "pki/trust_material.hpp"
#include "base/catalog.hpp"
#include "pki/interception.hpp"
#include "pki/tls_verify.hpp"
#include "pki/trust_store.hpp"
#include <atomic>
#include <map>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdexcept>

namespace pf {

namespace {

std::atomic<std::size_t> loads{0};

// One TrustMaterial per trust configuration per run. A run has one
// configuration; the key only keeps a test that runs two on one loop honest.
// The material does not outlive its run: the next run may see a changed
// system store.
class RunTrust : public asio::execution_context::service {
  public:
    using key_type = RunTrust;
    static inline asio::execution_context::id id;
    explicit RunTrust(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}
    void shutdown() override {
        std::lock_guard lock(mutex);
        built.clear();
    }
    std::mutex mutex;
    std::map<std::string, TrustHandle> built;
};

std::string key_of(const TlsSettings& tls) {
    std::string key = tls.trust.system_file + '\n' + tls.trust.system_dir + '\n' + tls.public_roots;
    for (const auto& f : tls.trust.ca_files)
        key += '\n' + f;
    return key;
}

} // namespace

std::vector<X509Ptr> read_pem_certs(const std::string& path) {
    std::vector<X509Ptr> out;
    std::unique_ptr<BIO, decltype(&BIO_free)> b(BIO_new_file(path.c_str(), "r"), BIO_free);
    if (!b) return out;
    while (X509* x = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr))
        out.emplace_back(x, X509_free);
    ERR_clear_error(); // the end of the file reads as an error
    return out;
}

TrustMaterial::TrustMaterial(const TlsSettings& tls)
    : store_(X509_STORE_new()), name_(store_name(tls.trust)), public_location_(tls.public_roots) {
    if (!store_) throw std::runtime_error(render(msg("trust.out_of_memory")));
    try {
        system_roots_ = load_trusted_roots(store_, tls.trust);
    } catch (...) {
        X509_STORE_free(store_);
        throw;
    }
    for (const auto& f : tls.trust.ca_files)
        ca_files_.emplace_back(f, read_pem_certs(f));
    ++loads;
}

TrustMaterial::~TrustMaterial() {
    X509_STORE_free(store_);
}

const PublicRoots& TrustMaterial::public_roots() const {
    std::call_once(public_once_, [this] { public_ = load_public_roots(public_location_); });
    return public_;
}

TrustHandle run_trust(asio::execution_context& run, const TlsSettings& tls) {
    auto& svc = asio::use_service<RunTrust>(run);
    auto key = key_of(tls);
    std::lock_guard lock(svc.mutex);
    auto it = svc.built.find(key);
    if (it != svc.built.end()) return it->second;
    auto made = std::make_shared<const TrustMaterial>(tls);
    svc.built.emplace(std::move(key), made);
    return made;
}

std::size_t trust_material_loads() {
    return loads.load();
}

} // namespace pf
