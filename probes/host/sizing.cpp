#include "probes/host/sizing.hpp"
#include "base/catalog.hpp"
#include "core/run_environment.hpp"
#include "hardware/sizing.hpp"

namespace pf {

namespace {

ProbeResult evaluate(const RunEnvironment& env) {
    if (!env.users)
        return make_result(Status::skip, Reason::not_configured, msg("sizing.no_users"));
    // One server is the smallest deployment, so it is the assumption that can
    // only err towards a failure the admin will notice.
    const std::uint32_t servers = env.servers.value_or(1);
    SizingVerdict v =
        evaluate_sizing(*env.users, servers, env.facts.logical_cores, env.facts.ram_bytes);
    Reason why = v.status == Status::pass ? Reason::ok : Reason::below_minimum;
    // The sizing table's sentence is made below this layer (hardware/sizing).
    ProbeResult r =
        env.servers
            ? ProbeResult::make(v.status, why, std::move(v.summary))
            : make_result(v.status, why,
                          msg("sizing.assumed_one_server", {{"verdict", std::move(v.summary)}}));
    r.evidence = std::move(v.evidence);
    r.measurements.push_back({"users", static_cast<double>(*env.users), "users"});
    r.measurements.push_back({"servers", static_cast<double>(servers), "servers"});
    return r;
}

} // namespace

ProbeKind sizing_probe() {
    ProbeKind k;
    k.name = "sizing";
    k.description = msg("probe.sizing.description");
    k.start = [](const ProbeContext& ctx, const ProbeArgs&, ProbeDone done) -> ProbeCancel {
        return deliver_now(ctx, std::move(done), evaluate(ctx.env));
    };
    return k;
}

} // namespace pf
