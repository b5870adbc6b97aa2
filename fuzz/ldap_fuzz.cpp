// A directory server's diagnostic message to a refused bind, decoded for
// Active Directory's sub-codes.
#include "probes/ldap/ldap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string diagnostic(reinterpret_cast<const char*>(data), size);
    std::string code;
    auto reason = pf::ad_bind_reason(diagnostic, &code);
    if (!reason.empty() && code.empty()) __builtin_trap();
    return 0;
}
