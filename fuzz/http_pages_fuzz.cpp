// What web servers answer: WWW-Authenticate values (one per line), IIS's
// 403 pages, expected-status lists and bodies shown as evidence.
#include "probes/web/http_verdict.hpp"
#include "probes/web/web_request.hpp"
#include <fuzzer/FuzzedDataProvider.h>

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    std::vector<std::string> values;
    for (int i = in.ConsumeIntegralInRange(0, 4); i > 0; --i)
        values.push_back(in.ConsumeRandomLengthString(256));
    auth_schemes(values);
    if (auto set = parse_status_set(in.ConsumeRandomLengthString(64)))
        for (int s : {100, 200, 403, 599})
            set->contains(s);
    HttpHead head;
    head.status_line = in.ConsumeRandomLengthString(128);
    status_text(in.ConsumeIntegral<long>(), in.ConsumeBool() ? &head : nullptr);
    parse_http_url(in.ConsumeRandomLengthString(256));
    auto body = in.ConsumeRemainingBytesAsString();
    iis_substatus(body);
    body_excerpt(body, body.size());
    return 0;
}
