// Proxy URLs (--proxy, HTTPS_PROXY, NO_PROXY) and every parameter type a
// checklist, site file or --set value is checked against.
#include "base/errors.hpp"
#include "base/param_types.hpp"
#include "core/proxy_config.hpp"
#include <fuzzer/FuzzedDataProvider.h>

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    auto url = in.ConsumeRandomLengthString(512);
    auto no_proxy = in.ConsumeRandomLengthString(256);
    auto target = in.ConsumeRandomLengthString(128);
    try {
        ProxyConfig p = parse_proxy_url(url, "--proxy", in.ConsumeBool());
        p.no_proxy = split_no_proxy(no_proxy);
        p.bypassed_for(target);
        p.display();
    } catch (const InputError&) {
    }
    auto value = in.ConsumeRemainingBytesAsString();
    for (auto t : {ParamType::text, ParamType::host, ParamType::port, ParamType::port_range,
                   ParamType::integer, ParamType::seconds, ParamType::size, ParamType::frequency,
                   ParamType::boolean})
        validate_value(t, value);
    parse_integer(value);
    parse_port_range(value);
    parse_seconds(value);
    parse_frequency_mhz(value);
    parse_boolean(value);
    if (auto s = parse_size(value)) format_size(*s);
    return 0;
}
