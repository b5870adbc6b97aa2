// A certificate file handed to "preflight cert": PEM, DER or PKCS#12, with
// or without a password, then every check of every profile.
#include "base/secret.hpp"
#include "fuzz/trust_anchor.hpp"
#include "pki/cert_file.hpp"
#include "probes/tls/cert_checks.hpp"

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const fuzz::TempFile file("cert");
    // The first byte picks the password: none, or the seed files' "fuzz".
    static const Secret seed_password("fuzz", "fuzz");
    const Secret* password = nullptr;
    if (size > 0) {
        if (data[0] & 1) password = &seed_password;
        ++data, --size;
    }
    file.write(data, size);
    CertFile f;
    try {
        f = load_cert_file(file.path(), password);
    } catch (const CertFileError&) {
        return 0;
    }
    certificate_rows(f);
    certificate_blocks(f);
    arm_cert_id_line(f);
    for (auto profile :
         {CertProfile::none, CertProfile::server, CertProfile::eas_client, CertProfile::apns}) {
        CertCheckOptions o;
        o.profile = profile;
        o.host = "fuzz.example.test";
        o.full_chain = profile == CertProfile::server;
        o.tls = fuzz::fuzz_tls();
        check_cert_file(f, o);
    }
    return 0;
}
