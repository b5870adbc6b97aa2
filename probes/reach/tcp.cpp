#include "probes/reach/tcp.hpp"
#include "base/catalog.hpp"
#include "net/port_sweep.hpp"
#include "net/probe_util.hpp"
#include "net/resolve.hpp"
#include "net/tcp_connect.hpp"
#include <algorithm>
#include <map>

namespace pf {

std::vector<std::uint16_t> sample_ports(std::uint16_t first, std::uint16_t last,
                                        std::size_t count) {
    std::vector<std::uint16_t> ports;
    std::size_t span = std::size_t(last) - first + 1;
    if (count == 0 || count >= span) {
        for (std::size_t p = first; p <= last; ++p)
            ports.push_back(static_cast<std::uint16_t>(p));
        return ports;
    }
    for (std::size_t i = 0; i < count; ++i) {
        auto p = first + (count == 1 ? 0 : i * (span - 1) / (count - 1));
        if (ports.empty() || ports.back() != p) ports.push_back(static_cast<std::uint16_t>(p));
    }
    return ports;
}

namespace {

// How many ports of one range are tried at once. Each attempt also takes a
// descriptor from the run's budget, which every check shares; this bound
// keeps one large range (sample="65535") from taking the whole budget and
// from paying for thousands of sockets at once when a few hundred in flight
// already sweep closed ports as fast as the loop can take their answers.
constexpr std::size_t range_window = 1024;

} // namespace

std::function<void()> connect_ports(asio::io_context& io, const asio::ip::address& address,
                                    const std::vector<std::uint16_t>& ports,
                                    const CheckCancelPtr& cancel,
                                    std::function<void(std::vector<ConnectOutcome>)> on_done) {
    return sweep_ports(io, address, ports, range_window, cancel, std::move(on_done));
}

std::string RangeTally::text() const {
    return part(msg("tcp.tally", {{"open", open}, {"refused", refused}, {"timed_out", timed_out}}))
        .text;
}

std::optional<ProbeResult> range_not_judged(const RangeTally& t, std::size_t sampled) {
    if (t.no_descriptors == 0) return std::nullopt;
    return make_result(
        Status::error, Reason::internal_error,
        msg("tcp.range_no_descriptors",
            {{"failed", std::to_string(t.no_descriptors)}, {"sampled", std::to_string(sampled)}}));
}

std::string not_tried_text(const RangeTally& t, std::size_t sampled) {
    if (t.not_tried == 0) return {};
    return part(msg("tcp.not_tried", {{"count", t.not_tried}, {"sampled", sampled}})).text;
}

RangeTally tally_range(const std::vector<ConnectOutcome>& outcomes) {
    RangeTally t;
    for (const auto& o : outcomes) {
        switch (o.kind) {
        case ConnectOutcome::Kind::open:
            ++t.open;
            break;
        case ConnectOutcome::Kind::refused:
            ++t.refused;
            break;
        case ConnectOutcome::Kind::timed_out:
            ++t.timed_out;
            break;
        case ConnectOutcome::Kind::unreachable:
            ++t.unreachable;
            break;
        case ConnectOutcome::Kind::self_connect:
            ++t.self_connect;
            break;
        case ConnectOutcome::Kind::no_descriptors:
            ++t.no_descriptors;
            break;
        case ConnectOutcome::Kind::not_tried:
            ++t.not_tried;
            break;
        case ConnectOutcome::Kind::error:
            ++t.other;
            break;
        }
    }
    return t;
}

std::vector<std::string> range_evidence(const std::vector<ConnectOutcome>& outcomes) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < outcomes.size();) {
        const auto& first = outcomes[i];
        std::size_t j = i + 1;
        while (j < outcomes.size() && outcomes[j].kind == first.kind &&
               outcomes[j].detail == first.detail &&
               outcomes[j].endpoint.address() == first.endpoint.address())
            ++j;
        if (j - i == 1)
            lines.push_back(describe(first));
        else
            lines.push_back(render(
                msg("connect.outcome_likewise", {{"outcome", describe(first)},
                                                 {"count", j - i - 1},
                                                 {"last", outcomes[j - 1].endpoint.port()}})));
        i = j;
    }
    return lines;
}

