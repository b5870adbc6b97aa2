"""The checklists the benchmark generates, the ports they use inside the
namespace, and the options of its acc-saas runs. A hand-made checklist needs
its <source>, checks inside a <section>, a severity, and a requirement and a
fix, as checklists/README.md describes.
"""

FILTERED_FIRST, FILTERED_LAST = 12000, 12999  # dropped by run.sh's nftables rule
OPEN_FIRST, OPEN_COUNT = 10000, 50  # helper listen
REFUSED_FIRST = 11000  # nothing listens on 11000-11999
RANGE_FIRST, RANGE_LAST = 40000, 56383  # 16,384 closed ports above the ephemeral range


def checklist(cid, timeout, checks):
    body = "\n".join(
        f'    <check id="{i}" title="{t}" severity="required">\n'
        f'      <probe {probe}/>\n'
        f'      <requirement>The benchmark\'s generated requirement.</requirement>\n'
        f'      <fix>None: a benchmark checklist.</fix>\n    </check>'
        for i, t, probe in checks)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<checklist id="{cid}" title="preflight benchmark: {cid}" timeout="{timeout}">\n'
            f'  <source document="preflight benchmark" section="{cid}"/>\n'
            f'  <section id="bench" title="Benchmark">\n{body}\n  </section>\n</checklist>\n')


def tls_checklist(n):
    return checklist(f"tls-{n}", 5, [
        (f"tls.{i}", f"TLS {i}", 'kind="tls" host="tls.bench.test" port="443" private_ca="true"')
        for i in range(n)])


def tcp_mixed_checklist(n, deadline):
    """A third each: open (helper listen), refused, filtered (nftables)."""
    checks = []
    for i in range(n):
        share = i % 3
        k = i // 3
        port = (OPEN_FIRST + k % OPEN_COUNT, REFUSED_FIRST + k % 1000,
                FILTERED_FIRST + k % 1000)[share]
        checks.append((f"tcp.{i}", f"TCP {i}", f'kind="tcp" host="127.0.0.1" port="{port}"'))
    return checklist(f"tcp-{n}", deadline, checks)


def range_checklist():
    n = RANGE_LAST - RANGE_FIRST + 1
    return checklist("port-range", 5, [
        ("range", "A closed range",
         f'kind="tcp" host="127.0.0.1" port="{RANGE_FIRST}-{RANGE_LAST}" sample="{n}"')])


def acc_args(filtered, work):
    sets = {
        "awcm_host": "awcm.bench.test", "console_host": "console.bench.test",
        "remote_access_port": str(OPEN_FIRST),
        "smtp_host": "mail.bench.test", "smtp_port": "2525",
        "ldap_host": "ldap.bench.test", "ldap_base": "dc=bench,dc=test",
    }
    services = ["smtp", "ldap"]
    if filtered:
        # Five integration services whose ports the namespace drops.
        for i, (svc, host, port) in enumerate([
                ("syslog", "syslog_host", "syslog_port"), ("bes", "bes_host", "bes_port"),
                ("domino", "domino_host", "domino_port"), ("scep", "scep_host", "scep_port"),
                ("third-party-ca", "third_party_ca_host", "third_party_ca_port")]):
            services.append(svc)
            sets[host] = "filtered.bench.test"
            sets[port] = str(12001 + i)
    args = ["--checklist", "acc-saas", "--service", ",".join(services), "--idle", "0",
            "--public-roots", f"{work}/public-roots.pem"]
    for k, v in sets.items():
        args += ["--set", f"{k}={v}"]
    return args
