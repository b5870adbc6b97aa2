#!/usr/bin/env bash
# Builds the packages into build-pkg/dist/:
#   preflight_<version>_amd64.deb           from a Release build (build-pkg)
#   preflight-<version>-windows-x86_64.zip  preflight.exe, README.md, checklists/, contrib/
#   preflight-<version>-x64.msi             the same program for Program Files, on PATH (wixl)
# The Windows files come from build-win/preflight.exe, built by
# scripts/build-windows.sh only when it is missing (the build takes minutes);
# PREFLIGHT_WINDOWS_EXE names another preflight.exe. --no-windows makes only
# the .deb. scripts/check-packages.sh checks what was made.
set -euo pipefail
cd "$(dirname "$0")/.."
windows=yes
[[ "${1:-}" == "--no-windows" ]] && windows=no
scripts/install-deps.sh --package

cmake -S . -B build-pkg -G Ninja -DCMAKE_BUILD_TYPE=Release -DPREFLIGHT_TESTS=OFF \
  ${PREFLIGHT_LINUX_SYSROOT:+-DPREFLIGHT_LINUX_SYSROOT="$PREFLIGHT_LINUX_SYSROOT"} >/dev/null
cmake --build build-pkg -j"$(nproc)"
version=$(build-pkg/preflight --version | head -n 1 | cut -d' ' -f2)
dist=$PWD/build-pkg/dist
rm -rf "$dist"
mkdir -p "$dist"
(cd build-pkg && cpack -G DEB -B "$dist" >/dev/null)
rm -rf "$dist/_CPack_Packages"
echo "$dist/preflight_${version}_amd64.deb"
[[ $windows == no ]] && exit 0

exe=${PREFLIGHT_WINDOWS_EXE:-build-win/preflight.exe}
[[ -f $exe ]] || exe=build-win/$(scripts/build-windows.sh | tail -n 1 | xargs basename)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp "$exe" "$stage/preflight.exe"
cp README.md "$stage/"
mkdir "$stage/checklists"
cp checklists/*.xml checklists/*.xsd checklists/README.md "$stage/checklists/"
cp -r contrib "$stage/contrib"
rm -rf "$stage/contrib/completion" # bash and zsh: the .deb's
zip="$dist/preflight-${version}-windows-x86_64.zip"
(cd "$stage" && zip -qr -X "$zip" .)
echo "$zip"

msi="$dist/preflight-${version}-x64.msi"
# wixl wants paths relative to where it runs: the staged tree.
cp packaging/windows/preflight.wxs "$stage/"
(cd "$stage" && find checklists -type f | sort |
  wixl-heat -p checklists/ --directory-ref CHECKLISTS --component-group Checklists \
    --var var.ChecklistDir --win64 >checklists.wxs &&
  wixl --arch x64 -D Version="$version" -D SourceDir=. -D ChecklistDir=checklists -D Win64=yes \
    -o "$msi" preflight.wxs checklists.wxs)
# The PATH entry, as WiX's <Environment Action="set" Part="last" System="yes"
# Permanent="no"> writes it ('=' set, '-' removed on uninstall, '*' system;
# [~] the value before): wixl 0.101 has no Environment element.
q() { msibuild "$msi" -q "$1"; }
# shellcheck disable=SC2016 # the backquotes are SQL's
q 'CREATE TABLE `Environment` (`Environment` CHAR(72) NOT NULL, `Name` CHAR(255) NOT NULL LOCALIZABLE, `Value` CHAR(255) LOCALIZABLE, `Component_` CHAR(72) NOT NULL PRIMARY KEY `Environment`)'
q "INSERT INTO \`Environment\` (\`Environment\`, \`Name\`, \`Value\`, \`Component_\`) VALUES ('PathEntry', '=-*PATH', '[~];[INSTALLDIR]', 'Program')"
# The standard actions that apply it, at their standard places.
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('RemoveEnvironmentStrings', 3300)"
q "INSERT INTO \`InstallExecuteSequence\` (\`Action\`, \`Sequence\`) VALUES ('WriteEnvironmentStrings', 5200)"
echo "$msi"
