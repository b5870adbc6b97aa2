#include "probes/host/hardware.hpp"
#include "base/catalog.hpp"
#include "core/run_environment.hpp"
#include "hardware/sizing.hpp"
#include <stdexcept>

namespace pf {

namespace {

constexpr double gib = 1024.0 * 1024 * 1024;

ProbeResult result(Status s, Message m, Measurement measured) {
    ProbeResult r =
        make_result(s, s == Status::pass ? Reason::ok : Reason::below_minimum, std::move(m));
    r.measurements.push_back(std::move(measured));
    return r;
}

ProbeResult check_cores(const HostFacts& f, const std::string& minimum) {
    auto min = parse_integer(minimum);
    if (f.logical_cores == 0)
        return make_result(Status::warn, Reason::fact_unknown, msg("hardware.cores_unknown"));
    Status s = f.logical_cores >= *min ? Status::pass : Status::fail;
    return result(s,
                  msg("hardware.cores", {{"cores", std::to_string(f.logical_cores)},
                                         {"minimum", std::to_string(*min)}}),
                  {"logical_cores", static_cast<double>(f.logical_cores), "cores"});
}

ProbeResult check_clock(const HostFacts& f, const std::string& minimum) {
    auto min = parse_frequency_mhz(minimum);
    if (!f.cpu_max_mhz) {
        ProbeResult r =
            make_result(Status::warn, Reason::fact_unknown, msg("hardware.clock_unknown"));
        add_evidence(r, f.cpu_model.empty()
                            ? msg("hardware.clock_compare_unknown_model",
                                  {{"minimum", format_clock_mhz(*min)}})
                            : msg("hardware.clock_compare",
                                  {{"model", f.cpu_model}, {"minimum", format_clock_mhz(*min)}}));
        return r;
    }
    Status s = *f.cpu_max_mhz >= *min ? Status::pass : Status::fail;
    return result(s,
                  msg("hardware.clock", {{"clock", format_clock_mhz(*f.cpu_max_mhz)},
                                         {"minimum", format_clock_mhz(*min)}}),
                  {"cpu_max_clock", *f.cpu_max_mhz, "MHz"});
}

ProbeResult check_ram(const HostFacts& f, const std::string& minimum) {
    auto min = parse_size(minimum);
    if (f.ram_bytes == 0)
        return make_result(Status::warn, Reason::fact_unknown, msg("hardware.ram_unknown"));
    Status s = ram_meets(f.ram_bytes, *min) ? Status::pass : Status::fail;
    ProbeResult r = result(
        s,
        msg("hardware.ram", {{"size", format_size(f.ram_bytes)}, {"minimum", format_size(*min)}}),
        {"ram", static_cast<double>(f.ram_bytes) / gib, "GiB"});
    // The guide states installed RAM; the OS reports that less what firmware
    // and the kernel keep back.
    add_evidence(r, msg("hardware.ram_as_reported", {{"reported", format_size(*min - *min / 10)},
                                                     {"minimum", format_size(*min)}}));
    return r;
}

ProbeResult check_disk(const HostFacts& f, const std::string& minimum) {
    auto min = parse_size(minimum);
    if (!f.disk_free_bytes)
        return make_result(Status::warn, Reason::fact_unknown,
                           msg("hardware.disk_unknown", {{"path", f.disk_path}}));
    Status s = *f.disk_free_bytes >= *min ? Status::pass : Status::fail;
    ProbeResult r = result(s,
                           msg("hardware.disk", {{"free", format_size(*f.disk_free_bytes)},
                                                 {"path", f.disk_path},
                                                 {"minimum", format_size(*min)}}),
                           {"disk_free", static_cast<double>(*f.disk_free_bytes) / gib, "GiB"});
    add_evidence(r, msg("hardware.disk_measured_on", {{"path", f.disk_path}}));
    return r;
}

// Each resource's minimum is a value of its own type, checked (check_args)
// before the run, so the checks above parse it without failing.
struct Resource {
    const char* name;
    ParamType minimum;
    ProbeResult (*check)(const HostFacts&, const std::string&);
};

const Resource resources[] = {
    {"cores", ParamType::integer, check_cores},
    {"cpu_clock", ParamType::frequency, check_clock},
    {"ram", ParamType::size, check_ram},
    {"disk", ParamType::size, check_disk},
};

const Resource& resource_named(const std::string& name) {
    for (const auto& r : resources)
        if (name == r.name) return r;
    throw std::logic_error("hardware resource '" + name + "' passed its declaration");
}

} // namespace

ProbeKind hardware_probe() {
    ProbeKind k;
    k.name = "hardware";
    k.description = msg("probe.hardware.description");
    k.params = {
        {.name = "resource",
         .type = ParamType::choice,
         .required = true,
         .help = msg("param.hardware.resource"),
         .choices = {"cores", "cpu_clock", "ram", "disk"}},
        {.name = "minimum",
         .required = true,
         .help = msg("param.hardware.minimum"),
         .form = ValueForm{"count, frequency or size", msg("param.hardware.minimum_form"),
                           [](std::string_view v) {
                               return !validate_value(ParamType::integer, v) ||
                                      !validate_value(ParamType::frequency, v) ||
                                      !validate_value(ParamType::size, v);
                           }}},
    };
    k.check_args = [](const ArgValues& v) -> std::optional<ArgProblem> {
        auto minimum = v.find("minimum");
        if (minimum == v.end()) return std::nullopt;
        const Resource& r = resource_named(v.at("resource"));
        if (auto problem = validate_value(r.minimum, minimum->second))
            return ArgProblem{"minimum", msg("param.hardware.minimum_of",
                                             {{"expected", *problem}, {"resource", r.name}})};
        return std::nullopt;
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        return deliver_now(
            ctx, std::move(done),
            resource_named(args.text("resource")).check(ctx.env.facts, args.text("minimum")));
    };
    return k;
}

} // namespace pf
