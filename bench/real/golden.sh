#!/usr/bin/env bash
# Regenerates bench/real/suite.json from native runs: fetches the pinned
# packages (fetch.sh), generates the inputs (inputs.mjs), then runs every
# benchmark of catalog.json natively (golden.ts). Options are passed on to
# golden.ts: --runs N (default 3), --check-qemu (also require qemu-i386 to agree).
#
#   bash bench/real/golden.sh [--runs N] [--check-qemu]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
bash "$HERE/fetch.sh"
DIR="$(bash "$HERE/fetch.sh" --print-dir)"
node "$HERE/inputs.mjs" --out "$DIR/inputs" --sysroot "$DIR/sysroot"
cd "$ROOT"
exec npx --no-install tsx bench/real/golden.ts "$DIR" "$@"
