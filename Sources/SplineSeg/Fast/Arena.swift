/// One zeroed, 64-byte aligned block of Floats owned by an engine: the plan's activations and
/// per-thread Winograd scratch (see ExecutionPlan). Zeroing at creation zeroes every halo once.
final class Arena {
    let base: UnsafeMutablePointer<Float>
    let count: Int

    init(floats: Int) {
        count = max(floats, 16)
        let raw = UnsafeMutableRawPointer.allocate(byteCount: 4 * count, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: count)
        base = raw.assumingMemoryBound(to: Float.self)
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }
}
