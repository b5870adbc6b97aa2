// An SMTP server's lines (and our own, as libcurl reports them) in any
// order and cut anywhere: the transcript, and the verdict built from it.
#include "probes/smtp/smtp_transcript.hpp"
#include "probes/smtp/smtp_verdict.hpp"
#include <fuzzer/FuzzedDataProvider.h>

using namespace pf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);
    static const TlsSettings tls;
    SmtpPlan plan;
    plan.host = "mail.example.test";
    plan.implicit_tls = in.ConsumeBool();
    plan.starttls = in.PickValueInArray({"require", "try", "no"});
    if (in.ConsumeBool()) plan.user = "svc-acc";
    if (in.ConsumeBool()) plan.from = "acc@example.test", plan.to = {"admin@example.test"};
    plan.tls = &tls;
    SmtpSession s;
    s.transcript = SmtpTranscript(plan.implicit_tls);
    s.code = static_cast<CURLcode>(in.ConsumeIntegralInRange<int>(0, 100));
    s.connected = in.ConsumeBool();
    s.deadline_passed = in.ConsumeBool();
    s.handshake_started = in.ConsumeBool();
    while (in.remaining_bytes() > 0) {
        bool server = in.ConsumeBool();
        auto chunk = in.ConsumeRandomLengthString(512);
        if (server)
            s.transcript.from_server(chunk.data(), chunk.size());
        else
            s.transcript.from_client(chunk.data(), chunk.size());
    }
    s.transcript.lines();
    for (bool before : {true, false})
        if (const auto* e = s.transcript.ehlo(before)) auth_mechanisms(ehlo_capabilities(*e));
    if (const auto* g = s.transcript.greeting()) g->reply.text();
    s.transcript.last("AUTH");
    smtp_verdict(plan, s);
    return 0;
}
