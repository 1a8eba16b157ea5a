#!/bin/sh
# Standalone build of the Winograd benchmark (no SwiftPM target needed): compiles the
# kernel sources directly into one module, release, x86-64-v3 (AVX2 + FMA), Swift 6 mode.
# Usage: Benchmarks/wino-bench/run.sh [reps] [F43|F63|-] [vgg]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wino-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"   # swiftc drops module files in the current directory
swiftc -O -wmo -swift-version 6 -Xcc -march=x86-64-v3 -module-name WinoBench \
  -I "$ROOT"/Sources/CSpinHint/include \
  "$ROOT"/Sources/SplineKernels/Layout.swift "$ROOT"/Sources/SplineKernels/Winograd*.swift \
  "$ROOT"/Sources/SplineKernels/MaxPool2x2.swift "$ROOT"/Sources/SplineKernels/SIMDMemory.swift \
  "$ROOT"/Sources/SplineKernels/RowSplit.swift \
  "$ROOT"/Sources/SplineKernels/Reference/Winograd*.swift \
  "$ROOT"/Benchmarks/wino-bench/main.swift -o "$WORK/wino-bench"
"$WORK/wino-bench" "$@"
