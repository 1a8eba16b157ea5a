/// Plain values in one 64-byte aligned allocation, freed with the last reference; `base` stays
/// put, so code on several threads can hold raw pointers into it while an owner keeps it alive.
/// `AlignedFloats` is what the kernels' buffers are assumed to be (the engine's arena, owned
/// packed weights, the benchmarks' tensors); the preprocessing keeps its tables and rows in
/// `AlignedBuffer<Int>` / `<Double>` / taps.
/// Why 64: every 16-float vector the AVX-512 tiles load or store at an offset that is a multiple
/// of 16 floats then sits in one cache line (the plan keeps weight and buffer offsets so). A Swift
/// array's floats start 16 or 48 bytes into a line, which splits each such access in two:
/// 8->16 @64 ran at 83 % of the FMA peak from arrays, 88-90 % from these (kernel-bench); the
/// preprocessing's SIMD4<Double> table loads measured 6 % slower from 16-byte aligned buffers.
public final class AlignedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<Element>
    public let count: Int

    /// `count` copies of `value`.
    public convenience init(repeating value: Element, count: Int) {
        self.init(count: count) { $0.initialize(repeating: value, count: count) }
    }

    /// A copy of `elements`.
    public convenience init(_ elements: [Element]) {
        self.init(count: elements.count) { p in
            elements.withUnsafeBufferPointer { if let s = $0.baseAddress { p.initialize(from: s, count: elements.count) } }
        }
    }

    /// Element i = `element(i)`, i = 0 ..< count.
    public convenience init(count: Int, _ element: (Int) -> Element) {
        self.init(count: count) { p in for i in 0..<count { (p + i).initialize(to: element(i)) } }
    }

    /// At least 64 bytes allocated (16 floats: a count of 0 still has a valid base, and a short
    /// float buffer still holds one zmm); `fill` initializes the first `count` elements, the
    /// bytes after them are zeroed here (each written once).
    private init(count: Int, fill: (UnsafeMutablePointer<Element>) -> Void) {
        self.count = count
        let stride = MemoryLayout<Element>.stride
        let n = max(count, (64 + stride - 1) / stride)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: n * stride, alignment: 64)
        (raw + count * stride).initializeMemory(as: UInt8.self, repeating: 0, count: (n - count) * stride)
        base = raw.bindMemory(to: Element.self, capacity: n)
        fill(base)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// Element `i` (checked; the kernels read `base`).
    public subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "AlignedBuffer: index \(i) out of 0..<\(count)")
        return base[i]
    }
}

public typealias AlignedFloats = AlignedBuffer<Float>

extension AlignedBuffer where Element == Float {
    /// `count` zeros.
    public convenience init(zeroed count: Int) { self.init(repeating: 0, count: count) }
}
