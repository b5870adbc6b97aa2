#include "probes/host/sizing.hpp"
#include "core/run_environment.hpp"
#include "hardware/sizing.hpp"

namespace pf {

namespace {

ProbeResult evaluate(const RunEnvironment& env) {
    if (!env.users)
        return ProbeResult::make(Status::skip, Reason::not_configured,
                                 "give --users N (and --servers N) to size this deployment");
    // One server is the smallest deployment, so it is the assumption that can
    // only err towards a failure the admin will notice.
    const std::uint32_t servers = env.servers.value_or(1);
    SizingVerdict v =
        evaluate_sizing(*env.users, servers, env.facts.logical_cores, env.facts.ram_bytes);
    ProbeResult r =
        ProbeResult::make(v.status, v.status == Status::pass ? Reason::ok : Reason::below_minimum,
                          std::move(v.summary));
    if (!env.servers) r.summary += " (assumed 1 ACC server: give --servers N)";
    r.evidence = std::move(v.evidence);
    r.measurements.push_back({"users", static_cast<double>(*env.users), "users"});
    r.measurements.push_back({"servers", static_cast<double>(servers), "servers"});
    return r;
}

} // namespace

ProbeKind sizing_probe() {
    ProbeKind k;
    k.name = "sizing";
    k.description = "Compares the planned users, ACC servers and this host's cores and RAM with "
                    "the guide's sizing table";
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) -> ProbeCancel {
        return deliver_now(ctx, std::move(done), evaluate(ctx.env));
    };
    return k;
}

} // namespace pf
