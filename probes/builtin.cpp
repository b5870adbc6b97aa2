#include "core/probe.hpp"
#include "probes/activesync.hpp"
#include "probes/cert_file_probe.hpp"
#include "probes/dns.hpp"
#include "probes/exchange_powershell.hpp"
#include "probes/hardware.hpp"
#include "probes/http.hpp"
#include "probes/ldap.hpp"
#include "probes/persistence.hpp"
#include "probes/platform.hpp"
#include "probes/proxy.hpp"
#include "probes/rpc.hpp"
#include "probes/scep.hpp"
#include "probes/sizing.hpp"
#include "probes/smtp.hpp"
#include "probes/syslog.hpp"
#include "probes/tcp.hpp"
#include "probes/tls.hpp"

namespace pf {

// One line per probe kind.
const ProbeRegistry& builtin_probes() {
    static const ProbeRegistry registry = [] {
        ProbeRegistry r;
        r.add(dns_probe());
        r.add(tcp_probe());
        r.add(tls_probe());
        r.add(tls_idle_probe());
        r.add(cert_file_probe());
        r.add(http_probe());
        r.add(proxy_probe());
        r.add(syslog_probe());
        r.add(rpc_epmap_probe());
        r.add(rpc_dynamic_range_probe());
        r.add(smtp_probe());
        r.add(scep_probe());
        r.add(activesync_probe());
        r.add(exchange_powershell_probe());
        r.add(ldap_probe());
        r.add(hardware_probe());
        r.add(sizing_probe());
        r.add(os_probe());
        r.add(dotnet_probe());
        r.add(powershell_probe());
        r.add(privileges_probe());
        r.add(file_probe());
        return r;
    }();
    return registry;
}

} // namespace pf
