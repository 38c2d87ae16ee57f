#!/usr/bin/env bash
# Build the cdvm benchmark suite and record its expected outputs natively.
#
#   bash bench/build.sh            # compile bin/benchprogs, run every size natively, write suite.json
#   bash bench/build.sh --no-run   # compile only
#
# src/<name>.c -> one multi-call static i386 binary bin/benchprogs (each
# source's main renamed to bench_main_<name>); bin/<name> is a symlink to it,
# and the binary picks the program from basename(argv[0]) (fallback argv[1]).
# Flags as guest-tests: gcc -m32 -march=i686 -mno-sse -O2 -static; the
# floating-point kernels in SSE2_VARIANTS are compiled a second time with
# -msse2 -mfpmath=sse as <name>_sse2 (scalar SSE2 instead of x87).
#
# suite.json is generated from catalog.json (name, category, description,
# hand-written notes such as known cdvm failures) plus, for each size, the
# args and the stdout + exit status of a native run. Never edit the expected
# outputs by hand: change the program and rerun this script.
set -euo pipefail
B="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$B"
CC="${CC:-gcc}"
CFLAGS="-m32 -march=i686 -mno-sse -O2 -fno-pie -ffunction-sections -fdata-sections -Wall -Wextra -Wno-unused-parameter"
LDFLAGS="-m32 -static -s -no-pie -Wl,--gc-sections"
SSE2_VARIANTS="nbody mandelbrot spectral"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-bench-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

names=()
for src in src/*.c; do
    n="$(basename "$src" .c)"
    [[ "$n" =~ ^[a-z][a-z0-9_]*$ ]] || { echo "bench/build.sh: bad name $n" >&2; exit 1; }
    "$CC" $CFLAGS -Dmain="bench_main_$n" -c "$src" -o "$WORK/$n.o"
    names+=("$n")
done
for n in $SSE2_VARIANTS; do
    "$CC" ${CFLAGS/-mno-sse/-msse2 -mfpmath=sse} -Dmain="bench_main_${n}_sse2" -c "src/$n.c" -o "$WORK/${n}_sse2.o"
    names+=("${n}_sse2")
done
{
    echo '#include <string.h>'
    echo '#include <stdio.h>'
    for n in "${names[@]}"; do echo "int bench_main_$n(int, char **);"; done
    echo 'static const struct { const char *name; int (*main)(int, char **); } table[] = {'
    for n in "${names[@]}"; do echo "    { \"$n\", bench_main_$n },"; done
    echo '};'
    cat <<'CEOF'
int main(int argc, char **argv)
{
    const unsigned count = sizeof table / sizeof table[0];
    const char *self = argc > 0 ? argv[0] : "", *slash = strrchr(self, '/');
    if (slash) self = slash + 1;
    for (unsigned i = 0; i < count; i++)
        if (!strcmp(self, table[i].name)) return table[i].main(argc, argv);
    for (unsigned i = 0; argc > 1 && i < count; i++)
        if (!strcmp(argv[1], table[i].name)) return table[i].main(argc - 1, argv + 1);
    fprintf(stderr, "benchprogs: name the benchmark by argv[0] or argv[1]:");
    for (unsigned i = 0; i < count; i++) fprintf(stderr, " %s", table[i].name);
    fprintf(stderr, "\n");
    return 127;
}
CEOF
} > "$WORK/dispatch.c"
"$CC" $CFLAGS -c "$WORK/dispatch.c" -o "$WORK/dispatch.o"
objs=("$WORK/dispatch.o")
for n in "${names[@]}"; do objs+=("$WORK/$n.o"); done
mkdir -p bin
"$CC" $LDFLAGS -o "$WORK/benchprogs" "${objs[@]}" -lm
mv -f "$WORK/benchprogs" bin/benchprogs
for l in bin/*; do [[ -L "$l" ]] && rm -f "$l"; done
for n in "${names[@]}"; do ln -sfn benchprogs "bin/$n"; done
echo "bench/build.sh: ${#names[@]} programs -> bin/benchprogs ($(du -k bin/benchprogs | cut -f1) KB)"
[[ "${1:-}" == "--no-run" ]] && exit 0

# Native runs: argv[0] = bin/<name>, empty environment, stdin /dev/null, a scratch cwd.
node --input-type=module - "$B" "$WORK" <<'JSEOF'
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
const [dir, work] = process.argv.slice(2);
const catalog = JSON.parse(fs.readFileSync(`${dir}/catalog.json`, "utf8"));
const sizes = ["small", "ref"];
const suite = { version: 1, generatedBy: "bench/build.sh", binary: "bin/benchprogs", sizes, benchmarks: [] };
for (const c of catalog) {
  if (!fs.existsSync(`${dir}/bin/${c.name}`)) throw new Error(`catalog names ${c.name}, which has no source`);
  const entry = { name: c.name, category: c.category, description: c.description, binary: `bin/${c.name}`, sizes: {} };
  if (c.notes) entry.notes = c.notes;
  for (const size of sizes) {
    const args = [size];
    const t0 = process.hrtime.bigint();
    const r = spawnSync(`${dir}/bin/${c.name}`, args, { cwd: work, env: {}, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 24 });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw r.error;
    const status = r.status ?? 128 + (r.signal ? 1 : 0);
    if (status !== 0) throw new Error(`${c.name} ${size}: native exit status ${status}: ${r.stderr}`);
    entry.sizes[size] = { args, expectedStdout: r.stdout.toString("utf8"), expectedStatus: status, nativeSeconds: Math.round(seconds * 1000) / 1000 };
    process.stderr.write(`  ${c.name.padEnd(12)} ${size.padEnd(5)} ${seconds.toFixed(3)} s  ${r.stdout.toString().trim().split("\n").pop()}\n`);
  }
  suite.benchmarks.push(entry);
}
const known = new Set(catalog.map((c) => c.name));
for (const f of fs.readdirSync(`${dir}/src`)) if (f.endsWith(".c") && !known.has(f.slice(0, -2))) throw new Error(`src/${f} is not in catalog.json`);
fs.writeFileSync(`${dir}/suite.json`, JSON.stringify(suite, null, 2) + "\n");
process.stderr.write(`bench/build.sh: wrote suite.json (${suite.benchmarks.length} benchmarks)\n`);
JSEOF
