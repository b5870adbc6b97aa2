#pragma once
#include "base/catalog.hpp" // help is a Message, written with operator<<
#include "base/param_types.hpp"
#include "base/probe_result.hpp"
#include "base/secret.hpp"
#include "core/check_cancel.hpp"
#include "core/shared_args.hpp"
#include <asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pf {

struct RunEnvironment;

// A form of value only one probe kind knows (an RPC interface UUID, HTTP
// status ranges): the core checks values against it without knowing the
// protocol, as it does for its own ParamTypes.
struct ValueForm {
    std::string name; // for `preflight list --probes`: "UUID"
    // For errors, rendered when one is made so it is in the run's language:
    // "a UUID such as 91ae6020-…".
    Message expected;
    std::function<bool(std::string_view)> accepts;
};

struct ParamSpec {
    std::string name;
    ParamType type = ParamType::text;
    bool required = false;
    std::string default_value{}; // used when not required and not given
    Message help{};              // rendered where it is shown, in the run's language
    bool secret = false;         // never shown in reports, logs or errors
    // ParamType::choice: the values accepted, in the order shown to users.
    std::vector<std::string> choices{};
    // ParamType::integer and seconds: inclusive bounds; unset, the type's own.
    std::optional<NumberBounds> bounds{};
    // ParamType::text: a form the probe defines; unset, any text.
    std::optional<ValueForm> form{};
};

// nullopt when value is valid for spec; otherwise what was expected, in the
// user's words ("auto, direct or proxy").
std::optional<std::string> check_value(const ParamSpec& spec, std::string_view value);

// "choice: auto|direct|proxy", "integer 1-65535", "UUID": the type as
// `preflight list --probes` shows it.
std::string type_text(const ParamSpec& spec);

// A value that is wrong only together with another parameter's (a hardware
// minimum that is not the resource's unit): names the parameter to blame.
struct ArgProblem {
    std::string param;
    Message expected; // rendered into the error, in the run's language
};
using ArgValues = std::map<std::string, std::string>;

// A probe's parameters after ${param} substitution and validation. A secret
// parameter's text is its source ("env:LDAP_PW"); the secret itself, read
// once by the plan, is reached through secret().
class ProbeArgs {
  public:
    ProbeArgs() = default;
    explicit ProbeArgs(SharedArgs values, std::map<std::string, SecretRef> secrets = {},
                       std::map<std::string, std::string> settings = {})
        : values_(std::move(values)), secrets_(std::move(secrets)), settings_(std::move(settings)) {
    }

    bool has(const std::string& name) const { return values_.count(name) != 0; }
    const std::string& text(const std::string& name) const;
    std::uint16_t port(const std::string& name) const;
    PortRange port_range(const std::string& name) const;
    std::uint64_t integer(const std::string& name) const;
    std::chrono::milliseconds seconds(const std::string& name) const;
    std::uint64_t size(const std::string& name) const;
    double frequency_mhz(const std::string& name) const;
    bool boolean(const std::string& name) const;
    const std::map<std::string, std::string>& all() const { return values_.map(); }
    // The same values, shared rather than copied (a check's result keeps them).
    const SharedArgs& shared() const { return values_; }
    // The secret read for a secret parameter; null when none was given.
    SecretRef secret(const std::string& name) const;
    const std::map<std::string, SecretRef>& secrets() const { return secrets_; }
    // What the user types to give parameter name this value, for fix texts:
    // "--set ldap_security=ldaps" when the checklist takes it from
    // ${ldap_security}, else the probe attribute in the checklist, security="ldaps".
    std::string how_to_set(const std::string& name, const std::string& value) const;

  private:
    SharedArgs values_;
    std::map<std::string, SecretRef> secrets_;
    std::map<std::string, std::string> settings_; // probe parameter -> checklist parameter
};

// What a probe is started with. cancel is the check's deadline: bind every
// asynchronous operation to it (ctx.cancel->bind(handler)) and the operation
// ends at the deadline with operation_aborted; the probe needs no timer.
struct ProbeContext {
    // A probe started outside the runner (tests, one probe running another's
    // parts): the cancellation fires by itself at deadline.
    ProbeContext(asio::io_context& io, Clock::time_point deadline, const RunEnvironment& env)
        : io(io), deadline(deadline), env(env), cancel(CheckCancel::armed(io, deadline)) {}
    ProbeContext(asio::io_context& io, const RunEnvironment& env, CheckCancelPtr cancel)
        : io(io), deadline(cancel->deadline()), env(env), cancel(std::move(cancel)) {}
    asio::io_context& io;
    Clock::time_point deadline;
    const RunEnvironment& env;
    CheckCancelPtr cancel;
};

using ProbeDone = std::function<void(ProbeResult)>;
// Returned by a probe's start: stops whatever the probe has in flight. After
// cancel the probe may still call done, and the runner ignores it.
using ProbeCancel = std::function<void()>;

// A probe kind declares its parameters and how to start it; the core knows
// nothing else about it (curl's protocol handler tables are the model).
struct ProbeKind {
    std::string name;
    // What the kind does, in the catalog (probe.<kind>.description), so that
    // list --probes and explain say it in the run's language.
    Message description;
    std::vector<ParamSpec> params;
    std::function<ProbeCancel(const ProbeContext&, const ProbeArgs&, ProbeDone)> start;
    // Optional: checks values that depend on each other, given every
    // parameter's value (defaults included). Called by the loader when a
    // check's values are all literal and by the planner after substitution,
    // so a probe never starts with such a value.
    std::function<std::optional<ArgProblem>(const ArgValues&)> check_args;
    // Optional: the seconds parameter the probe waits for on purpose (an
    // idle connection held open), which a run-time budget must fit whole.
    std::string hold_param;
    // It verifies certificate chains with the run's trust material, so a
    // run that has such a check reads that material ahead (run_command).
    bool verifies_chains = false;

    const ParamSpec* find_param(const std::string& n) const;
};

// For probes whose verdict is known at once (host facts): delivers it from
// the loop, as the runner expects, and returns a cancel with nothing to stop.
ProbeCancel deliver_now(const ProbeContext& ctx, ProbeDone done, ProbeResult r);

class ProbeRegistry {
  public:
    void add(ProbeKind kind);
    const ProbeKind* find(const std::string& name) const;
    std::vector<std::string> names() const;

  private:
    std::map<std::string, ProbeKind> kinds_;
};

} // namespace pf
