#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "net/resolve.hpp"
#include "probes/reach/tcp.hpp"
#include "probes/rpc/rpc.hpp"
#include <algorithm>

namespace pf {

namespace {

struct RangeRun {
    RangeRun(asio::io_context& io, ProbeDone d) : io(io), done(std::move(d)) {}
    asio::io_context& io;
    OnceDone done;
    std::string host;
    PortRange range;
    std::size_t samples = 0;
    CheckCancelPtr cancel;
    std::function<void()> abandon_lookup, cancel_connects;
};

// Windows (and Samba) hand out the lowest dynamic ports first, so the first
// few are where a listener is likeliest; the rest of the sample spreads over
// the range to find a firewall that allows only part of it.
std::vector<std::uint16_t> ports_to_try(PortRange range, std::size_t samples) {
    auto ports = sample_ports(range.first, range.last, samples);
    for (std::size_t p = range.first; p <= range.last && p < range.first + 4u; ++p)
        ports.push_back(static_cast<std::uint16_t>(p));
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    return ports;
}

ProbeResult verdict(const RangeRun& r, const std::vector<ConnectOutcome>& outcomes) {
    auto t = tally_range(outcomes);
    std::string range = std::to_string(r.range.first) + "-" + std::to_string(r.range.last);
    bool legacy = r.range.last <= 5000;
    ProbeResult res = range_not_judged(t, outcomes.size()).value_or(ProbeResult{});
    std::string untried = not_tried_text(t, outcomes.size());
    std::string tally = t.unreachable
                            ? part(msg("rpc_range.tally_unreachable",
                                       {{"tally", t.text()}, {"unreachable", t.unreachable}}))
                                  .text
                            : t.text();
    res.evidence = range_evidence(outcomes);
    if (t.self_connect)
        add_evidence(res, msg("rpc_range.self_connect", {{"count", t.self_connect}}));
    res.measurements.push_back({"ports sampled", double(t.counted()), ""});
    if (t.no_descriptors) {
        // range_not_judged's error stands: untried ports say nothing of a firewall
    } else if (t.answered() > 0 && t.timed_out == 0 && t.unreachable == 0) {
        res.status = Status::pass;
        res.reason = Reason::ok;
        set_message(
            res, legacy
                     ? msg("rpc_range.legacy_reachable", {{"range", range},
                                                          {"host", r.host},
                                                          {"tally", t.text()},
                                                          {"counted", std::to_string(t.counted())},
                                                          {"untried", untried}})
                     : msg("rpc_range.reachable", {{"range", range},
                                                   {"host", r.host},
                                                   {"tally", t.text()},
                                                   {"counted", std::to_string(t.counted())},
                                                   {"untried", untried}}));
    } else if (t.answered() > 0) {
        res.status = Status::warn;
        res.reason = Reason::rpc_ports_filtered;
        set_message(
            res,
            legacy
                ? msg("rpc_range.legacy_partly_filtered",
                      {{"range", range}, {"host", r.host}, {"tally", tally}, {"untried", untried}})
                : msg("rpc_range.partly_filtered", {{"range", range},
                                                    {"host", r.host},
                                                    {"tally", tally},
                                                    {"untried", untried}}));
    } else {
        res.status = Status::fail;
        res.reason = Reason::rpc_ports_filtered;
        set_message(
            res, msg("rpc_range.filtered",
                     {{"range", range}, {"host", r.host}, {"tally", tally}, {"untried", untried}}));
    }
    return res;
}

} // namespace

ProbeKind rpc_dynamic_range_probe() {
    ProbeKind k;
    k.name = "rpc_dynamic_range";
    k.description = msg("probe.rpc_dynamic_range.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.rpc_dynamic_range.host")},
        {"range", ParamType::port_range, false, "49152-65535",
         msg("param.rpc_dynamic_range.range")},
        {.name = "samples",
         .type = ParamType::integer,
         .default_value = "24",
         .help = msg("param.rpc_dynamic_range.samples"),
         .bounds = NumberBounds{1, 65535}},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<RangeRun>(ctx.io, std::move(done));
        r->host = args.text("host");
        r->range = args.port_range("range");
        r->samples = static_cast<std::size_t>(args.integer("samples"));
        r->cancel = ctx.cancel;
        r->abandon_lookup = resolve_for_probe(
            ctx.io, r->host, ctx.cancel,
            [r](Resolution res) {
                // Silent ports end at the check's cancellation, as timed out.
                r->cancel_connects = connect_ports(
                    r->io, res.addresses.front(), ports_to_try(r->range, r->samples), r->cancel,
                    [r](std::vector<ConnectOutcome> v) { r->done(verdict(*r, v)); });
            },
            [r](ProbeResult v) { r->done(std::move(v)); });
        return [r] {
            if (r->abandon_lookup) r->abandon_lookup();
            if (r->cancel_connects) r->cancel_connects();
        };
    };
    return k;
}

} // namespace pf
