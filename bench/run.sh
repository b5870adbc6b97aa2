#!/usr/bin/env bash
# The benchmark of issue 16: preflight against the tools an admin would use
# otherwise, measured side by side in one run, as ratios. See README.md,
# "Benchmark".
#   bench/run.sh [--ci] [--strict] [--binary PATH] [--json PATH] [--no-install] [--only G,...]
#     --ci        the short mode (under a minute): fails on a regression of a
#                 ratio beyond its limit (bench/bench.py, CI_LIMITS)
#     --strict    also fail when a target is not met
#     --binary    measure this preflight instead of building build-bench/ (Release, static curl)
#     --json      where the results go (default bench/results.json)
#     --no-install  do not apt-get install what is missing
#     --only G,...  measure only these groups (acc, tls_one, tls_many, tcp,
#                 range, acc_memory, startup); for work on one target
# Needs root: the servers run in a network namespace it creates, where
# nftables drops ports 12000-12999 (the filtered share). Traffic stays on that
# namespace's loopback. Every server and the namespace go when it ends.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

ci=0 strict=() only=() binary="" out="$repo/bench/results.json" install=1
while [[ $# -gt 0 ]]; do
  case $1 in
    --ci) ci=1 ;;
    --strict) strict=(--strict) ;;
    --binary) binary=$(realpath "$2"); shift ;;
    --json) out=$(realpath -m "$2"); shift ;;
    --no-install) install=0 ;;
    --only) only=(--only "$2"); shift ;;
    *) echo "usage: $0 [--ci] [--strict] [--binary PATH] [--json PATH] [--no-install] [--only G,...]" >&2; exit 2 ;;
  esac
  shift
done

if [[ $(id -u) -ne 0 ]]; then
  # Like the root-only tests: say why, and do not fail a non-root CI.
  echo "bench: skipped: needs root to create its network namespace and nftables rules"
  exit 0
fi

# Servers and probes for the run, then the reference tools. A reference tool
# that cannot be installed only skips its ratio (bench.py says which).
servers=(nginx-light slapd exim4-daemon-light nftables iproute2 openssl gcc libc6-dev)
# check_curl needs liburiparser1, and check_ssl_cert bind9-host, bc, curl and
# file, which Debian only recommends.
tools=(monitoring-plugins-basic monitoring-plugins-standard monitoring-plugins-contrib
       liburiparser1 bind9-host bc curl file nmap)
install_missing() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "bench: installing ${missing[*]}"
  # Server packages must not start their system services on install.
  local guard=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    guard=1
  fi
  local rc=0
  apt_install "${missing[@]}" || {
    # Stale package lists, or one package that is not to be had: fresh
    # lists, then one at a time so that the others still come.
    apt_get update -qq >/dev/null || true
    for p in "${missing[@]}"; do apt_install "$p" || rc=1; done
  }
  [[ $guard -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
  return $rc
}
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }
apt_install() { apt_get install -y -qq --no-install-recommends "$@" >/dev/null; }
# The benchmark's own judgement first: a CI limit that cannot fail is no check.
if [[ $ci -eq 1 ]]; then
  if ! selftest=$(/usr/bin/python3 -B bench/selftest.py 2>&1); then
    printf '%s\nbench: its self-test failed\n' "$selftest" >&2
    exit 1
  fi
  echo "bench: self-test passed"
fi

if [[ $install -eq 1 ]]; then
  install_missing "${servers[@]}"
  install_missing "${tools[@]}" || echo "bench: could not install every reference tool; their ratios are skipped"
fi

if [[ -z $binary ]]; then
  [[ $install -eq 1 ]] && scripts/install-deps.sh
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  # The binary README says to ship: Release, with the static libcurl and
  # OpenSSL (start-up and resident size are measured on what users run).
  sysroot=()
  if root=$(scripts/build-linux-deps.sh); then
    sysroot=(-DPREFLIGHT_LINUX_SYSROOT="$root")
  else
    echo "bench: the static libcurl could not be built; measuring a Release build on Debian's shared libraries"
  fi
  cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DPREFLIGHT_TESTS=OFF \
    "${sysroot[@]}" "${launcher[@]}" >/dev/null
  cmake --build build-bench --target preflight -j"$(nproc)" >/dev/null
  binary=$repo/build-bench/preflight
fi
[[ -x $binary ]] || { echo "bench: no preflight binary at $binary" >&2; exit 2; }

work=$(mktemp -d /tmp/preflight-bench.XXXXXX)
ns=pfbench-$$
cleanup() {
  local rc=$? pid
  trap - EXIT INT TERM
  # bench.py stops the servers it started when told to.
  if [[ -n ${bench_pid:-} ]] && kill -TERM "$bench_pid" 2>/dev/null; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$bench_pid" 2>/dev/null || break
      sleep 0.3
    done
  fi
  # Whatever still runs in the namespace is ours: the servers bench.py
  # started, should it have been killed before stopping them.
  if ip netns list 2>/dev/null | grep -qw "$ns"; then
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      [[ -z $(ip netns pids "$ns" 2>/dev/null) ]] && break
      sleep 0.3
    done
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  fi
  rm -rf "/etc/netns/$ns" "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -Wall -o "$work/helper" bench/helper.c

ip netns add "$ns"
ip -n "$ns" link set lo up
# The swept range (40000-56383) must lie outside the ephemeral ports, or a
# connect could meet itself there and see an open port.
ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="20000 39999"
ip netns exec "$ns" nft -f - <<'EOF'
table inet pfbench {
  chain input {
    type filter hook input priority 0;
    tcp dport 12000-12999 drop
  }
}
EOF
# ip netns exec mounts this over /etc/hosts for everything run inside.
mkdir -p "/etc/netns/$ns"
{
  echo "127.0.0.1 localhost"
  echo "::1 localhost"
  echo "127.0.0.1 tls.bench.test awcm.bench.test console.bench.test ldap.bench.test mail.bench.test filtered.bench.test"
} >"/etc/netns/$ns/hosts"

mode=()
[[ $ci -eq 1 ]] && mode=(--ci)
# In the background, so that a signal to this script runs its trap at once
# rather than after the measurements.
ip netns exec "$ns" /usr/bin/python3 -B bench/bench.py --binary "$binary" --helper "$work/helper" \
  --json "$out" "${mode[@]}" "${strict[@]}" "${only[@]}" &
bench_pid=$!
wait "$bench_pid"
