# Sourced by the scripts that build libraries from Debian's own source
# packages (build-windows-deps.sh, build-linux-deps.sh).

# apt-get source needs deb-src entries: mirror the deb entries apt already
# uses, so the sources come from the same place as the binaries.
ensure_deb_src() {
  local list=/etc/apt/sources.list.d/preflight-deb-src.sources
  apt-cache showsrc openssl 2>/dev/null | grep -q '^Package: openssl' && return 0
  [[ -f $list ]] && return 0
  {
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ $f == "$list" ]] && continue
      awk 'BEGIN{RS=""; ORS="\n\n"} /(^|\n)Types:[^\n]*deb([ \n]|$)/ && !/Enabled: *no/ {
             sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f"
    done
    if [[ -f /etc/apt/sources.list ]]; then
      grep -E '^deb ' /etc/apt/sources.list | while read -r _ uri suite comps; do
        printf 'Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n\n' "$uri" "$suite" "$comps"
      done
    fi
  } >"$list"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
}

# Fetches a source package into $2; when the newest version's source is not
# on the mirror (a security update can lag), falls back to an older one and
# says so. The version fetched is appended to the file $BUILT_FROM when set:
# the cache's stamp keys on what apt offers, this records what was built.
fetch_source() {
  local pkg=$1 dir=$2 v got=""
  mkdir -p "$dir"
  if (cd "$dir" && apt-get source -qq "$pkg" >/dev/null 2>&1); then
    got=newest
  else
    for v in $(apt-cache showsrc "$pkg" | awk '/^Version:/ {print $2}' | sort -Vr); do
      if (cd "$dir" && apt-get source -qq "$pkg=$v" >/dev/null 2>&1); then
        echo "warning: the newest source of $pkg is not on the mirror; building $v" >&2
        got=$v
        break
      fi
    done
  fi
  [[ -n $got ]] || { echo "cannot fetch the source of $pkg" >&2; return 1; }
  if [[ -n ${BUILT_FROM:-} ]]; then
    v=$(cd "$dir" && ls -- "${pkg}"_*.dsc | sort -V | tail -n 1)
    v=${v#"${pkg}_"}
    echo "$pkg ${v%.dsc}" >>"$BUILT_FROM"
  fi
}

# curl 7.88 calls connect() again on a socket its CURLOPT_SOCKOPTFUNCTION
# reported as already connected (curl issue 10626, fixed in 8.0): Linux
# answers EISCONN, which curl takes as success, Windows WSAEISCONN, which
# fails every transfer handed a connected socket (https through the proxy's
# tunnel). The fix returns as connected right after the socket is opened.
patch_curl_already_connected() {
  perl -0pi -e 's/(    result = cf_socket_open\(cf, data\);\n    if\(result\)\n      goto out;\n)(?!\n    if\(cf->connected\))/$1\n    if(cf->connected) {\n      *done = TRUE;\n      return CURLE_OK;\n    }\n/' "$1/lib/cf-socket.c"
}

# The Debian source version apt would fetch now for each package, one
# "package version" line each: the key a cached build of them is checked
# against, so that a security update of any of them rebuilds the cache.
# Fails when apt knows no source for one of them.
source_versions() {
  local pkg v
  for pkg in "$@"; do
    v=$(apt-get source --print-uris -qq "$pkg" 2>/dev/null |
        awk -v p="$pkg" '{ f = $2; if (f ~ /\.dsc$/ && index(f, p "_") == 1) {
                             sub(/\.dsc$/, "", f); print substr(f, length(p) + 2); exit } }')
    [[ -n $v ]] || { echo "no Debian source of $pkg is known to apt" >&2; return 1; }
    echo "$pkg $v"
  done
}
