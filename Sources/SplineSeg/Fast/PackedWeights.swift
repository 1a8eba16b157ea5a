import SplineKernels
import SplineModel

/// The packed weights of an ExecutionPlan, in the order the kernels read them: owned floats
/// (packed at load, or read from a .sspack) or floats embedded in the binary (built-in models).
/// Both start 64-byte aligned: the plan puts every layer's weights at a multiple of 16 floats, so
/// each 16-float weight vector the AVX-512 tiles load sits in one cache line (a Swift array's
/// floats start 16 or 48 bytes into a line, and a load across two lines costs two).
struct PackedWeights: @unchecked Sendable {
    private enum Storage {
        case owned(AlignedFloats)
        /// Read-only memory that lives as long as the process (the binary's .rodata, `.balign 64`).
        case embedded(UnsafePointer<Float>, count: Int)
    }
    private let storage: Storage

    init(_ floats: [Float]) { storage = .owned(AlignedFloats(floats)) }
    init(embedded p: UnsafePointer<Float>, count: Int) { storage = .embedded(p, count: count) }

    var count: Int {
        switch storage {
        case .owned(let a): return a.count
        case .embedded(_, let n): return n
        }
    }

    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<Float>) -> R) -> R {
        switch storage {
        case .owned(let a): return body(UnsafePointer(a.base))
        case .embedded(let p, _): return body(p)
        }
    }
}

/// A compiled-in straight-line function for one plan (GeneratedModels):
/// run(arena, weights, scratch, pool).
struct GeneratedEntry: Sendable {
    let run: @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, WorkerPool) -> Void
}
