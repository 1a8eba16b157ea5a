#!/bin/sh
# Standalone build of the Winograd benchmark (no SwiftPM target needed): compiles the
# kernel sources directly into one module, release, x86-64-v3 (AVX2 + FMA).
# Usage: Benchmarks/wino-bench/run.sh [reps] [F43|F63|-] [vgg]
set -e
cd "$(dirname "$0")/../.."
OUT=${TMPDIR:-/tmp}/wino-bench-$$
swiftc -O -wmo -swift-version 6 -Xcc -march=x86-64-v3 -module-name WinoBench \
  Sources/SplineKernels/Layout.swift Sources/SplineKernels/Winograd*.swift \
  Sources/SplineKernels/Reference/Winograd*.swift \
  Benchmarks/wino-bench/main.swift -o "$OUT"
"$OUT" "$@"
rm -f "$OUT"
