#!/usr/bin/env bash
# Builds the static Windows (x86_64, mingw-w64) libraries preflight.exe links:
# OpenSSL, libcurl (with OpenSSL), pugixml, zlib and libzip (the support
# bundle's zip), from Debian's own source packages, into a sysroot kept
# outside the repository. The sysroot is rebuilt when missing or when Debian
# publishes a new source version of any of them (a security update): its
# stamp holds the versions apt offers (the key), .built-from the versions
# built (older when the mirror lacks a security release's source). Header-only Asio, Boost.Test, CLI11 and nlohmann-json come from
# Debian's -dev packages through a private include directory of their own, so
# that mingw never sees /usr/include.
#
#   scripts/build-windows-deps.sh      prints the sysroot path when done
# PREFLIGHT_WIN_SYSROOT=DIR builds or reuses the sysroot in DIR instead.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
sysroot=${PREFLIGHT_WIN_SYSROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/preflight/mingw-w64-sysroot}
host=x86_64-w64-mingw32
stamp=$sysroot/.complete-v3
# Bump v3 when the build steps below change.
packages=(openssl curl pugixml zlib libzip)

# Header-only libraries, linked one by one into a directory of their own so
# that nothing else of /usr/include (glibc's headers above all) can shadow
# mingw's. Cheap, so redone every time.
link_headers() {
  rm -rf "$sysroot/headers"
  mkdir -p "$sysroot/headers/include"
  for h in asio asio.hpp boost CLI nlohmann; do
    ln -s "/usr/include/$h" "$sysroot/headers/include/$h"
  done
}

scripts/install-deps.sh --windows >&2

# ensure_deb_src, fetch_source, source_versions
source scripts/debian-source.sh

ensure_deb_src
key=$(source_versions "${packages[@]}")
if [[ -f $stamp && $(<"$stamp") == "$key" ]]; then
  link_headers
  echo "$sysroot"
  exit 0
fi
[[ -f $stamp ]] && printf 'Debian source versions changed; rebuilding %s for:\n%s\n' "$sysroot" "$key" >&2

# Runs a build step with its output in a log, shown only when it fails. (Under
# "if !" bash ignores set -e, so the build functions chain with &&.)
step() {
  local name=$1; shift
  echo "== $name for $host" >&2
  if ! ( "$@" ) >"$work/$name.log" 2>&1; then
    tail -n 60 "$work/$name.log" >&2
    echo "building $name for Windows failed" >&2
    exit 1
  fi
}

work=$(mktemp -d)
export BUILT_FROM=$work/built-from
trap 'rm -rf "$work"' EXIT
rm -rf "$sysroot"
mkdir -p "$sysroot/include" "$sysroot/lib"
jobs=$(nproc)

build_openssl() {
  cd "$work"/openssl/openssl-*/ &&
    ./Configure mingw64 --cross-compile-prefix=$host- no-shared no-tests \
      --prefix="$sysroot" --libdir=lib &&
    make -j"$jobs" build_libs &&
    make install_dev
}
fetch_source openssl "$work/openssl"
step openssl build_openssl

build_curl() {
  cd "$work"/curl/curl-*/ || return 1
  patch_curl_already_connected . || return 1
  # Schannel is avoided on purpose: under Wine it cannot match IP-address
  # SANs and stalls on close-delimited bodies; OpenSSL behaves as on Linux.
  ./configure --host=$host --prefix="$sysroot" --disable-shared --enable-static \
    --with-openssl="$sysroot" --without-schannel --disable-ldap --disable-ldaps \
    --without-libpsl --without-zlib --without-brotli --without-zstd --without-nghttp2 \
    --without-libidn2 --without-librtmp --without-libssh2 --disable-manual \
    CPPFLAGS="-I$sysroot/include" LDFLAGS="-L$sysroot/lib" \
    LIBS="-lws2_32 -lcrypt32 -lbcrypt -luser32 -ladvapi32" &&
    make -j"$jobs" -C lib &&
    make -C lib install &&
    make -C include install
}
fetch_source curl "$work/curl"
step curl build_curl

build_pugixml() {
  cd "$work"/pugixml/pugixml-*/ &&
    cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
      -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DCMAKE_INSTALL_PREFIX="$sysroot" \
      -DCMAKE_INSTALL_LIBDIR=lib &&
    cmake --build build -j"$jobs" &&
    cmake --install build
}
fetch_source pugixml "$work/pugixml"
step pugixml build_pugixml

# Debian's zlib source has no win32/ makefile; zlib's configure cross-builds
# from CHOST. Static only: the .exe must not need a zlib1.dll.
build_zlib() {
  cd "$work"/zlib/zlib-*/ &&
    CHOST=$host ./configure --static --prefix="$sysroot" --libdir="$sysroot/lib" &&
    make -j"$jobs" libz.a &&
    make install
}
fetch_source zlib "$work/zlib"
step zlib build_zlib

# Deflate only: no bzip2, lzma, zstd or encryption backend, no tools.
build_libzip() {
  cd "$work"/libzip/libzip-*/ &&
    cmake -S . -B build -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64-x86_64.cmake" \
      -DPREFLIGHT_WIN_SYSROOT="$sysroot" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
      -DCMAKE_INSTALL_PREFIX="$sysroot" -DCMAKE_INSTALL_LIBDIR=lib \
      -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF -DENABLE_COMMONCRYPTO=OFF \
      -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF -DENABLE_OPENSSL=OFF -DENABLE_WINDOWS_CRYPTO=OFF \
      -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF &&
    cmake --build build -j"$jobs" &&
    cmake --install build
}
fetch_source libzip "$work/libzip"
step libzip build_libzip

link_headers
cp "$BUILT_FROM" "$sysroot/.built-from"
printf '%s\n' "$key" >"$stamp"
echo "$sysroot"
