#!/usr/bin/env bash
# Rebuild the guest test binaries (bin/) and their native goldens (golden/).
#
# c/*.c     -> linked together into one multi-call static binary bin/cprogs (-O2, x87)
# insn/*.c  -> linked together into one multi-call static binary bin/insnprogs (-O1;
#              insn/sse_*.c with -msse2)
# SSE2_PROGS -> the same C sources again with -O3 -msse2 -mfpmath=sse, programs
#              named <name>_sse2, in bin/sse2progs (scalar SSE2 floating point
#              and gcc's autovectorized integer loops)
# bin/<name> is a symlink to the multi-call binary; the binary dispatches on
# basename(argv[0]) (fallback: argv[1]). Each source keeps its own main(), which
# is renamed at compile time, so every program also builds standalone.
#
# Goldens: every case of cases.json is run natively by run-cases.sh (see there)
# -> golden/<case>.out (stdout bytes) and golden/<case>.status (exit status as
# a shell reports it, 128+N for death by signal N).
# Usage: bash build.sh [--no-golden]
set -euo pipefail

GT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$GT"

CC="${CC:-gcc}"
CFLAGS_BASE="-m32 -march=i686 -ffunction-sections -fdata-sections -fno-pie -Wall -Wno-format-truncation -Wno-stringop-overflow"
LDFLAGS="-m32 -static -s -Wl,--gc-sections -no-pie"
X87="-mno-sse"
SSE2="-msse2 -mfpmath=sse"
SSE2_PROGS="fp_printf fp_convert fp_libm fp_kernels sieve sorting strings crc_md5 bignum vec_int"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-gt-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

mkdir -p bin golden
# shellcheck source=multicall.sh
. "$GT/multicall.sh"

# build_multi <binary-name> <flags> <suffix> <sources...>: compiles each
# source with its main renamed to cdvm_main_<name><suffix> (insn/sse_*.c also
# get -msse2) and links them with a dispatcher into bin/<binary-name>.
build_multi() {
    local multi="$1" flags="$2" suffix="$3"
    shift 3
    local objdir="$WORK/obj-$multi" names=() src name extra
    mkdir -p "$objdir"
    for src in "$@"; do
        name="$(basename "$src" .c)$suffix"
        if [[ ! "$name" =~ ^[a-z][a-z0-9_]*$ ]]; then
            echo "build.sh: bad program name '$name' (need [a-z][a-z0-9_]*)" >&2; exit 1
        fi
        extra=""
        [[ "$src" == insn/sse_* ]] && extra="-msse2"
        "$CC" $CFLAGS_BASE $flags $extra -Dmain="cdvm_main_$name" -c "$src" -o "$objdir/$name.o"
        names+=("$name")
    done
    multicall_c cdvm_main_ "${names[@]}" > "$objdir/dispatch.c"
    "$CC" $CFLAGS_BASE $flags -c "$objdir/dispatch.c" -o "$objdir/dispatch.o"
    local objs=("$objdir/dispatch.o")
    for name in "${names[@]}"; do objs+=("$objdir/$name.o"); done
    "$CC" $LDFLAGS -o "$WORK/$multi" "${objs[@]}" -lm
    mv -f "$WORK/$multi" "bin/$multi"
    for name in "${names[@]}"; do ln -sfn "$multi" "bin/$name"; done
    echo "${#names[@]}"
}

nc=$(build_multi cprogs "$X87 -O2" "" c/*.c)
ni=$(build_multi insnprogs "$X87 -O1" "" insn/*.c)
ns=$(build_multi sse2progs "$SSE2 -O3" _sse2 $(for p in $SSE2_PROGS; do echo "c/$p.c"; done))

# Remove stale symlinks whose program no longer exists.
for l in bin/*; do
    [[ -L "$l" && ! -e "$l" ]] && rm -f "$l"
done

if [[ "${1:-}" != "--no-golden" ]]; then
    mkdir -p golden
    rm -f golden/*.out golden/*.status
    ncases=$(bash "$GT/run-cases.sh" "$GT/cases.json" "$GT/golden" bin | tail -n 1)
else
    ncases=0
fi

size=$(du -sk bin | cut -f1)
echo "guest-tests: $nc c programs + $ni insn programs + $ns sse2 programs -> bin/ (${size} KB), $ncases goldens in golden/"
