#!/usr/bin/env bash
# Rebuilds the security probes into ONE static multi-call binary,
# bin/secprogs (gcc -m32 -static -O1): every sec_*.c keeps its own main,
# renamed cdvm_main_<name> at compile time; sec.c holds the shared helpers;
# the dispatcher comes from ../multicall.sh and picks the program by
# basename(argv[0]), else argv[1] ("bin/secprogs sec_mmap"). Then, unless
# --no-golden, golden.sh records the native goldens.
# Usage: bash guest-tests/security/build.sh [--no-golden]
set -euo pipefail
SEC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$SEC"
CC="${CC:-gcc}"
CFLAGS="-m32 -march=i686 -O1 -fno-pie -ffunction-sections -fdata-sections -Wall -Wextra -Wno-unused-parameter"
LDFLAGS="-m32 -static -s -no-pie -Wl,--gc-sections"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-sec-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=../multicall.sh
. "$SEC/../multicall.sh"

names=()
for src in sec_*.c; do
    name="$(basename "$src" .c)"
    "$CC" $CFLAGS -Dmain="cdvm_main_$name" -c "$src" -o "$WORK/$name.o"
    names+=("$name")
done
"$CC" $CFLAGS -c sec.c -o "$WORK/sec.o"
multicall_c cdvm_main_ "${names[@]}" > "$WORK/dispatch.c"
"$CC" $CFLAGS -c "$WORK/dispatch.c" -o "$WORK/dispatch.o"
mkdir -p bin
objs=(); for n in "${names[@]}"; do objs+=("$WORK/$n.o"); done
"$CC" $LDFLAGS -o "$WORK/secprogs" "$WORK/dispatch.o" "$WORK/sec.o" "${objs[@]}"
mv -f "$WORK/secprogs" bin/secprogs
echo "security: ${#names[@]} programs -> bin/secprogs ($(du -k bin/secprogs | cut -f1) KB)"
[[ "${1:-}" == "--no-golden" ]] || bash "$SEC/golden.sh"
