#!/usr/bin/env bash
# Installs the Debian 12 packages preflight needs, only those missing.
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   build and test dependencies (test servers too)
#   scripts/install-deps.sh --windows  the mingw-w64 cross compiler, Wine, and what
#                                      building OpenSSL and curl from source needs
#   scripts/install-deps.sh --linux-static  what building the static libcurl of the
#                                      Linux product build needs (build-linux-deps.sh)
set -euo pipefail

build_pkgs=(g++ cmake ninja-build pkg-config libasio-dev libssl-dev libldap-dev
            libcurl4-openssl-dev libpugixml-dev libboost-test-dev libcli11-dev nlohmann-json3-dev
            libkrb5-dev # GSS-API: Negotiate to the proxy
            libzip-dev) # the support bundle's zip
# Real servers and network tools the tests start on loopback or in namespaces.
test_pkgs=(libxml2-utils iproute2 nftables dnsmasq-base procps ca-certificates openssl
           nginx-light squid-openssl tinyproxy
           krb5-kdc krb5-admin-server krb5-user faketime # a KDC, kadmin.local and kinit for Negotiate through squid; a skewed clock
           rsyslog rsyslog-openssl
           slapd ldap-utils
           samba-ad-dc samba-ad-provision smbclient
           exim4-daemon-light
           nagios4-core prometheus icinga2-bin # monitoring consumers: a Nagios core, promtool, icinga2 daemon -C
           python3-jsonschema # validates every JSON report against its schema
           clang libclang-rt-dev llvm) # the sanitizer build and the fuzz targets

# The Windows build: cross compiler, Wine to run its tests, and source
# package tools for OpenSSL, curl, zlib and libzip.
windows_pkgs=(g++-mingw-w64-x86-64-posix wine wine64 dpkg-dev make perl binutils-mingw-w64-x86-64)

# The Linux product build's static libcurl and libzip: source package tools,
# GSS-API headers, zlib's static library.
linux_static_pkgs=(dpkg-dev make perl libkrb5-dev zlib1g-dev)

pkgs=("${build_pkgs[@]}")
for arg in "$@"; do
  case $arg in
    --test) pkgs+=("${test_pkgs[@]}") ;;
    --windows) pkgs+=("${windows_pkgs[@]}") ;;
    --linux-static) pkgs+=("${linux_static_pkgs[@]}") ;;
    *) echo "usage: $0 [--test] [--windows] [--linux-static]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "run as root or install sudo: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
# Server packages must not start their system services on install: the
# tests run their own instances with their own configuration.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee /usr/sbin/policy-rc.d >/dev/null
  "${sudo[@]}" chmod +x /usr/sbin/policy-rc.d
  trap '"${sudo[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 update -qq
"${sudo[@]}" apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
