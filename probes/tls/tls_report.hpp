#pragma once
#include "base/probe_result.hpp"
#include "core/probe.hpp"
#include "core/proxy_config.hpp"
#include "net/tls_connect.hpp"
#include "pki/tls_verify.hpp"
#include <optional>
#include <string>

namespace pf {

// What the tls and tls_idle probes share in their results.

// An error result for via=proxy when no proxy is configured.
std::optional<ProbeResult> proxy_missing(const std::string& via, const ProxyConfig& proxy);

// expiry_warn / expiry_fail of a check: days, as --expiry-warn/--expiry-fail take them.
ParamSpec expiry_param(std::string name, Message help);
// check_args of a kind with both: failing must come after warning, as
// --expiry-fail must not exceed --expiry-warn.
std::optional<ArgProblem> expiry_order(const ArgValues& v);

// The run's TLS settings with a check's own expiry_warn/expiry_fail, unless
// --expiry-warn/--expiry-fail on the command line set them (those win).
TlsSettings with_check_thresholds(const TlsSettings& run, const ProbeArgs& args);

// How the connection was made (directly or through which proxy), the
// protocol, cipher and ALPN, any alert, and the timings.
void add_connection_evidence(ProbeResult& r, const TlsConnection& c, const ProxyConfig& proxy,
                             const std::string& target, const std::string& sni);

// The block "Certificate chain sent by host:port", a certificate per entry,
// and the root the trust store completed it with, if it was not sent.
void add_chain_blocks(ProbeResult& r, const TlsConnection& c, const TlsVerdict& v,
                      const std::string& target, const ProxyConfig& proxy);

} // namespace pf
