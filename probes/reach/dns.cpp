#include "probes/reach/dns.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/resolve.hpp"

namespace pf {

namespace {

ProbeResult verdict(const std::string& host, const Resolution& r, const std::string& within) {
    if (r.outcome == Resolution::Outcome::cancelled)
        return make_result(Status::fail, Reason::dns_failure,
                           msg("dns.no_answer", {{"host", host}, {"seconds", within}}));
    if (r.outcome != Resolution::Outcome::resolved) {
        auto res = make_result(Status::fail, lookup_reason(r.outcome), lookup_failure(host, r));
        res.measurements.push_back({"resolve", double(r.took.count()), "ms"});
        return res;
    }
    std::string list;
    for (const auto& a : r.addresses)
        list += (list.empty() ? "" : ", ") + a.to_string();
    auto res = make_result(
        Status::pass, Reason::ok,
        msg("dns.resolved",
            {{"host", host}, {"addresses", list}, {"time", ms_text(double(r.took.count()))}}));
    for (const auto& a : r.addresses)
        res.evidence.push_back((a.is_v4() ? "A     " : "AAAA  ") + a.to_string());
    res.measurements.push_back({"resolve", double(r.took.count()), "ms"});
    return res;
}

} // namespace

ProbeKind dns_probe() {
    ProbeKind k;
    k.name = "dns";
    k.description = msg("probe.dns.description");
    k.params = {{"host", ParamType::host, true, "", msg("param.dns.host")}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto host = args.text("host");
        auto within = seconds_left_text(Clock::now(), ctx.deadline);
        // The lookup ends at the check's cancellation: one verdict either way.
        return resolve_host(ctx.io, host, ctx.cancel,
                            [done = std::move(done), host, within](Resolution r) {
                                done(verdict(host, r, within));
                            });
    };
    return k;
}

} // namespace pf
