#include "pki/trust_store.hpp"

// windows.h must come before wincrypt.h, which uses its types.
#include <windows.h>

#include <wincrypt.h>

namespace pf {

// The Cloud Connector is a .NET service: it trusts what Windows trusts, the
// local machine's ROOT store plus intermediates in CA. Reading the same
// stores makes preflight's TLS verdicts match what the ACC will see.
std::size_t load_system_roots(X509_STORE* store) {
    std::size_t added = 0;
    for (const wchar_t* name : {L"ROOT", L"CA"}) {
        HCERTSTORE sys =
            CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0,
                          CERT_SYSTEM_STORE_LOCAL_MACHINE | CERT_STORE_READONLY_FLAG, name);
        if (!sys) continue;
        for (PCCERT_CONTEXT c = CertEnumCertificatesInStore(sys, nullptr); c;
             c = CertEnumCertificatesInStore(sys, c)) {
            const unsigned char* der = c->pbCertEncoded;
            X509* x = d2i_X509(nullptr, &der, static_cast<long>(c->cbCertEncoded));
            if (!x) continue;
            if (X509_STORE_add_cert(store, x) == 1) ++added;
            X509_free(x);
        }
        CertCloseStore(sys, 0);
    }
    return added;
}

} // namespace pf
