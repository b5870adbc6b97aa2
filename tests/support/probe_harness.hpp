#pragma once
// Runs one probe kind the way the runner does: start, then the event loop.
#include "base/catalog.hpp"
#include "core/probe.hpp"
#include "core/run_environment.hpp"
#include "core/runner.hpp"
#include <asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <unistd.h>

namespace pf {
// Lets BOOST_TEST print a Status when a comparison fails (Boost.Test's own
// customisation point, so it cannot clash with an operator<< elsewhere).
inline std::ostream& boost_test_print_type(std::ostream& o, Status s) {
    return o << to_string(s);
}
inline std::ostream& boost_test_print_type(std::ostream& o, Reason r) {
    return o << reason_code(r);
}
} // namespace pf

namespace pf::test {

inline ProbeResult run_probe(const ProbeKind& kind, const RunEnvironment& env,
                             std::map<std::string, std::string> args = {},
                             std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
    // The loader fills in defaults before a probe starts; do the same here.
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.required && !p.default_value.empty())
            args[p.name] = p.default_value;
    // A secret given here is the password itself, as the plan would have
    // read it; the probe sees it as the plan hands it over, and the result
    // gets the runner's last-resort redaction.
    std::map<std::string, SecretRef> secrets;
    std::vector<SecretRef> all_secrets;
    if (env.proxy.password) all_secrets.push_back(env.proxy.password);
    for (const auto& p : kind.params)
        if (p.secret && args.count(p.name) && !args[p.name].empty()) {
            secrets[p.name] = std::make_shared<const Secret>(args[p.name], "env:TEST_SECRET");
            all_secrets.push_back(secrets[p.name]);
            args[p.name] = "env:TEST_SECRET";
        }
    asio::io_context io;
    ProbeContext ctx{io, Clock::now() + deadline, env};
    std::optional<ProbeResult> got;
    int calls = 0;
    ProbeCancel cancel = kind.start(ctx, ProbeArgs(args, secrets), [&](ProbeResult r) {
        ++calls;
        got = std::move(r);
    });
    BOOST_TEST(calls == 0, "probe " << kind.name << " completed inside start, not on the loop");
    BOOST_TEST(static_cast<bool>(cancel));
    io.run();
    BOOST_TEST(calls == 1);
    BOOST_REQUIRE(got.has_value());
    // Every verdict names why: JSON, monitoring and translations key on it.
    BOOST_TEST(got->reason != Reason::unset,
               "probe " << kind.name << " gave no reason for: " << got->summary);
    // A verdict made from a message renders from the catalog in full.
    if (!got->message.empty())
        BOOST_TEST(message_problem(got->message, english_catalog()).empty(),
                   message_problem(got->message, english_catalog()));
    if (cancel) cancel(); // a no-op after completion, and must not crash
    redact_result(*got, all_secrets);
    return *got;
}

// What the probe's declaration says about these values, as the loader and
// the planner check them before any probe starts: "name: expected …" for the
// first one refused, "" when all pass. A probe never sees a refused value.
inline std::string declaration_refuses(const ProbeKind& kind,
                                       std::map<std::string, std::string> args) {
    for (const auto& [name, value] : args) {
        const ParamSpec* spec = kind.find_param(name);
        if (!spec) return name + ": not a parameter of " + kind.name;
        if (auto problem = check_value(*spec, value)) return name + ": expected " + *problem;
    }
    for (const auto& p : kind.params)
        if (!args.count(p.name) && !p.default_value.empty()) args[p.name] = p.default_value;
    if (kind.check_args)
        if (auto problem = kind.check_args(args))
            return problem->param + ": expected " + render(problem->expected);
    return "";
}

// A Debian VM as the tests choose it: 2 cores at 2.4 GHz, a "4 GB" VM's
// MemTotal (3.84 GiB), 20 GiB free on /opt.
inline HostFacts linux_facts() {
    HostFacts f;
    f.hostname = "acc01";
    f.os_family = "linux";
    f.os_name = "Debian GNU/Linux 12 (bookworm)";
    f.os_version = "12";
    f.kernel = "6.1.0-18-amd64";
    f.arch = "x86_64";
    f.cpu_model = "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz";
    f.logical_cores = 2;
    f.cpu_max_mhz = 2400.0;
    f.ram_bytes = 4028416ull * 1024;
    f.disk_path = "/opt";
    f.disk_free_bytes = 20ull << 30;
    return f;
}

inline RunEnvironment env_with(HostFacts f) {
    RunEnvironment env;
    env.facts = std::move(f);
    return env;
}

// A fresh directory under the system temp dir, removed at scope exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        static int n = 0;
        path = std::filesystem::temp_directory_path() /
               ("pf-hw-test-" + std::to_string(getpid()) + "-" + std::to_string(++n));
        std::filesystem::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace pf::test
