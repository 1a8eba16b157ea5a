import SplineKernels
import SplineModel

/// The packed weights of an ExecutionPlan, in the order the kernels read them: owned floats
/// (packed at load, or read from a .sspack) or floats embedded in the binary (built-in models).
struct PackedWeights: @unchecked Sendable {
    private enum Storage {
        case owned([Float])
        /// Read-only memory that lives as long as the process (the binary's .rodata).
        case embedded(UnsafePointer<Float>, count: Int)
    }
    private let storage: Storage

    init(_ floats: [Float]) { storage = .owned(floats) }
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
        case .owned(let a): return a.withUnsafeBufferPointer { body($0.baseAddress ?? UnsafePointer(bitPattern: 64)!) }
        case .embedded(let p, _): return body(p)
        }
    }
}

/// A compiled-in straight-line function for one plan (GeneratedModels):
/// run(arena, weights, scratch, pool).
struct GeneratedEntry: Sendable {
    let run: @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, WorkerPool) -> Void
}
