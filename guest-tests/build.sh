#!/usr/bin/env bash
# Rebuild the guest test binaries (bin/) and their native goldens (golden/).
#
# c/*.c     -> linked together into one multi-call static binary bin/cprogs (-O2)
# insn/*.c  -> linked together into one multi-call static binary bin/insnprogs (-O1)
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
CFLAGS_BASE="-m32 -march=i686 -mno-sse -ffunction-sections -fdata-sections -fno-pie -Wall -Wno-format-truncation -Wno-stringop-overflow"
LDFLAGS="-m32 -static -s -Wl,--gc-sections -no-pie"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-gt-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

mkdir -p bin golden

# build_multi <srcdir> <binary-name> <opt-level>
build_multi() {
    local dir="$1" multi="$2" opt="$3"
    local objdir="$WORK/obj-$multi" names=() src name
    mkdir -p "$objdir"
    for src in "$dir"/*.c; do
        name="$(basename "$src" .c)"
        if [[ ! "$name" =~ ^[a-z][a-z0-9_]*$ ]]; then
            echo "build.sh: bad program name '$name' (need [a-z][a-z0-9_]*)" >&2; exit 1
        fi
        "$CC" $CFLAGS_BASE "$opt" -Dmain="cdvm_main_$name" -c "$src" -o "$objdir/$name.o"
        names+=("$name")
    done
    {
        echo '#include <string.h>'
        echo '#include <unistd.h>'
        for name in "${names[@]}"; do echo "int cdvm_main_$name(int, char **, char **);"; done
        echo 'static const struct { const char *n; int (*f)(int, char **, char **); } progs[] = {'
        for name in "${names[@]}"; do echo "    {\"$name\", cdvm_main_$name},"; done
        echo '};'
        cat <<'CEOF'
int main(int argc, char **argv, char **envp)
{
    unsigned i, n = sizeof progs / sizeof progs[0];
    const char *b = argc > 0 && argv[0] ? argv[0] : "";
    const char *s = strrchr(b, '/');
    if (s) b = s + 1;
    for (i = 0; i < n; i++)
        if (strcmp(b, progs[i].n) == 0) return progs[i].f(argc, argv, envp);
    if (argc > 1)
        for (i = 0; i < n; i++)
            if (strcmp(argv[1], progs[i].n) == 0) return progs[i].f(argc - 1, argv + 1, envp);
    write(2, "multi-call: unknown program; use argv[0] or argv[1] =", 53);
    for (i = 0; i < n; i++) { write(2, " ", 1); write(2, progs[i].n, strlen(progs[i].n)); }
    write(2, "\n", 1);
    return 127;
}
CEOF
    } > "$objdir/dispatch.c"
    "$CC" $CFLAGS_BASE "$opt" -c "$objdir/dispatch.c" -o "$objdir/dispatch.o"
    local objs=("$objdir/dispatch.o")
    for name in "${names[@]}"; do objs+=("$objdir/$name.o"); done
    "$CC" $LDFLAGS -o "$WORK/$multi" "${objs[@]}" -lm
    mv -f "$WORK/$multi" "bin/$multi"
    for name in "${names[@]}"; do ln -sfn "$multi" "bin/$name"; done
    echo "${#names[@]}"
}

nc=$(build_multi c cprogs -O2)
ni=$(build_multi insn insnprogs -O1)

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
echo "guest-tests: $nc c programs + $ni insn programs -> bin/ (${size} KB), $ncases goldens in golden/"
