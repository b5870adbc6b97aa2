#include "probes/hardware.hpp"
#include "core/run_environment.hpp"
#include "hardware/sizing.hpp"

namespace pf {

namespace {

constexpr double gib = 1024.0 * 1024 * 1024;

ProbeResult result(Status s, std::string summary, Measurement m) {
    ProbeResult r = ProbeResult::make(s, std::move(summary));
    r.measurements.push_back(std::move(m));
    return r;
}

ProbeResult bad_minimum(const std::string& resource, const std::string& minimum,
                        const char* expected) {
    return ProbeResult::make(Status::error,
                             "minimum \"" + minimum + "\" for " + resource + " is not " + expected);
}

ProbeResult check_cores(const HostFacts& f, const std::string& minimum) {
    auto min = parse_integer(minimum);
    if (!min) return bad_minimum("cores", minimum, "a whole number of cores such as 2");
    if (f.logical_cores == 0)
        return ProbeResult::make(Status::warn, "the number of logical cores could not be read");
    Status s = f.logical_cores >= *min ? Status::pass : Status::fail;
    return result(s,
                  std::to_string(f.logical_cores) + " logical cores (minimum " +
                      std::to_string(*min) + ")",
                  {"logical_cores", static_cast<double>(f.logical_cores), "cores"});
}

ProbeResult check_clock(const HostFacts& f, const std::string& minimum) {
    auto min = parse_frequency_mhz(minimum);
    if (!min) return bad_minimum("cpu_clock", minimum, "a clock frequency such as 2.0GHz");
    if (!f.cpu_max_mhz) {
        ProbeResult r = ProbeResult::make(Status::warn, "CPU max clock could not be read");
        r.evidence.push_back("neither cpufreq nor /proc/cpuinfo gave a clock; compare the CPU "
                             "model (" +
                             (f.cpu_model.empty() ? "unknown" : f.cpu_model) +
                             ") with the guide's " + format_clock_mhz(*min) + " by hand");
        return r;
    }
    Status s = *f.cpu_max_mhz >= *min ? Status::pass : Status::fail;
    return result(s,
                  "CPU max clock " + format_clock_mhz(*f.cpu_max_mhz) + " (minimum " +
                      format_clock_mhz(*min) + ")",
                  {"cpu_max_clock", *f.cpu_max_mhz, "MHz"});
}

ProbeResult check_ram(const HostFacts& f, const std::string& minimum) {
    auto min = parse_size(minimum);
    if (!min) return bad_minimum("ram", minimum, "a size such as 2GB");
    if (f.ram_bytes == 0) return ProbeResult::make(Status::warn, "RAM size could not be read");
    Status s = ram_meets(f.ram_bytes, *min) ? Status::pass : Status::fail;
    ProbeResult r = result(s, format_size(f.ram_bytes) + " RAM (minimum " + format_size(*min) + ")",
                           {"ram", static_cast<double>(f.ram_bytes) / gib, "GiB"});
    // The guide states installed RAM; the OS reports that less what firmware
    // and the kernel keep back.
    r.evidence.push_back("RAM as the OS reports it; " + format_size(*min - *min / 10) +
                         " or more is taken as " + format_size(*min) + " installed");
    return r;
}

ProbeResult check_disk(const HostFacts& f, const std::string& minimum) {
    auto min = parse_size(minimum);
    if (!min) return bad_minimum("disk", minimum, "a size such as 1GB");
    if (!f.disk_free_bytes)
        return ProbeResult::make(Status::warn,
                                 "free disk space at " + f.disk_path + " could not be read");
    Status s = *f.disk_free_bytes >= *min ? Status::pass : Status::fail;
    ProbeResult r = result(s,
                           format_size(*f.disk_free_bytes) + " free at " + f.disk_path +
                               " (minimum " + format_size(*min) + ")",
                           {"disk_free", static_cast<double>(*f.disk_free_bytes) / gib, "GiB"});
    r.evidence.push_back("measured on the filesystem holding " + f.disk_path +
                         ", the nearest existing directory of the install path");
    return r;
}

struct Resource {
    const char* name;
    ProbeResult (*check)(const HostFacts&, const std::string&);
};

const Resource resources[] = {
    {"cores", check_cores},
    {"cpu_clock", check_clock},
    {"ram", check_ram},
    {"disk", check_disk},
};

ProbeResult check(const HostFacts& f, const std::string& resource, const std::string& minimum) {
    for (const auto& r : resources)
        if (resource == r.name) return r.check(f, minimum);
    return ProbeResult::make(Status::error, "unknown hardware resource \"" + resource +
                                                "\": expected cores, cpu_clock, ram or disk");
}

} // namespace

ProbeKind hardware_probe() {
    ProbeKind k;
    k.name = "hardware";
    k.description = "Compares one of this host's resources (cores, CPU clock, RAM, free disk) "
                    "with a minimum";
    k.params = {
        {"resource", ParamType::text, true, "", "what to measure: cores, cpu_clock, ram or disk"},
        {"minimum", ParamType::text, true, "",
         "the least acceptable value: a count for cores (2), a frequency for "
         "cpu_clock (2.0GHz), a size for ram and disk (2GB)"},
    };
    k.start = [](const ProbeContext& ctx, const ProbeArgs& args, ProbeDone done) -> ProbeCancel {
        return deliver_now(ctx, std::move(done),
                           check(ctx.env.facts, args.text("resource"), args.text("minimum")));
    };
    return k;
}

} // namespace pf
