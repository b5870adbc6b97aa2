// What an LDAP server sends, as the probe reads it: the framing of a
// message, its decoding (a rootDSE entry's attributes kept, under their
// bound), and AD's sub-codes in a refused bind's diagnostic. The same bytes
// also go through the filter encoder, whose input is bounded and whose
// nesting is not recursive.
#include "probes/ldap/ldap.hpp"
#include "probes/ldap/ldap_messages_posix.hpp"
#include <lber.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    std::string code;
    auto reason = pf::ad_bind_reason(bytes, &code);
    if (!reason.empty() && code.empty()) __builtin_trap();

    std::string_view rest(bytes);
    const std::vector<std::string> keep = {"namingcontexts", "dnshostname"};
    while (!rest.empty()) {
        auto f = pf::ldap::frame(rest);
        if (f.state != pf::ldap::Frame::State::ready) {
            if (f.state == pf::ldap::Frame::State::too_large &&
                f.size <= pf::ldap::max_message_bytes)
                __builtin_trap();
            break;
        }
        if (f.size == 0 || f.size > rest.size()) __builtin_trap();
        if (auto m = pf::ldap::decode(rest.substr(0, f.size), &keep, 1024)) {
            std::size_t kept = 0;
            for (const auto& [name, values] : m->attributes)
                for (const auto& v : values)
                    kept += v.size();
            if (kept > 1024) __builtin_trap();
        }
        rest.remove_prefix(f.size);
    }

    BerElement* ber = ber_alloc_t(LBER_USE_DER);
    pf::ldap::encode_filter(ber, bytes);
    ber_free(ber, 1);
    return 0;
}
