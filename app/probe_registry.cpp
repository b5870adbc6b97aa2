#include "app/registries.hpp"
#include "probes/host/hardware.hpp"
#include "probes/host/platform.hpp"
#include "probes/host/sizing.hpp"
#include "probes/ldap/ldap.hpp"
#include "probes/reach/dns.hpp"
#include "probes/reach/syslog.hpp"
#include "probes/reach/tcp.hpp"
#include "probes/rpc/rpc.hpp"
#include "probes/smtp/smtp.hpp"
#include "probes/tls/cert_file_probe.hpp"
#include "probes/tls/persistence.hpp"
#include "probes/tls/tls.hpp"
#include "probes/web/activesync.hpp"
#include "probes/web/exchange_powershell.hpp"
#include "probes/web/http.hpp"
#include "probes/web/proxy.hpp"
#include "probes/web/scep.hpp"

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
