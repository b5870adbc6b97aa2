#!/usr/bin/env bash
# Checks the packages of scripts/package.sh (CTest `package`, label package):
#   .deb  unpacked into a temporary root: its preflight --version runs, its man
#         page formats with man -l, the completion files are in place;
#   .zip  lists preflight.exe, README.md and the checklists;
#   .msi  its File table (msiinfo) lists preflight.exe, its Environment table
#         puts the install folder on PATH.
# Exits 77 (CTest: skipped) when build-pkg/dist holds no packages.
#   scripts/check-packages.sh [DIST]
set -euo pipefail
cd "$(dirname "$0")/.."
dist=${1:-build-pkg/dist}
shopt -s nullglob
debs=("$dist"/preflight_*_amd64.deb)
zips=("$dist"/preflight-*-windows-x86_64.zip)
msis=("$dist"/preflight-*-x64.msi)
if [[ ${#debs[@]} -eq 0 ]]; then
  echo "no packages in $dist: run scripts/package.sh" >&2
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
deb=${debs[0]}
# (Whole outputs into variables: grep -q closing a pipe early fails it under pipefail.)
info=$(dpkg-deb --info "$deb")
grep -q '^ Depends: .*libc6' <<<"$info" || fail "$deb: no computed Depends: $info"
dpkg -x "$deb" "$root"
out=$("$root/usr/bin/preflight" --version) || fail "preflight --version from $deb"
grep -q '^preflight [0-9]' <<<"$out" || fail "--version: $out"
grep -q '^target: linux-x86_64$' <<<"$out" || fail "--version has no target: $out"
man=$root/usr/share/man/man1/preflight.1.gz
[[ -f $man ]] || fail "$deb has no man page"
page=$(MANWIDTH=100 man -l "$man" 2>&1) || fail "man -l $man: $page"
grep -q 'preflight run' <<<"$page" || fail "the man page has no 'preflight run' section"
[[ -f $root/usr/share/bash-completion/completions/preflight ]] || fail "no bash completion"
[[ -f $root/usr/share/zsh/vendor-completions/_preflight ]] || fail "no zsh completion"
examples=$root/usr/share/doc/preflight/examples/checklists
[[ -f $examples/checklist.xsd ]] || fail "no checklist XSD"
# The examples are there to be copied and edited: the shipped schema (with the
# xml.xsd it imports) validates them offline.
for f in "$examples"/*.xml; do
  out=$(xmllint --nonet --noout --schema "$examples/checklist.xsd" "$f" 2>&1) ||
    fail "$f does not validate against the shipped schema: $out"
done
echo "ok: $deb"

for zip in "${zips[@]}"; do
  list=$(unzip -Z1 "$zip")
  for f in preflight.exe README.md checklists/acc-saas.xml checklists/checklist.xsd checklists/xml.xsd \
           contrib/systemd/preflight.timer; do
    grep -qx "$f" <<<"$list" || fail "$zip lacks $f"
  done
  echo "ok: $zip"
done
for msi in "${msis[@]}"; do
  files=$(msiinfo export "$msi" File) || fail "msiinfo cannot read $msi"
  grep -q 'preflight.exe' <<<"$files" || fail "$msi: File table lacks preflight.exe"
  grep -q 'acc-saas.xml' <<<"$files" || fail "$msi: File table lacks the checklists"
  env=$(msiinfo export "$msi" Environment)
  grep -q 'PATH.*\[INSTALLDIR\]' <<<"$env" || fail "$msi does not put preflight on PATH: $env"
  msiinfo export "$msi" InstallExecuteSequence | grep -q '^WriteEnvironmentStrings' ||
    fail "$msi never writes its Environment table"
  echo "ok: $msi"
done
