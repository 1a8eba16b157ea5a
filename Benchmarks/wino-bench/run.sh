#!/bin/sh
# Standalone build of the Winograd benchmark (no SwiftPM target needed): compiles the
# kernel sources directly into one module, release, x86-64-v3 (AVX2 + FMA), Swift 6 mode,
# next to the AVX-512 micro-kernels' module (x86-64-v4, called only where the CPU has it).
# Usage: Benchmarks/wino-bench/run.sh [reps] [F43|F63|-] [vgg|dec]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wino-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"   # swiftc drops module files in the current directory
clang -O2 -march=x86-64-v3 -c "$ROOT"/Sources/CSpinHint/spin_hint.c -I "$ROOT"/Sources/CSpinHint/include -o spin_hint.o
swiftc -O -wmo -parse-as-library -swift-version 6 -Xcc -march=x86-64-v4 -module-name SplineKernelsAVX512 \
  -I "$ROOT"/Sources/CSpinHint/include -emit-module -emit-object \
  "$ROOT"/Sources/SplineKernelsAVX512/*.swift -o SplineKernelsAVX512.o
swiftc -O -wmo -swift-version 6 -Xcc -march=x86-64-v3 -module-name WinoBench \
  -I "$ROOT"/Sources/CSpinHint/include -I "$WORK" \
  "$ROOT"/Sources/SplineKernels/Layout.swift "$ROOT"/Sources/SplineKernels/Winograd*.swift \
  "$ROOT"/Sources/SplineKernels/MaxPool2x2.swift "$ROOT"/Sources/SplineKernels/SIMDMemory.swift \
  "$ROOT"/Sources/SplineKernels/RowSplit.swift "$ROOT"/Sources/SplineKernels/ISA.swift \
  "$ROOT"/Sources/SplineKernels/AlignedFloats.swift \
  "$ROOT"/Sources/SplineKernels/Reference/Winograd*.swift \
  "$ROOT"/Benchmarks/wino-bench/main.swift SplineKernelsAVX512.o spin_hint.o -o "$WORK/wino-bench"
"$WORK/wino-bench" "$@"
