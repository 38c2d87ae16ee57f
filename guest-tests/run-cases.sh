#!/usr/bin/env bash
# run-cases.sh MANIFEST GOLDEN_DIR MODE
# Runs every case of a cases.json manifest natively and writes
# GOLDEN_DIR/<name>.out (stdout bytes) and GOLDEN_DIR/<name>.status (exit
# status as a shell reports it: 128+N for death by signal N).
#   MODE=bin      executable = guest-tests/bin/<case.bin>, argv[0] = <case.bin>
#   MODE=busybox  executable = guest-tests/busybox/busybox, argv[0] = "busybox"
# Each case runs with exactly the environment in case.env (env -i), argv[1..] =
# case.args, stdin = guest-tests/<case.stdin> or /dev/null, cwd = a fresh empty
# temporary directory (case.cwd "tmp", the default) or guest-tests/ (case.cwd
# "guest-tests"). stderr is discarded. Prints the number of cases last.
set -euo pipefail
GT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$1" gdir="$2" mode="$3"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-gt-run.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Native helper: launch ARGV0 PATH ARGS... -> execve(PATH, [ARGV0, ARGS...], environ)
cat > "$WORK/launch.c" <<'CEOF'
#include <stdio.h>
#include <unistd.h>
extern char **environ;
int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: launch ARGV0 PATH [ARGS...]\n"); return 126; }
    char *path = argv[2];
    argv[2] = argv[1];
    execve(path, argv + 2, environ);
    perror("launch: execve");
    return 127;
}
CEOF
"${CC:-gcc}" -O2 -o "$WORK/launch" "$WORK/launch.c"
LAUNCH="$WORK/launch"

node -e '
const fs = require("fs");
const cases = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const seen = new Set();
let out = "";
for (const c of cases) {
  if (!c.name || !/^[A-Za-z0-9_.-]+$/.test(c.name)) throw new Error("bad case name " + c.name);
  if (seen.has(c.name)) throw new Error("duplicate case " + c.name);
  seen.add(c.name);
  const env = Object.entries(c.env || {}).map(([k, v]) => k + "=" + v);
  const args = c.args || [];
  const f = [c.name, c.bin || "", c.stdin || "", c.cwd || "tmp", String(env.length), ...env,
             String(args.length), ...args];
  for (const x of f) if (String(x).includes("\0")) throw new Error("NUL in case " + c.name);
  out += f.join("\0") + "\0";
}
process.stdout.write(out);
' "$manifest" > "$WORK/records"

mapfile -d '' f < "$WORK/records"
i=0 total=${#f[@]} count=0
mkdir -p "$gdir"
while (( i < total )); do
    name="${f[i]}" bin="${f[i+1]}" stdin="${f[i+2]}" cwd="${f[i+3]}" ne="${f[i+4]}"
    i=$((i + 5))
    envv=("${f[@]:i:ne}"); i=$((i + ne))
    na="${f[i]}"; i=$((i + 1))
    argv=("${f[@]:i:na}"); i=$((i + na))
    if [[ "$mode" == busybox ]]; then exe="$GT/busybox/busybox" argv0=busybox
    else exe="$GT/bin/$bin" argv0="$bin"; fi
    [[ -x "$exe" ]] || { echo "run-cases.sh: case $name: missing binary $exe" >&2; exit 1; }
    in=/dev/null
    [[ -n "$stdin" ]] && in="$GT/$stdin"
    [[ -r "$in" ]] || { echo "run-cases.sh: case $name: missing stdin $in" >&2; exit 1; }
    case "$cwd" in
        guest-tests) rundir="$GT" ;;
        tmp) rundir="$(mktemp -d "$WORK/cwd.XXXXXX")" ;;
        *) echo "run-cases.sh: case $name: bad cwd '$cwd'" >&2; exit 1 ;;
    esac
    status=0
    # (the braces + 2>/dev/null also silence bash's "Segmentation fault" notices)
    { ( ulimit -c 0; cd "$rundir" && exec env -i "${envv[@]}" "$LAUNCH" "$argv0" "$exe" "${argv[@]}" ) \
        < "$in" > "$gdir/$name.out"; } 2>/dev/null || status=$?
    echo "$status" > "$gdir/$name.status"
    [[ "$cwd" == tmp ]] && rm -rf "$rundir"
    count=$((count + 1))
done
echo "$count"
