#!/usr/bin/env bash
# Records the native goldens of cases.json: golden/<name>.out (stdout bytes)
# and golden/<name>.status (exit status, 128+N for death by signal N), from
# bin/secprogs run on the host kernel with an empty environment in a fresh
# temporary directory. How "native" is made to mean the 3G/1G i386 kernel:
#   "3g"     setarch -3 -R: the ADDR_LIMIT_3GB personality gives the 32-bit
#            process TASK_SIZE 0xC0000000 on a 64-bit kernel (mmap hints,
#            MAP_FIXED, munmap, mremap and brk limits as on i386), and
#            ADDR_NO_RANDOMIZE puts the stack top at 0xC0000000 as in cdvm;
#   "chroot" the tree of root-fixture.sh, the binary copied into its root,
#            run under chroot (needs root): the jail --root implements;
#            "@HOSTDIR@" in args becomes the fixture's host directory;
#   "none"   no golden (sec_ptrs: a 64-bit kernel's access_ok admits
#            addresses up to 4 GiB, so pointers crossing 0xC0000000 are
#            partly copied instead of EFAULT; the test asserts the rule).
# Usage: bash guest-tests/security/golden.sh   (build.sh runs it)
set -euo pipefail
SEC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="$SEC/bin/secprogs"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cdvm-sec-golden.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
[[ -x "$BIN" ]] || { echo "golden.sh: build bin/secprogs first (build.sh)" >&2; exit 1; }
mkdir -p "$SEC/golden"
rm -f "$SEC/golden/"*.out "$SEC/golden/"*.status

# One record per case: name NUL native NUL argc NUL args... NUL
node -e '
const cases = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
let out = "";
for (const c of cases) out += [c.name, c.native, String(c.args.length), ...c.args].join("\0") + "\0";
process.stdout.write(out);
' "$SEC/cases.json" > "$WORK/records"
mapfile -d '' f < "$WORK/records"
i=0 count=0
while (( i < ${#f[@]} )); do
    name="${f[i]}" native="${f[i+1]}" argc="${f[i+2]}"
    args=("${f[@]:i+3:argc}")
    i=$((i + 3 + argc))
    [[ "$native" == none ]] && continue
    dir="$(mktemp -d "$WORK/case.XXXXXX")"
    status=0
    case "$native" in
        3g)
            { ( ulimit -c 0; cd "$dir" && exec env -i "$(command -v setarch)" -3 -R "$BIN" "${args[@]}" ) \
                < /dev/null > "$SEC/golden/$name.out"; } 2>/dev/null || status=$?
            ;;
        chroot)
            bash "$SEC/root-fixture.sh" "$dir"
            cp "$BIN" "$dir/root/.secprogs"
            args=("${args[@]//@HOSTDIR@/$dir}")
            { ( ulimit -c 0; exec env -i "$(command -v chroot)" "$dir/root" /.secprogs "${args[@]}" ) \
                < /dev/null > "$SEC/golden/$name.out"; } 2>/dev/null || status=$?
            ;;
        *) echo "golden.sh: case $name: bad native '$native'" >&2; exit 1 ;;
    esac
    echo "$status" > "$SEC/golden/$name.status"
    count=$((count + 1))
done
echo "security: $count native goldens in golden/"
