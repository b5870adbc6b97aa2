#!/usr/bin/env bash
# Installs the Debian 12 packages preflight needs, only those missing.
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   build and test dependencies (test servers too)
#   scripts/install-deps.sh --windows  the mingw-w64 cross compiler, Wine, and what
#                                      building OpenSSL and curl from source needs
#   scripts/install-deps.sh --package  what scripts/package.sh needs: wixl for the
#                                      MSI, lintian and msitools to check packages
#   scripts/install-deps.sh --linux-static  what building the static libcurl of the
#                                      Linux product build needs (build-linux-deps.sh)
set -euo pipefail

build_pkgs=(g++ cmake ninja-build pkg-config libasio-dev libssl-dev libldap-dev
            libcurl4-openssl-dev libpugixml-dev libboost-test-dev libcli11-dev nlohmann-json3-dev
            libkrb5-dev # GSS-API: Negotiate to the proxy
            help2man    # the man page, made from --help
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
           chromium poppler-utils # the HTML report rendered, measured and printed as a reader sees it
           fonts-noto-cjk # Japanese text in the rendered reports
           clang libclang-rt-dev llvm) # the sanitizer build and the fuzz targets

# The Windows build: cross compiler, Wine to run its tests, and source
# package tools for OpenSSL, curl, zlib and libzip.
windows_pkgs=(g++-mingw-w64-x86-64-posix wine wine64 dpkg-dev make perl binutils-mingw-w64-x86-64)

# Packages: the .deb (dpkg-shlibdeps, lintian), the ZIP and the MSI (wixl, msiinfo).
package_pkgs=(dpkg-dev fakeroot file lintian man-db zip unzip wixl msitools libxml2-utils)

# The Linux product build's static libcurl and libzip: source package tools,
# GSS-API headers, zlib's static library.
linux_static_pkgs=(dpkg-dev make perl libkrb5-dev zlib1g-dev)

# JUnit consumers from npm, pinned, in a fixed folder the tests look in
# (PREFLIGHT_TEST_NPM overrides it): the JUnit report is checked by what CI
# pipelines merge it with.
npm_dir=${PREFLIGHT_TEST_NPM:-/opt/preflight-test-npm}
npm_pkgs=(junit-report-merger@9.0.4 xunit-viewer@10.6.1)

pkgs=("${build_pkgs[@]}")
want_npm=false
for arg in "$@"; do
  case $arg in
    --test) pkgs+=("${test_pkgs[@]}"); want_npm=true ;;
    --windows) pkgs+=("${windows_pkgs[@]}") ;;
    --package) pkgs+=("${package_pkgs[@]}") ;;
    --linux-static) pkgs+=("${linux_static_pkgs[@]}") ;;
    *) echo "usage: $0 [--test] [--windows] [--package] [--linux-static]" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (nodesource): only without an npm
# does Debian's get installed.
if $want_npm && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

install_npm() {
  $want_npm || return 0
  [[ -x $npm_dir/node_modules/.bin/jrm && -x $npm_dir/node_modules/.bin/xunit-viewer ]] && return 0
  "${sudo[@]}" mkdir -p "$npm_dir"
  "${sudo[@]}" npm install --prefix "$npm_dir" --no-audit --no-fund --silent "${npm_pkgs[@]}"
}

sudo=()
if [[ $(id -u) -ne 0 && ( ${#missing[@]} -gt 0 || $want_npm == true ) ]]; then
  command -v sudo >/dev/null || { echo "run as root or install sudo: apt-get install ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
[[ ${#missing[@]} -eq 0 ]] && { install_npm; exit 0; }

echo "Installing: ${missing[*]}"
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
install_npm
