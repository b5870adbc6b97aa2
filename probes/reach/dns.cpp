#include "probes/reach/dns.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/resolve.hpp"

namespace pf {

namespace {

struct DnsRun : std::enable_shared_from_this<DnsRun> {
    DnsRun(asio::io_context& io, ProbeDone done) : timer(io), done(std::move(done)) {}
    asio::steady_timer timer;
    OnceDone done;
    std::function<void()> abandon;
};

ProbeResult verdict(const std::string& host, const Resolution& r) {
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
    k.description = "Resolves a host name and lists every address it has";
    k.params = {{"host", ParamType::host, true, "", "the name to resolve"}};
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto run = std::make_shared<DnsRun>(ctx.io, std::move(done));
        auto host = args.text("host");
        auto t0 = Clock::now();
        run->timer.expires_at(ctx.deadline);
        run->timer.async_wait([run, host, t0, deadline = ctx.deadline](std::error_code ec) {
            if (ec) return;
            if (run->abandon) run->abandon();
            run->done(
                make_result(Status::fail, Reason::dns_failure,
                            msg("dns.no_answer",
                                {{"host", host}, {"seconds", seconds_left_text(t0, deadline)}})));
        });
        run->abandon = resolve_host(ctx.io, host, [run, host](Resolution r) {
            run->timer.cancel();
            run->done(verdict(host, r));
        });
        return [run] {
            run->timer.cancel();
            if (run->abandon) run->abandon();
        };
    };
    return k;
}

} // namespace pf
