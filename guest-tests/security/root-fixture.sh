#!/usr/bin/env bash
# root-fixture.sh DIR: builds the file tree sec_root probes, in the empty
# directory DIR (a host path): DIR/root is the guest's root (cdvm --root, or
# chroot natively), DIR/secret.txt lies outside it, and symlinks inside the
# root point outward in every way (absolute host paths, relative paths with
# more ".." than the root is deep). Used by golden.sh and tests/security.test.ts.
set -euo pipefail
d="$(cd "$1" && pwd -P)"
mkdir -p "$d/root/sub"
printf 'SECRET\n' > "$d/secret.txt"
printf 'inside\n' > "$d/root/inside.txt"
printf 'movable\n' > "$d/root/movable.txt"
ln -s "$d/secret.txt" "$d/root/abs_out"
ln -s ../secret.txt "$d/root/rel_out"
ln -s ../.. "$d/root/escape"
ln -s "$d" "$d/root/abs_dir"
ln -s ../../.. "$d/root/sub/up"
