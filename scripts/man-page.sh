#!/usr/bin/env bash
# Writes the man page OUT from the help of preflight BINARY with help2man:
# the top-level help is the page, and each command's own help (preflight run
# --help, …) becomes a section of it, so the page and --help cannot differ.
#   scripts/man-page.sh build/preflight build/preflight.1
set -euo pipefail
# The help follows the user's locale (a Japanese one gives Japanese help);
# the man page is the English help, whatever the builder's locale.
export LC_ALL=C
binary=$1
out=$2
include=$(mktemp)
trap 'rm -f "$include"' EXIT
{
  echo "[COMMANDS]"
  for command in run cert facts list schema explain bundle; do
    echo ".SS \"preflight $command\""
    echo ".nf"
    # Lines starting with . or ' are roff requests; \ starts an escape.
    "$binary" "$command" --help | sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
    echo ".fi"
  done
  cat <<'TEXT'
[EXIT STATUS]
0 all checks passed, 1 warnings only, 2 at least one failure, 3 could not run
(bad input, or the run was interrupted).
[FILES]
.TP
.I /usr/share/doc/preflight/examples/checklists/
the built-in checklists and their XML Schema, to copy and edit (\fB\-\-checklist\fR FILE)
.TP
.I /usr/share/doc/preflight/examples/contrib/
systemd timer, Nagios, Icinga 2, Prometheus and CI examples
TEXT
} >"$include"
# --version says more than the version (commit, libraries): help2man gets
# only the first line's number, the rest describes the build machine.
version=$("$binary" --version | head -n 1 | cut -d' ' -f2)
help2man --no-info --no-discard-stderr --section 1 --version-string "$version" \
  --name "checks a server against the Workspace ONE UEM Cloud Connector prerequisites" \
  --include "$include" --output "$out" "$binary"
