#include "probes/tcp.hpp"
#include "probes/probe_util.hpp"
#include "probes/resolve.hpp"
#include "probes/tcp_connect.hpp"
#include <asio/steady_timer.hpp>
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

using Kind = ConnectOutcome::Kind;

struct TcpRun {
    TcpRun(asio::io_context& io, ProbeDone d) : io(io), timer(io), done(std::move(d)) {}
    asio::io_context& io;
    asio::steady_timer timer;
    OnceDone done;
    std::string host;
    PortRange range;
    bool is_range = false;
    std::size_t sample = 0;
    Clock::time_point deadline;
    Resolution resolution;
    std::function<void()> abandon_lookup;
    std::vector<std::function<void()>> cancels;
    std::vector<ConnectOutcome> outcomes;
    std::size_t pending = 0;

    void cancel_all() {
        timer.cancel();
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
    if (r.resolution.detail != "IP address literal")
        res.measurements.push_back({"resolve", double(r.resolution.took.count()), "ms"});
    if (t[Kind::open] == n) {
        res.status = Status::pass;
        double best = r.outcomes.front().ms;
        for (const auto& o : r.outcomes)
            best = std::min(best, o.ms);
        res.summary = r.host + ":" + port + " open" +
                      (n > 1 ? " on all " + std::to_string(n) + " addresses" : "") + " (connect " +
                      ms_text(best) + ")";
        return res;
    }
    if (t[Kind::open] > 0) {
        res.status = Status::warn;
        res.summary = r.host + ":" + port + " open on " + std::to_string(t[Kind::open]) + " of " +
                      std::to_string(n) +
                      " addresses; clients trying the others first will be delayed or fail";
        return res;
    }
    res.status = Status::fail;
    // Every address failed the same way: one diagnosis says it all.
    if (t[r.outcomes.front().kind] == n && r.outcomes.front().kind != Kind::error)
        res.summary = diagnose(r.outcomes.front(), r.host);
    else if (n == 1)
        res.summary = "cannot connect: " + describe(r.outcomes.front());
    else
        res.summary = "cannot connect to " + r.host + " port " + port + " on any of its " +
                      std::to_string(n) + " addresses (see evidence)";
    return res;
}

ProbeResult range_verdict(const TcpRun& r) {
    auto t = tally(r.outcomes);
    std::string range = std::to_string(r.range.first) + "-" + std::to_string(r.range.last);
    auto counted = r.outcomes.size() - t[Kind::self_connect];
    ProbeResult res;
    for (const auto& o : r.outcomes)
        res.evidence.push_back(describe(o));
    res.measurements.push_back({"ports sampled", double(r.outcomes.size()), ""});
    std::string counts = std::to_string(t[Kind::open]) + " open, " +
                         std::to_string(t[Kind::refused]) + " refused, " +
                         std::to_string(t[Kind::timed_out]) + " timed out";
    if (t[Kind::open] + t[Kind::refused] > 0 && t[Kind::timed_out] == 0) {
        res.status = Status::pass;
        res.summary = "ports " + range + " on " + r.host + " are reachable (" + counts + " of " +
                      std::to_string(counted) + " sampled: answers come back)";
    } else if (t[Kind::open] + t[Kind::refused] > 0) {
        res.status = Status::warn;
        res.summary = "ports " + range + " on " + r.host + " are partly filtered (" + counts +
                      "): a firewall allows only part of the range";
    } else {
        res.status = Status::fail;
        res.summary = "ports " + range + " on " + r.host + " are filtered (" + counts +
                      "): a firewall must allow TCP " + range + " from this server to " + r.host;
    }
    return res;
}

void finish(const std::shared_ptr<TcpRun>& r) {
    r->timer.cancel();
    r->done(r->is_range ? range_verdict(*r) : port_verdict(*r));
}

void connect_all(const std::shared_ptr<TcpRun>& r) {
    std::vector<asio::ip::tcp::endpoint> targets;
    if (r->is_range) {
        // One address is enough to judge a firewall's treatment of a range.
        for (auto p : sample_ports(r->range.first, r->range.last, r->sample))
            targets.emplace_back(r->resolution.addresses.front(), p);
    } else {
        for (const auto& a : r->resolution.addresses)
            targets.emplace_back(a, r->range.first);
    }
    r->outcomes.resize(targets.size());
    r->pending = targets.size();
    for (std::size_t i = 0; i < targets.size(); ++i)
        r->cancels.push_back(connect_once(r->io, targets[i], r->deadline, [r, i](ConnectOutcome o) {
            r->outcomes[i] = o;
            if (--r->pending == 0) finish(r);
        }));
}

} // namespace

ProbeKind tcp_probe() {
    ProbeKind k;
    k.name = "tcp";
    k.description = "Connects to a TCP port (or samples a port range) on every address of a host";
    k.params = {
        {"host", ParamType::host, true, "", "host name or IP address to connect to"},
        {"port", ParamType::port_range, true, "", "port, or a range such as 49152-65535 to sample"},
        {"sample", ParamType::integer, false, "8", "how many ports of a range to try"},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        auto r = std::make_shared<TcpRun>(ctx.io, std::move(done));
        r->host = args.text("host");
        r->range = args.port_range("port");
        r->is_range = r->range.first != r->range.last;
        r->sample = static_cast<std::size_t>(args.integer("sample"));
        r->deadline = ctx.deadline;
        auto t0 = Clock::now();
        // The lookup has its own verdict at the deadline; connects time out
        // there themselves.
        r->timer.expires_at(ctx.deadline);
        r->timer.async_wait([r, t0](std::error_code ec) {
            if (ec || !r->outcomes.empty()) return;
            if (r->abandon_lookup) r->abandon_lookup();
            r->done(ProbeResult::make(Status::fail, "no answer from the resolver for '" + r->host +
                                                        "' within " +
                                                        seconds_left_text(t0, r->deadline)));
        });
        r->abandon_lookup = resolve_host(ctx.io, r->host, [r](Resolution res) {
            if (r->done.finished()) return;
            r->resolution = res;
            if (res.outcome != Resolution::Outcome::resolved) {
                r->timer.cancel();
                auto v = ProbeResult::make(Status::fail, describe_failure(r->host, res));
                v.measurements.push_back({"resolve", double(res.took.count()), "ms"});
                return r->done(v);
            }
            connect_all(r);
        });
        return [r] { r->cancel_all(); };
    };
    return k;
}

} // namespace pf
