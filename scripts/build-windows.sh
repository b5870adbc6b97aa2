#!/usr/bin/env bash
# Cross-builds build-win/preflight.exe: one static executable for 64-bit
# Windows Server that imports only system DLLs.
#   scripts/build-windows.sh           preflight.exe
#   scripts/build-windows.sh --tests   preflight.exe and the test executables
set -euo pipefail
cd "$(dirname "$0")/.."
tests=OFF
[[ "${1:-}" == "--tests" ]] && tests=ON
sysroot=$(scripts/build-windows-deps.sh | tail -n 1)
cmake -S . -B build-win -G Ninja -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/mingw-w64-x86_64.cmake" \
  -DPREFLIGHT_WIN_SYSROOT="$sysroot" -DCMAKE_BUILD_TYPE=Release -DPREFLIGHT_TESTS=$tests >/dev/null
cmake --build build-win -j"$(nproc)"

# Anything but Windows' own DLLs would have to be shipped next to the .exe.
system_dlls='^(kernel32|advapi32|user32|ws2_32|mswsock|crypt32|bcrypt|wldap32|powrprof|msvcrt|ntdll|shell32|ole32|secur32|iphlpapi|gdi32|api-ms-win-.*)\.dll$'
bad=$(x86_64-w64-mingw32-objdump -p build-win/preflight.exe | awk '/DLL Name:/ {print tolower($3)}' |
      grep -Ev "$system_dlls" || true)
if [[ -n $bad ]]; then
  echo "build-win/preflight.exe imports non-system DLLs: $bad" >&2
  exit 1
fi
echo "build-win/preflight.exe"
