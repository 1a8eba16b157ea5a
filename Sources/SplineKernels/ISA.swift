// Runtime choice of the instruction set for the micro-kernels that have an AVX-512 twin
// (SplineKernelsAVX512): read once per process from the CPU (cpuid + the OS's XCR0 via
// `__builtin_cpu_supports`). SPLINESEG_ISA=avx2 in the environment keeps the AVX2 kernels
// (for A/B benchmarks and comparisons); results are bitwise the same either way, except the
// last bits of 3x3 direct convs' trailing 8-channel output blocks (`directRow16x8AVX512`) and
// 16-channel pairs (`tile16x16` for 3x3), whose AVX-512 tiles sum in another order.
import CSpinHint
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether this CPU and OS run x86-64-v4 code (AVX-512): the machine's, whatever SPLINESEG_ISA says.
public let cpuHasAVX512: Bool = splineseg_cpu_has_x86_64_v4() != 0

/// Whether the kernels use their AVX-512 micro-kernels by default: `cpuHasAVX512`, unless the
/// environment variable SPLINESEG_ISA is `avx2`.
@usableFromInline
let _wAVX512Default: Bool = {
    if let isa = getenv("SPLINESEG_ISA"), String(cString: isa) == "avx2" { return false }
    return cpuHasAVX512
}()

/// The kernels' current choice: `_wAVX512Default` unless `withKernelISA` changed it.
@usableFromInline
nonisolated(unsafe) var _wAVX512Choice: Bool? = nil

/// Whether the kernels use their AVX-512 micro-kernels now (read once per kernel call).
@inlinable
public var kernelsUseAVX512: Bool { _wAVX512Choice ?? _wAVX512Default }

/// The instruction set the kernels run with: "avx512" or "avx2" (on x86-64; "simd" elsewhere).
public var kernelISA: String {
    #if arch(x86_64)
    return kernelsUseAVX512 ? "avx512" : "avx2"
    #else
    return "simd"
    #endif
}

/// Runs `body` with the AVX-512 micro-kernels on (`avx512`, only where `cpuHasAVX512`) or
/// off, then restores the choice. For tests and benchmarks that compare the two in one
/// process: not thread-safe, so no kernel may run on another thread meanwhile, except the
/// `WorkerPool` parts of calls made inside `body`.
public func withKernelISA<R>(avx512: Bool, _ body: () throws -> R) rethrows -> R {
    precondition(!avx512 || cpuHasAVX512, "withKernelISA: this CPU has no AVX-512 (x86-64-v4)")
    let saved = _wAVX512Choice
    _wAVX512Choice = avx512
    defer { _wAVX512Choice = saved }
    return try body()
}
