#!/usr/bin/env bash
# Regenerate the evaluation kept in papers/results/ (see papers/README.md).
#   bash papers/regenerate.sh        # size small: main configs + ablation/thresholds, then the report
#   bash papers/regenerate.sh ref    # additionally size ref (native/qemu once, bbt/staged 3 runs) and its report
#   bash papers/regenerate.sh real   # instead: the real-software suite at ref (native/qemu/staged, then interp: hours) and its report
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
R=papers/results
if [[ "${1:-}" == "real" ]]; then
    # The interpreter takes 5-20 minutes on several programs at ref; its runs are kept apart so a
    # report can be made from the others while they run.
    ./bin/cdvm bench --suite real --size ref --configs native,qemu,staged --runs 1 --timeout 300 --out $R/real-ref/nqs
    ./bin/cdvm bench --suite real --size ref --configs interp --runs 1 --timeout 1800 --out $R/real-ref/interp
    ./bin/cdvm report $R/real-ref/nqs/results.json $R/real-ref/interp/results.json --out $R/real-ref
    exit 0
fi
./bin/cdvm bench --size small --configs interp,bbt,staged,native,qemu --runs 1 --startup dhrystone --out $R/small-main
./bin/cdvm bench --size small --configs ablation,thresholds --runs 1 --out $R/small-ablation
./bin/cdvm report $R/small-main/results.json $R/small-ablation/results.json --out $R/small
if [[ "${1:-}" == "ref" ]]; then
    INT="crc32 sha256 sort_int sort_str edit_dist dijkstra list_chase bintree bytecode lz77 bignum recursion wordfreq dhrystone matmul"
    ./bin/cdvm bench --size ref --only "$(echo $INT | tr ' ' ,)" --configs native,qemu --runs 1 --out $R/ref-native-qemu
    for b in matmul dhrystone crc32 sort_int bytecode dijkstra edit_dist wordfreq; do
        ./bin/cdvm bench --size ref --only $b --configs bbt,staged --runs 3 --timeout 60 --out $R/ref-translated/$b
    done
    ./bin/cdvm report $R/ref-native-qemu/results.json $R/ref-translated/*/results.json --out $R/ref
    ./bin/cdvm bench --size ref --only "$(echo $INT | tr ' ' ,)" --configs staged,staged:-link-blocks --runs 1 --timeout 300 --out $R/ref-linked
    ./bin/cdvm bench --size ref --only crc32,sort_int,matmul --configs interp --runs 1 --timeout 400 --out $R/ref-interp
    ./bin/cdvm report $R/ref-native-qemu/results.json $R/ref-interp/results.json $R/ref-linked/results.json --out $R/linked
    ./bin/cdvm bench --size ref --only "$(echo $INT | tr ' ' ,)" --configs staged --runs 1 --timeout 300 --out $R/ref-flags
    ./bin/cdvm bench --size ref --only nbody_sse2,mandelbrot_sse2,spectral_sse2 --configs staged,native,qemu --runs 1 --timeout 300 --out $R/ref-float
    ./bin/cdvm report $R/ref-float/results.json --out $R/float
    ./bin/cdvm bench --size ref --only nbody,mandelbrot,spectral --configs staged,staged:x87=f64,native,qemu --runs 1 --timeout 400 --out $R/ref-x87
    ./bin/cdvm report $R/ref-x87/results.json --out $R/x87
fi