namespace {

using Kind = ConnectOutcome::Kind;

struct TcpRun {
    TcpRun(asio::io_context& io, ProbeDone d) : io(io), done(std::move(d)) {}
    asio::io_context& io;
    OnceDone done;
    std::string host;
    PortRange range;
    bool is_range = false;
    std::size_t sample = 0;
    CheckCancelPtr cancel;
    Resolution resolution;
    std::function<void()> abandon_lookup;
    std::vector<std::function<void()>> cancels;
    std::vector<ConnectOutcome> outcomes;
    std::size_t pending = 0;

    void cancel_all() {
        if (abandon_lookup) abandon_lookup();
        for (auto& c : cancels)
            c();
    }
};

std::map<Kind, std::size_t> tally(const std::vector<ConnectOutcome>& v) {
    std::map<Kind, std::size_t> t;
    for (const auto& o : v)
        ++t[o.kind];
    return t;
}

// The outcome that names what went wrong: a lack of descriptors says nothing
// of the network, so it wins; otherwise the first address that failed.
Kind first_failure(const std::vector<ConnectOutcome>& v) {
    for (const auto& o : v)
        if (o.kind == Kind::no_descriptors) return o.kind;
    for (const auto& o : v)
        if (o.kind != Kind::open) return o.kind;
    return Kind::open;
}

ProbeResult port_verdict(const TcpRun& r) {
    auto t = tally(r.outcomes);
    std::size_t n = r.outcomes.size();
    std::string port = std::to_string(r.range.first);
    ProbeResult res;
    for (const auto& o : r.outcomes) {
        res.evidence.push_back(describe(o));
        if (o.kind == Kind::open)
            res.measurements.push_back({"connect " + o.endpoint.address().to_string(), o.ms, "ms"});
    }
    if (!r.resolution.literal)
        res.measurements.push_back({"resolve", double(r.resolution.took.count()), "ms"});
    if (t[Kind::open] == n) {
        res.status = Status::pass;
        res.reason = Reason::ok;
        double best = r.outcomes.front().ms;
        for (const auto& o : r.outcomes)
            best = std::min(best, o.ms);
        if (n > 1)
            set_message(res, msg("tcp.open_all", {{"host", r.host},
                                                  {"port", port},
                                                  {"count", std::to_string(n)},
                                                  {"time", ms_text(best)}}));
        else
            set_message(
                res, msg("tcp.open", {{"host", r.host}, {"port", port}, {"time", ms_text(best)}}));
        return res;
    }
    if (t[Kind::open] > 0) {
        res.status = Status::warn;
        res.reason = connect_reason(first_failure(r.outcomes));
        set_message(res, msg("tcp.partly_open", {{"host", r.host},
                                                 {"port", port},
                                                 {"open", std::to_string(t[Kind::open])},
                                                 {"count", std::to_string(n)}}));
        return res;
    }
    res.status = t[Kind::no_descriptors] ? Status::error : Status::fail;
    res.reason = connect_reason(first_failure(r.outcomes));
    // Every address failed the same way: one diagnosis says it all.
    if (t[r.outcomes.front().kind] == n && r.outcomes.front().kind != Kind::error)
        set_message(res, connect_failure(r.outcomes.front(), r.host));
    else if (n == 1)
        set_message(res, msg("connect.failed", {{"outcome", describe(r.outcomes.front())}}));
    else
        set_message(res, msg("tcp.cannot_connect_any",
                             {{"host", r.host}, {"port", port}, {"count", std::to_string(n)}}));
    return res;
}

ProbeResult range_verdict(const TcpRun& r) {
    auto t = tally_range(r.outcomes);
    std::string range = std::to_string(r.range.first) + "-" + std::to_string(r.range.last);
    ProbeResult res = range_not_judged(t, r.outcomes.size()).value_or(ProbeResult{});
    res.evidence = range_evidence(r.outcomes);
    res.measurements.push_back({"ports sampled", double(t.counted()), ""});
    std::string untried = not_tried_text(t, r.outcomes.size());
    if (t.no_descriptors) {
        // range_not_judged's error stands: untried ports say nothing of a firewall
    } else if (t.answered() > 0 && t.timed_out == 0) {
        res.status = Status::pass;
        res.reason = Reason::ok;
        set_message(res, msg("tcp.range_reachable", {{"range", range},
                                                     {"host", r.host},
                                                     {"tally", t.text()},
                                                     {"counted", std::to_string(t.counted())},
                                                     {"untried", untried}}));
    } else if (t.answered() > 0) {
        res.status = Status::warn;
        res.reason = Reason::timed_out;
        set_message(
            res,
            msg("tcp.range_partly_filtered",
                {{"range", range}, {"host", r.host}, {"tally", t.text()}, {"untried", untried}}));
    } else {
        res.status = Status::fail;
        res.reason = t.unreachable && !t.timed_out ? Reason::unreachable : Reason::timed_out;
        set_message(
            res,
            msg("tcp.range_filtered",
                {{"range", range}, {"host", r.host}, {"tally", t.text()}, {"untried", untried}}));
    }
    return res;
}

void finish(const std::shared_ptr<TcpRun>& r) {
    r->done(r->is_range ? range_verdict(*r) : port_verdict(*r));
}

void connect_all(const std::shared_ptr<TcpRun>& r) {
    if (r->is_range) {
        // One address is enough to judge a firewall's treatment of a range.
        r->cancels.push_back(connect_ports(r->io, r->resolution.addresses.front(),
                                           sample_ports(r->range.first, r->range.last, r->sample),
                                           r->cancel, [r](std::vector<ConnectOutcome> v) {
                                               r->outcomes = std::move(v);
                                               finish(r);
                                           }));
        return;
    }
    std::vector<asio::ip::tcp::endpoint> targets;
    for (const auto& a : r->resolution.addresses)
        targets.emplace_back(a, r->range.first);
    r->outcomes.resize(targets.size());
    r->pending = targets.size();
    for (std::size_t i = 0; i < targets.size(); ++i)
        r->cancels.push_back(connect_once(r->io, targets[i], r->cancel, [r, i](ConnectOutcome o) {
            r->outcomes[i] = o;
            if (--r->pending == 0) finish(r);
        }));
}

} // namespace

ProbeKind tcp_probe() {
    ProbeKind k;
    k.name = "tcp";
    k.description = msg("probe.tcp.description");
    k.params = {
        {"host", ParamType::host, true, "", msg("param.tcp.host")},
        {"port", ParamType::port_range, true, "", msg("param.tcp.port")},
        {.name = "sample",
         .type = ParamType::integer,
         .default_value = "8",
         .help = msg("param.tcp.sample"),
         .bounds = NumberBounds{1, 65535}},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<TcpRun>(ctx.io, std::move(done));
        r->host = args.text("host");
        r->range = args.port_range("port");
        r->is_range = r->range.first != r->range.last;
        r->sample = static_cast<std::size_t>(args.integer("sample"));
        r->cancel = ctx.cancel;
        // The lookup and the connects end at the check's cancellation, each
        // with its own account of the deadline.
        r->abandon_lookup = resolve_for_probe(
            ctx.io, r->host, ctx.cancel,
            [r](Resolution res) {
                r->resolution = std::move(res);
                connect_all(r);
            },
            [r](ProbeResult v) { r->done(std::move(v)); });
        return [r] { r->cancel_all(); };
    };
    return k;
}

} // namespace pf
