// swift-tools-version:6.0
// SplineSeg: implicit-spline segmentation of medical image slices.
//
// Code generation flags: on x86-64 every Swift and C target is compiled for
// x86-64-v3 (AVX2 + FMA + F16C + BMI2). Without it `swift build -c release`
// targets baseline x86-64 and SIMD fused multiply-adds become libm calls
// (~140x slower). Override with SPLINESEG_MARCH=<clang -march value>
// (e.g. `native`, or `x86-64` for a CPU without AVX2) at build time.
import Foundation
import PackageDescription

#if arch(x86_64)
let march = ProcessInfo.processInfo.environment["SPLINESEG_MARCH"] ?? "x86-64-v3"
let swiftCPU: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=\(march)"])]
let cCPU: [CSetting] = [.unsafeFlags(["-march=\(march)"])]
// The AVX-512 kernels' module only: its code runs only where the CPU reports x86-64-v4
// (runtime dispatch, `splineseg_cpu_has_x86_64_v4`), so the build machine's CPU does not matter.
let swiftV4: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=x86-64-v4"])]
#else
let swiftV4: [SwiftSetting] = []
let swiftCPU: [SwiftSetting] = []
let cCPU: [CSetting] = []
#endif

let package = Package(
    name: "SplineSeg",
    products: [
        .library(name: "SplineSeg", targets: ["SplineSeg"]),
        .executable(name: "splineseg", targets: ["splineseg"]),
        .executable(name: "splineseg-codegen", targets: ["splineseg-codegen"]),
        .executable(name: "splineseg-layers", targets: ["splineseg-layers"]),
        .library(name: "SplineCore", targets: ["SplineCore"]),
        .library(name: "PNGIO", targets: ["PNGIO"]),
        .library(name: "NIfTIIO", targets: ["NIfTIIO"]),
        .library(name: "SegMetrics", targets: ["SegMetrics"]),
        .library(name: "SplineKernels", targets: ["SplineKernels"]),
    ],
    dependencies: [
        // Command line parsing, help text and typed validation errors for `splineseg`.
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian: libpng-dev, zlib1g-dev).
        .systemLibrary(
            name: "CLibPNG", path: "Sources/CLibPNG", pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // libpng reports errors by longjmp, which Swift cannot unwind through:
        // the setjmp lives in this small C shim.
        .target(name: "CPNGShim", dependencies: ["CLibPNG"], path: "Sources/CPNGShim", cSettings: cCPU),

        .target(name: "FileSupport", swiftSettings: swiftCPU),
        .target(name: "SplineCore", swiftSettings: swiftCPU),
        .target(name: "PNGIO", dependencies: ["CPNGShim", "FileSupport"], swiftSettings: swiftCPU),
        .target(name: "NIfTIIO", dependencies: ["CZlib", "FileSupport"], swiftSettings: swiftCPU),
        .target(name: "SegMetrics", swiftSettings: swiftCPU),
        // Model description shared by the runtime and the code generator: spec, safetensors,
        // SHA-256, the layer list (BatchNorm folded), the execution plan with its memory plan.
        .target(name: "SplineModel", dependencies: ["SplineKernels", "FileSupport"], swiftSettings: swiftCPU),
        // The embeddable library: model loading, preprocessing, inference, segmentation.
        .target(
            name: "SplineSeg",
            dependencies: ["SplineModel", "SplineCore", "SplineKernels", "GeneratedModels", "CBuiltinModels", "FileSupport"],
            swiftSettings: swiftCPU),
        // Golden fixtures (tools/export_golden.py) and per-layer comparison: shared by the golden
        // tests and the splineseg-layers debugging tool.
        .target(name: "SplineSegGolden", dependencies: ["SplineSeg", "SplineModel", "FileSupport"], swiftSettings: swiftCPU),
        .executableTarget(
            name: "splineseg-layers",
            dependencies: ["SplineSegGolden", "SplineSeg", "PNGIO", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftCPU),
        // Code-generated fixed-shape model functions (splineseg-codegen output) + their registry.
        .target(name: "GeneratedModels", dependencies: ["SplineKernels"], swiftSettings: swiftCPU),
        // Built-in models: spec JSON + .sspack embedded with .incbin (generated C; the assembler
        // finds the files in weights/).
        .target(
            name: "CBuiltinModels", path: "Sources/CBuiltinModels",
            cSettings: cCPU + [.unsafeFlags(["-Wa,-I\(Context.packageDirectory)/weights"])]),
        // The code generator: library (tested) + command line.
        .target(
            name: "SplineCodegen", dependencies: ["SplineModel", "SplineKernels", "FileSupport"],
            path: "Codegen/SplineCodegen", swiftSettings: swiftCPU),
        .executableTarget(
            name: "splineseg-codegen", dependencies: ["SplineCodegen"], path: "Codegen/splineseg-codegen",
            swiftSettings: swiftCPU),
        .executableTarget(
            name: "splineseg",
            dependencies: [
                "SplineSeg", "PNGIO", "NIfTIIO", "SegMetrics", "FileSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftCPU),
        // Fast fixed-shape CNN kernels (SIMD, NCHWc8) with plain reference twins.
        .target(name: "SplineKernels", dependencies: ["CSpinHint", "SplineKernelsAVX512"], swiftSettings: swiftCPU),
        // The micro-kernels for AVX-512 CPUs (x86-64-v4 code), called by SplineKernels where the
        // CPU has it (Zen 4/5, Intel Xeon since Skylake-SP): twice the FMA width of AVX2.
        .target(name: "SplineKernelsAVX512", dependencies: ["CSpinHint"], swiftSettings: swiftV4),
        // WorkerPool helpers in C: the spin-wait hint (x86 pause, arm64 yield), the current CPU,
        // moving the calling thread off a CPU (GNU extensions the Swift Glibc module hides).
        .target(name: "CSpinHint", path: "Sources/CSpinHint", cSettings: cCPU),

        // Benchmarks print numbers; they are not tests (timings are not asserted).
        .executableTarget(
            name: "splineseg-bench", dependencies: ["SplineCore"], path: "Benchmarks/splineseg-bench",
            swiftSettings: swiftCPU),
        // Process-wide malloc call counter for model-bench's allocation measurement.
        .target(name: "CMallocCounter", path: "Benchmarks/CMallocCounter", cSettings: cCPU),
        .executableTarget(
            name: "model-bench", dependencies: ["SplineSeg", "SplineModel", "SplineKernels", "SplineKernelsAVX512", "CMallocCounter"],
            path: "Benchmarks/model-bench", exclude: ["RESULTS-2026-11-26.txt"], swiftSettings: swiftCPU),
        .executableTarget(
            name: "kernel-bench", dependencies: ["SplineKernels", "SplineKernelsAVX512", "CSpinHint"], path: "Benchmarks/kernel-bench",
            swiftSettings: swiftCPU),
        .executableTarget(
            name: "wino-bench", dependencies: ["SplineKernels", "SplineKernelsAVX512"], path: "Benchmarks/wino-bench",
            exclude: ["run.sh"], swiftSettings: swiftCPU),

        .testTarget(name: "FileSupportTests", dependencies: ["FileSupport"], swiftSettings: swiftCPU),
        .testTarget(name: "SplineCoreTests", dependencies: ["SplineCore"], swiftSettings: swiftCPU),
        .testTarget(name: "PNGIOTests", dependencies: ["PNGIO"], swiftSettings: swiftCPU),
        .testTarget(name: "NIfTIIOTests", dependencies: ["NIfTIIO"], swiftSettings: swiftCPU),
        .testTarget(name: "SplineKernelsTests", dependencies: ["SplineKernels", "SplineKernelsAVX512"], swiftSettings: swiftCPU),
        .testTarget(name: "SplineSegTests", dependencies: ["SplineSeg", "SplineCore", "SplineSegGolden"], swiftSettings: swiftCPU),
        .testTarget(name: "CodegenTests", dependencies: ["SplineCodegen", "SplineModel"], swiftSettings: swiftCPU),
        .testTarget(name: "CLITests", dependencies: ["splineseg", "splineseg-layers"], swiftSettings: swiftCPU),
        .testTarget(name: "SegMetricsTests", dependencies: ["SegMetrics", "NIfTIIO"], swiftSettings: swiftCPU),
    ]
)
