#!/usr/bin/env bash
# Fetch Debian's busybox-static for i386 into guest-tests/busybox/busybox
# (not committed; see guest-tests/.gitignore). Exits 0 if already present.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/busybox"
if [[ -x "$OUT" ]]; then
    echo "busybox: already present at $OUT"
    exit 0
fi
fail() { echo "busybox/fetch.sh: cannot fetch busybox-static:i386: $*" >&2; exit 1; }
command -v apt-get >/dev/null && command -v dpkg >/dev/null || fail "apt-get/dpkg not available"
SUDO=""
if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null || fail "need root (or sudo) for dpkg --add-architecture / apt-get update"
    SUDO="sudo"
fi
if ! dpkg --print-foreign-architectures | grep -qx i386; then
    $SUDO dpkg --add-architecture i386 || fail "dpkg --add-architecture i386 failed"
fi
# a partially failed update (some unrelated index) is tolerated: the download decides
$SUDO apt-get update -qq >/dev/null 2>&1 || echo "busybox/fetch.sh: warning: apt-get update reported errors; trying the download anyway" >&2
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-busybox.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
( cd "$TMP" && apt-get download -qq busybox-static:i386 >/dev/null 2>&1 ) || fail "apt-get download failed"
deb="$(ls "$TMP"/busybox-static_*_i386.deb 2>/dev/null | head -n 1)"
[[ -n "$deb" ]] || fail "no .deb downloaded"
dpkg-deb -x "$deb" "$TMP/x" || fail "dpkg-deb -x failed"
[[ -f "$TMP/x/bin/busybox" ]] || fail "bin/busybox missing from $(basename "$deb")"
file_info="$(od -An -tx1 -j4 -N2 "$TMP/x/bin/busybox" | tr -d ' ')"
[[ "$file_info" == "0101" ]] || fail "extracted busybox is not a 32-bit little-endian ELF"
install -m 0755 "$TMP/x/bin/busybox" "$OUT.tmp" && mv -f "$OUT.tmp" "$OUT"
echo "busybox: installed $(basename "$deb") -> $OUT"
