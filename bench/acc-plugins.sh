#!/usr/bin/env bash
# The ACC checklist's network checks scripted with monitoring-plugins, one
# after another with -t 5, as an admin would script them: the reference the
# benchmark measures `preflight run` against. bench/bench.py runs it inside
# its namespace with these variables set:
#   PLUGINS   the plugins' directory (/usr/lib/nagios/plugins)
#   CA        the private CA the loopback servers' certificates chain to
#   FILTERED  1: also the five integration services whose ports are filtered
# Host names resolve through the namespace's /etc/hosts; ports are those of
# bench.py's servers. The DNS and host checks (hardware, OS, .NET) have no
# plugin that an admin would run here; they are left out, which favours the
# script. check_ssl_cert resolves names with DNS (`host`), which the
# namespace does not have: it gets the address and the name (--sni, -m)
# apart; the private CA has no Certificate Transparency (--ignore-sct).
set -u
p=${PLUGINS:-/usr/lib/nagios/plugins}
export LDAPTLS_CACERT=$CA

"$p/check_tcp" -H 127.0.0.1 -p 10000 -t 5
"$p/check_ssl_cert" -H 127.0.0.1 --sni awcm.bench.test -m awcm.bench.test -p 443 -r "$CA" \
  -t 5 --ignore-ocsp --ignore-sct
"$p/check_curl" -H awcm.bench.test -p 443 -S -D --ca-cert "$CA" -u /awcm/status -e 200 -t 5
"$p/check_ssl_cert" -H 127.0.0.1 --sni console.bench.test -m console.bench.test -p 443 -r "$CA" \
  -t 5 --ignore-ocsp --ignore-sct
"$p/check_curl" -H console.bench.test -p 443 -S -D --ca-cert "$CA" -u / -t 5
"$p/check_curl" -H console.bench.test -p 80 -u / -t 5
"$p/check_smtp" -H mail.bench.test -p 2525 -S -t 5
"$p/check_ldap" -H ldap.bench.test -p 389 -b dc=bench,dc=test -3 -t 5
"$p/check_ldap" -H ldap.bench.test -p 636 -b dc=bench,dc=test -3 -S -t 5
"$p/check_ldap" -H ldap.bench.test -p 3268 -b dc=bench,dc=test -3 -t 5
"$p/check_ldap" -H ldap.bench.test -p 3269 -b dc=bench,dc=test -3 -S -t 5

if [[ ${FILTERED:-0} == 1 ]]; then
  "$p/check_tcp" -H filtered.bench.test -p 12001 -t 5
  "$p/check_curl" -H filtered.bench.test -p 12002 -S -u / -t 5
  "$p/check_curl" -H filtered.bench.test -p 12003 -S -u '/names.nsf?Login' -e 200 -t 5
  "$p/check_curl" -H filtered.bench.test -p 12004 -S \
    -u '/certsrv/mscep/mscep.dll/pkiclient.exe?operation=GetCACaps' -t 5
  "$p/check_ssl_cert" -H 127.0.0.1 --sni filtered.bench.test -m filtered.bench.test -p 12005 \
    -r "$CA" -t 5 --ignore-ocsp --ignore-sct
fi
exit 0
