// Certificates as a server sends them: a chain of DER certificates,
// inspected one by one and verified as the tls probe verifies a chain.
#include "fuzz/trust_anchor.hpp"
#include "pki/cert_info.hpp"
#include "pki/tls_verify.hpp"

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<X509Ptr> chain;
    const unsigned char* p = data;
    const unsigned char* end = data + size;
    while (p < end && chain.size() < 8)
        if (X509* c = d2i_X509(nullptr, &p, static_cast<long>(end - p)))
            chain.emplace_back(c, &X509_free);
        else
            break;
    for (std::size_t i = 0; i < chain.size(); ++i) {
        CertInfo info = inspect(chain[i].get());
        describe_lines(info);
        certificate_row(info, "fuzz", chain_role(info, i));
        names_text(info);
        expiry_text(info);
        display_name(chain[i].get());
    }
    if (!chain.empty()) {
        verify_chain(chain, "fuzz.example.test", fuzz::fuzz_tls());
        verify_chain(chain, "127.0.0.1", fuzz::fuzz_tls());
    }
    return 0;
}
