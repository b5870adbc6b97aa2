#!/usr/bin/env bash
# Builds the static libcurl the Linux product build links (issue 16), from
# Debian's own curl source package, into a sysroot kept outside the
# repository and rebuilt only when missing. Debian's libcurl.so brings 25
# more shared objects (GnuTLS through librtmp, libldap, libssh2, nghttp2…)
# that the dynamic loader maps and relocates at every start, and its
# libcurl.a cannot be linked (several of its dependencies ship no .a). This
# one has what preflight uses: HTTP(S), SMTP, proxies, NTLM and, through
# Debian's shared GSS-API library, Negotiate; OpenSSL is Debian's libssl.a.
#
#   scripts/build-linux-deps.sh      prints the sysroot path when done
# PREFLIGHT_LINUX_SYSROOT=DIR builds or reuses the sysroot in DIR instead. It
# is rebuilt when Debian publishes a new source version of curl or libzip (a
# security update): its stamp holds the
# versions apt offers (the key), .built-from the versions built (older when
# the mirror lacks a security release's source).
# Then: cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release \
#         -DPREFLIGHT_LINUX_SYSROOT="$(scripts/build-linux-deps.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
sysroot=${PREFLIGHT_LINUX_SYSROOT:-${XDG_CACHE_HOME:-$HOME/.cache}/preflight/linux-static-curl}
stamp=$sysroot/.complete-v3
# Bump v3 when the build steps below change.
packages=(curl libzip)

scripts/install-deps.sh --linux-static >&2
# ensure_deb_src, fetch_source, source_versions
source scripts/debian-source.sh

ensure_deb_src
key=$(source_versions "${packages[@]}")
if [[ -f $stamp && $(<"$stamp") == "$key" ]]; then
  echo "$sysroot"
  exit 0
fi
[[ -f $stamp ]] && printf 'Debian source versions changed; rebuilding %s for:\n%s\n' "$sysroot" "$key" >&2
work=$(mktemp -d)
export BUILT_FROM=$work/built-from
trap 'rm -rf "$work"' EXIT
rm -rf "$sysroot"
mkdir -p "$sysroot"

build_curl() {
  cd "$work"/curl/curl-*/ &&
    patch_curl_already_connected . &&
    ./configure --prefix="$sysroot" --libdir="$sysroot/lib" --disable-shared --enable-static \
      --with-pic --with-openssl --with-gssapi --disable-ldap --disable-ldaps --without-libpsl \
      --without-zlib --without-brotli --without-zstd --without-nghttp2 --without-libidn2 \
      --without-librtmp --without-libssh2 --disable-manual --disable-dict --disable-file \
      --disable-ftp --disable-gopher --disable-imap --disable-mqtt --disable-pop3 --disable-rtsp \
      --disable-telnet --disable-tftp --disable-smb &&
    grep -q '^#define HAVE_GSSAPI 1' lib/curl_config.h &&
    make -j"$(nproc)" -C lib &&
    make -C lib install &&
    make -C include install
}
fetch_source curl "$work/curl"
echo "== curl (static)" >&2
if ! (build_curl) >"$work/curl.log" 2>&1; then
  tail -n 60 "$work/curl.log" >&2
  echo "building the static libcurl failed" >&2
  exit 1
fi

# Deflate only (Debian's libz.a): no bzip2, lzma, zstd or encryption backend.
build_libzip() {
  cd "$work"/libzip/libzip-*/ &&
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
      -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_PREFIX="$sysroot" \
      -DCMAKE_INSTALL_LIBDIR=lib -DENABLE_BZIP2=OFF -DENABLE_LZMA=OFF -DENABLE_ZSTD=OFF \
      -DENABLE_COMMONCRYPTO=OFF -DENABLE_GNUTLS=OFF -DENABLE_MBEDTLS=OFF -DENABLE_OPENSSL=OFF \
      -DBUILD_TOOLS=OFF -DBUILD_REGRESS=OFF -DBUILD_EXAMPLES=OFF -DBUILD_DOC=OFF &&
    cmake --build build -j"$(nproc)" &&
    cmake --install build
}
fetch_source libzip "$work/libzip"
echo "== libzip (static)" >&2
if ! (build_libzip) >"$work/libzip.log" 2>&1; then
  tail -n 60 "$work/libzip.log" >&2
  echo "building the static libzip failed" >&2
  exit 1
fi
cp "$BUILT_FROM" "$sysroot/.built-from"
printf '%s\n' "$key" >"$stamp"
echo "$sysroot"
