/// Floats in one 64-byte aligned allocation, freed with the last reference: what the kernels'
/// buffers are assumed to be (the engine's arena, owned packed weights, the benchmarks' tensors).
/// Why 64: every 16-float vector the AVX-512 tiles load or store at an offset that is a multiple
/// of 16 floats then sits in one cache line (the plan keeps weight and buffer offsets so). A Swift
/// array's floats start 16 or 48 bytes into a line, which splits each such access in two:
/// 8->16 @64 ran at 83 % of the FMA peak from arrays, 88-90 % from these (kernel-bench).
public final class AlignedFloats: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Float>
    public let count: Int

    /// `count` zeros.
    public convenience init(zeroed count: Int) {
        self.init(count: count) { $0.initialize(repeating: 0, count: count) }
    }

    /// A copy of `floats`.
    public convenience init(_ floats: [Float]) {
        self.init(count: floats.count) { p in
            floats.withUnsafeBufferPointer { if let s = $0.baseAddress { p.initialize(from: s, count: floats.count) } }
        }
    }

    /// At least 16 floats allocated (so a count of 0 still has a valid base); `fill` initializes
    /// the first `count`, the rest are zeroed here (each float written once).
    private init(count: Int, fill: (UnsafeMutablePointer<Float>) -> Void) {
        self.count = count
        let n = max(count, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: 4 * n, alignment: 64).bindMemory(to: Float.self, capacity: n)
        fill(base)
        (base + count).initialize(repeating: 0, count: n - count)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
