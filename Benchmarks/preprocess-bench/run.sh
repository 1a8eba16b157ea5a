#!/bin/sh
# Standalone benchmark of the fast engine's preprocessing (`Preprocessor.write` into a reused
# workspace, as `FastEngine` calls it): compiles Sources/SplineSeg/Preprocess.swift and
# PairwiseSum.swift and SplineKernels' AlignedFloats.swift (AlignedBuffer) with a one-line stand-in for ModelSpec's parameters (stub.swift), release,
# x86-64-v3. Usage: Benchmarks/preprocess-bench/run.sh [OTHER_PREPROCESS_SWIFT]
# With an argument, the same benchmark is also built from that file (e.g. an older version,
# `git show REV:Sources/SplineSeg/Preprocess.swift > /tmp/old.swift`) and the two run
# alternately, three rounds: an A/B on the same host state.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/preprocess-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
build() {  # $1: Preprocess.swift to use, $2: output binary
    mkdir -p "$WORK/src.$$" && sed -e 's/^import SplineModel$//' -e 's/^import SplineKernels$//' "$1" > "$WORK/src.$$/Preprocess.swift"
    (cd "$WORK" && swiftc -O -wmo -Xcc -march=x86-64-v3 -module-name PreprocessBench \
        "$ROOT"/Benchmarks/preprocess-bench/stub.swift "$ROOT"/Benchmarks/preprocess-bench/main.swift \
        "$WORK/src.$$/Preprocess.swift" "$ROOT"/Sources/SplineSeg/PairwiseSum.swift \
        "$ROOT"/Sources/SplineKernels/AlignedFloats.swift -o "$2")
    rm -rf "$WORK/src.$$"
}
build "$ROOT"/Sources/SplineSeg/Preprocess.swift "$WORK/current"
if [ $# -ge 1 ]; then
    build "$1" "$WORK/other"
    for round in 1 2 3; do "$WORK/current" current; "$WORK/other" other; done
else
    "$WORK/current" current
fi
