#!/usr/bin/env bash
# Run every case of busybox/cases.json natively with busybox/busybox and write
# busybox/golden/<case>.out (stdout bytes) and .status (exit status, 128+N for
# death by signal N). Each case runs as argv[0]="busybox" argv[1..]=args, with
# exactly the env of the case (env -i), stdin = the fixture or /dev/null, and
# cwd = a fresh empty temp dir ("cwd": "tmp") or guest-tests/ ("guest-tests").
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GT="$(dirname "$HERE")"
if [[ ! -x "$HERE/busybox" ]]; then
    echo "busybox/golden.sh: busybox/busybox missing; run busybox/fetch.sh first" >&2
    exit 1
fi
mkdir -p "$HERE/golden"
rm -f "$HERE"/golden/*.out "$HERE"/golden/*.status
n=$(bash "$GT/run-cases.sh" "$HERE/cases.json" "$HERE/golden" busybox | tail -n 1)
echo "busybox: $n goldens in busybox/golden/"
