#include "probes/tls/tls_report.hpp"
#include "base/catalog.hpp"
#include "net/probe_util.hpp"
#include "pki/cert_info.hpp"
#include <algorithm>

namespace pf {

std::optional<ProbeResult> proxy_missing(const std::string& via, const ProxyConfig& proxy) {
    if (via == "proxy" && !proxy.configured())
        return make_result(Status::error, Reason::not_configured, msg("tls.via_proxy_unset"));
    return std::nullopt;
}

ParamSpec expiry_param(std::string name, std::string help) {
    // The same bounds as --expiry-warn and --expiry-fail.
    return {.name = std::move(name),
            .type = ParamType::integer,
            .help = std::move(help),
            .bounds = NumberBounds{0, 3650}};
}

std::optional<ArgProblem> expiry_order(const ArgValues& v) {
    auto warn = v.find("expiry_warn");
    auto fail = v.find("expiry_fail");
    if (warn == v.end() || fail == v.end()) return std::nullopt;
    auto w = parse_integer(warn->second);
    auto f = parse_integer(fail->second);
    if (w && f && *f > *w)
        return ArgProblem{"expiry_fail", "at most expiry_warn (" + warn->second +
                                             "): failing must come after warning"};
    return std::nullopt;
}

TlsSettings with_check_thresholds(const TlsSettings& run, const ProbeArgs& args) {
    TlsSettings t = run;
    if (run.expiry_from_flags) return t;
    if (args.has("expiry_warn")) t.expiry_warn_days = static_cast<int>(args.integer("expiry_warn"));
    if (args.has("expiry_fail")) t.expiry_fail_days = static_cast<int>(args.integer("expiry_fail"));
    return t;
}

void add_connection_evidence(ProbeResult& r, const TlsConnection& c, const ProxyConfig& proxy,
                             const std::string& target, const std::string& sni) {
    const Tunnel& t = c.tunnel;
    if (t.via_proxy) {
        std::string line = "through the proxy " + proxy.display() + " (" + proxy.origin + ")";
        if (!t.status_line.empty())
            line += ": CONNECT " + target + " answered '" + t.status_line + "'";
        if (!t.proxy_agent.empty()) line += ", proxy agent '" + t.proxy_agent + "'";
        r.evidence.push_back(line);
        if (t.connect_ms > 0) r.measurements.push_back({"connect proxy", t.connect_ms, "ms"});
        if (t.tunnel_ms > 0) r.measurements.push_back({"CONNECT", t.tunnel_ms, "ms"});
    } else {
        r.evidence.push_back("directly" + std::string(proxy.configured()
                                                          ? " (NO_PROXY bypasses the proxy, or "
                                                            "via=direct)"
                                                          : ""));
        if (t.connect_ms > 0) r.measurements.push_back({"connect", t.connect_ms, "ms"});
    }
    if (t.outcome != Tunnel::Outcome::open && t.connect.kind != ConnectOutcome::Kind::error)
        r.evidence.push_back(describe(t.connect));
    if (c.outcome == TlsConnection::Outcome::open) {
        std::string line = "TLS: " + c.protocol + ", cipher " + c.cipher;
        if (!c.alpn.empty()) line += ", ALPN " + c.alpn;
        line += sni.empty() ? ", no SNI (IP address)" : ", SNI " + sni;
        line += " (handshake " + ms_text(c.handshake_ms) + ")";
        r.evidence.push_back(line);
    }
    if (c.handshake_ms > 0) r.measurements.push_back({"handshake", c.handshake_ms, "ms"});
    if (!c.alert.empty()) r.evidence.push_back("alert received: " + c.alert);
    if (c.link && !c.link->alert_sent.empty())
        r.evidence.push_back("alert sent: " + c.link->alert_sent);
}

void add_chain_blocks(ProbeResult& r, const TlsConnection& c, const TlsVerdict& v,
                      const std::string& target, const ProxyConfig& proxy) {
    EvidenceBlock b;
    b.title = "Certificate chain sent by " + target;
    if (c.tunnel.via_proxy) b.title += " through the proxy " + proxy.display();
    std::vector<std::string> sent;
    for (std::size_t i = 0; i < c.chain.size(); ++i) {
        CertInfo info = inspect(c.chain[i].get());
        sent.push_back(info.sha256);
        r.certificates.push_back(
            certificate_row(info, target + " #" + std::to_string(i), chain_role(info, i)));
        b.lines.push_back("#" + std::to_string(i) + (i == 0 ? " (server certificate)" : ""));
        for (const auto& l : describe_lines(info))
            b.lines.push_back("   " + l);
    }
    // The anchor a verifier completed the chain with: what a chain that
    // ends at a locally added root is judged by.
    if (!v.path_info.empty() && v.trusted &&
        std::find(sent.begin(), sent.end(), v.path_info.back().sha256) == sent.end()) {
        b.lines.push_back("root from " + v.store_name + " (not sent)");
        r.certificates.push_back(certificate_row(v.path_info.back(), v.store_name, "root"));
        for (const auto& l : describe_lines(v.path_info.back()))
            b.lines.push_back("   " + l);
    }
    r.blocks.push_back(std::move(b));
}

} // namespace pf
