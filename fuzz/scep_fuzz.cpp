// A GetCACert answer: PKCS#7, DER or PEM, whatever the server labels it.
#include "pki/cert_info.hpp"
#include "probes/web/scep.hpp"

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string body(reinterpret_cast<const char*>(data), size);
    std::string form;
    for (const auto& c : scep_ca_certificates(body, form))
        describe_lines(inspect(c.get()));
    return 0;
}
