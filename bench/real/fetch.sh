#!/usr/bin/env bash
# Fetch the pinned Debian i386 packages of the real-software benchmark suite
# (bench/real/packages.txt: package, version, SHA-256 of the .deb) with
# `apt-get download`, verify each .deb's hash, and unpack them all with
# `dpkg-deb -x` into one sysroot in a cache directory outside the repository:
#
#   ${CDVM_REAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdvm/real}/<pinset-hash>/
#       debs/      the verified .debs
#       sysroot/   their contents (lib/ld-linux.so.2, usr/bin/..., bin/busybox ...)
#
# <pinset-hash> is the first 16 hex digits of the SHA-256 of packages.txt, so
# a changed pin set gets a fresh directory. Nothing is installed system-wide.
# Idempotent: exits 0 at once when the sysroot of this pin set is complete
# (sysroot/.cdvm-pinset is written last). `--print-dir` prints the directory
# and exits. If a pinned version is no longer served, fails with one line
# naming it.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PINS="$HERE/packages.txt"
me="bench/real/fetch.sh"
fail() { echo "$me: $*" >&2; exit 1; }

PINSET="$(sha256sum "$PINS" | cut -c1-16)"
DIR="${CDVM_REAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdvm/real}/$PINSET"
if [[ "${1:-}" == "--print-dir" ]]; then echo "$DIR"; exit 0; fi
ROOTFS="$DIR/sysroot"
if [[ -f "$ROOTFS/.cdvm-pinset" && "$(cat "$ROOTFS/.cdvm-pinset")" == "$PINSET" ]]; then
    echo "$me: sysroot already present at $ROOTFS"
    exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null && command -v apt-cache >/dev/null \
    || fail "apt-get/apt-cache/dpkg-deb not available"
SUDO=""
if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null; then SUDO="sudo"; fi

mapfile -t pins < <(grep -Ev '^[[:space:]]*(#|$)' "$PINS")
(( ${#pins[@]} > 0 )) || fail "no packages in $PINS"

mkdir -p "$DIR/debs"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-real.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
chmod 0777 "$TMP"   # apt's _apt user downloads into it
debname() { echo "$DIR/debs/${1}_${2//:/%3a}_i386.deb"; }

# The .debs not yet in the cache (or not matching their pin), fetched in one apt-get call.
want=()
for line in "${pins[@]}"; do
    read -r name ver sha <<<"$line"
    deb="$(debname "$name" "$ver")"
    [[ -f "$deb" && "$(sha256sum "$deb" | cut -d' ' -f1)" == "$sha" ]] || want+=("$name:i386=$ver")
done
download() { ( cd "$TMP" && rm -f ./*.deb && apt-get download -q "${want[@]}" ) >"$TMP/apt.log" 2>&1; }
if (( ${#want[@]} )); then
    if ! download; then
        # Perhaps stale or missing package lists (or no i386 yet): add the architecture, update once, retry.
        if ! dpkg --print-foreign-architectures 2>/dev/null | grep -qx i386; then
            $SUDO dpkg --add-architecture i386 >/dev/null 2>&1 || fail "dpkg --add-architecture i386 failed (need root)"
        fi
        echo "$me: updating apt package lists" >&2
        $SUDO apt-get update -qq >/dev/null 2>&1 || echo "$me: warning: apt-get update reported errors; trying anyway" >&2
        if ! download; then
            gone="$(sed -n "s/.*Version '\([^']*\)' for '\([^']*\)' was not found.*/\2=\1/p; s/.*Unable to locate package \(.*\)/\1/p" "$TMP/apt.log" | head -n 1)"
            [[ -z "$gone" ]] || fail "pinned package $gone is no longer served by apt (update bench/real/packages.txt, then run bash bench/real/golden.sh)"
            fail "apt-get download failed: $(grep -E '^(E|Err):' "$TMP/apt.log" | head -n 1)"
        fi
    fi
    for line in "${pins[@]}"; do
        read -r name ver sha <<<"$line"
        got=("$TMP/${name}_"*_i386.deb)
        [[ -f "${got[0]}" ]] || continue
        have="$(sha256sum "${got[0]}" | cut -d' ' -f1)"
        [[ "$have" == "$sha" ]] || fail "$name $ver: SHA-256 $have does not match the pinned $sha"
        mv -f "${got[0]}" "$(debname "$name" "$ver")"
    done
    for line in "${pins[@]}"; do
        read -r name ver sha <<<"$line"
        [[ -f "$(debname "$name" "$ver")" ]] || fail "apt-get download produced no .deb for $name $ver"
    done
fi

rm -rf "$ROOTFS.tmp"
mkdir -p "$ROOTFS.tmp"
for line in "${pins[@]}"; do
    read -r name ver sha <<<"$line"
    dpkg-deb -x "$(debname "$name" "$ver")" "$ROOTFS.tmp" || fail "dpkg-deb -x of $name $ver failed"
done
[[ -e "$ROOTFS.tmp/lib/ld-linux.so.2" ]] || fail "the sysroot has no lib/ld-linux.so.2"
echo "$PINSET" > "$ROOTFS.tmp/.cdvm-pinset"
rm -rf "$ROOTFS"
mv "$ROOTFS.tmp" "$ROOTFS"
echo "$me: ${#pins[@]} packages (${#want[@]} downloaded) unpacked into $ROOTFS"
