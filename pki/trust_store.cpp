#include "pki/trust_store.hpp"
#include "base/catalog.hpp"
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <stdexcept>

namespace pf {

static std::size_t count_objects(X509_STORE* store) {
    auto* objs = X509_STORE_get0_objects(store);
    return objs ? static_cast<std::size_t>(sk_X509_OBJECT_num(objs)) : 0;
}

std::size_t load_trusted_roots(X509_STORE* store, const TrustLocations& where) {
    std::size_t added = 0;
    if (!where.system_file.empty() || !where.system_dir.empty()) {
        auto before = count_objects(store);
        const char* file = where.system_file.empty() ? nullptr : where.system_file.c_str();
        const char* dir = where.system_dir.empty() ? nullptr : where.system_dir.c_str();
        if (X509_STORE_load_locations(store, file, dir) != 1)
            throw std::runtime_error(render(
                msg("trust.store_unreadable", {{"path", where.system_file + where.system_dir}})));
        added = count_objects(store) - before;
    } else {
        added = load_system_roots(store);
    }
    for (const auto& f : where.ca_files)
        if (X509_STORE_load_locations(store, f.c_str(), nullptr) != 1)
            throw std::runtime_error(render(msg("trust.ca_file_unreadable", {{"path", f}})));
    return added;
}

} // namespace pf
