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

ParamSpec expiry_param(std::string name, Message help) {
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
        return ArgProblem{"expiry_fail", msg("param.tls.expiry_order", {{"warn", warn->second}})};
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
        std::string answered =
            t.status_line.empty()
                ? ""
                : evidence_line(msg("tls.route_connect_answer",
                                    {{"target", target}, {"status_line", t.status_line}}));
        std::string agent =
            t.proxy_agent.empty()
                ? ""
                : evidence_line(msg("tls.route_proxy_agent", {{"agent", t.proxy_agent}}));
        add_evidence(r, msg("tls.route_proxy", {{"proxy", proxy.display()},
                                                {"origin", proxy.origin},
                                                {"answered", answered},
                                                {"agent", agent}}));
        if (t.connect_ms > 0) r.measurements.push_back({"connect proxy", t.connect_ms, "ms"});
        if (t.tunnel_ms > 0) r.measurements.push_back({"CONNECT", t.tunnel_ms, "ms"});
    } else {
        add_evidence(r,
                     proxy.configured() ? msg("tls.route_direct_bypass") : msg("tls.route_direct"));
        if (t.connect_ms > 0) r.measurements.push_back({"connect", t.connect_ms, "ms"});
    }
    if (t.outcome != Tunnel::Outcome::open && t.connect.kind != ConnectOutcome::Kind::error)
        r.evidence.push_back(describe(t.connect));
    if (c.outcome == TlsConnection::Outcome::open) {
        std::string alpn =
            c.alpn.empty() ? "" : evidence_line(msg("tls.session_alpn", {{"alpn", c.alpn}}));
        std::string server_name = evidence_line(
            sni.empty() ? msg("tls.session_no_sni") : msg("tls.session_sni", {{"sni", sni}}));
        add_evidence(r, msg("tls.session", {{"protocol", c.protocol},
                                            {"cipher", c.cipher},
                                            {"alpn", alpn},
                                            {"sni", server_name},
                                            {"time", ms_text(c.handshake_ms)}}));
    }
    if (c.handshake_ms > 0) r.measurements.push_back({"handshake", c.handshake_ms, "ms"});
    if (!c.alert.empty()) add_evidence(r, msg("tls.alert_received", {{"alert", c.alert}}));
    if (!c.alert_sent.empty()) add_evidence(r, msg("tls.alert_sent", {{"alert", c.alert_sent}}));
}

void add_chain_blocks(ProbeResult& r, const TlsConnection& c, const TlsVerdict& v,
                      const std::string& target, const ProxyConfig& proxy) {
    EvidenceBlock b;
    b.title =
        evidence_line(c.tunnel.via_proxy ? msg("tls.block_chain_via_proxy",
                                               {{"target", target}, {"proxy", proxy.display()}})
                                         : msg("tls.block_chain", {{"target", target}}));
    std::vector<std::string> sent;
    for (std::size_t i = 0; i < c.chain.size(); ++i) {
        CertInfo info = inspect(c.chain[i].get());
        sent.push_back(info.sha256);
        r.certificates.push_back(
            certificate_row(info, target + " #" + std::to_string(i), chain_role(info, i)));
        b.lines.push_back(evidence_line(i == 0 ? msg("tls.block_server_certificate", {{"index", i}})
                                               : msg("tls.block_certificate", {{"index", i}})));
        for (const auto& l : describe_lines(info))
            b.lines.push_back(evidence_line(msg("tls.block_detail", {{"line", l}})));
    }
    // The anchor a verifier completed the chain with: what a chain that
    // ends at a locally added root is judged by.
    if (!v.path_info.empty() && v.trusted &&
        std::find(sent.begin(), sent.end(), v.path_info.back().sha256) == sent.end()) {
        b.lines.push_back(evidence_line(msg("tls.block_root_not_sent", {{"store", v.store_name}})));
        r.certificates.push_back(certificate_row(v.path_info.back(), v.store_name, "root"));
        for (const auto& l : describe_lines(v.path_info.back()))
            b.lines.push_back(evidence_line(msg("tls.block_detail", {{"line", l}})));
    }
    r.blocks.push_back(std::move(b));
}

} // namespace pf
