/// A fixed-size heap buffer of plain values with a stable base address, freed with its last
/// reference: the preprocessing's tables and rows, which `PreprocessRows` reads through raw
/// pointers on the pool's threads. An array would need one `withUnsafe...` closure per buffer
/// around that job (eight, nested); this hands out `base` directly. The caller keeps the buffer
/// alive while the pointer is in use (`withExtendedLifetime`, or a stored owner such as an
/// `inout` workspace).
final class OwnedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
    let count: Int

    /// `count` copies of `value`.
    init(repeating value: Element, count: Int) {
        self.count = count
        base = Self.allocate(count)
        base.initialize(repeating: value, count: count)
    }

    /// Element i = `element(i)`, i = 0 ..< count.
    init(count: Int, _ element: (Int) -> Element) {
        self.count = count
        base = Self.allocate(count)
        for i in 0..<count { (base + i).initialize(to: element(i)) }
    }

    /// Cache-line aligned, so the column pass's SIMD4<Double> table loads never split a line.
    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Element> {
        let n = max(count, 1)
        return UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<Element>.stride, alignment: 64)
            .bindMemory(to: Element.self, capacity: n)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "OwnedBuffer: index out of range")
        return base[i]
    }
}
