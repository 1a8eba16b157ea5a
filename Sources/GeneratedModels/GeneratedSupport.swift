import SplineKernels

/// What a generated function's parallel steps read (their closures capture nothing, so they
/// convert to WorkerPool.Job and run without allocating): the arena, the packed weights and
/// the first Winograd scratch slot.
public struct GeneratedFrame {
    public let arena: UnsafeMutablePointer<Float>
    public let weights: UnsafePointer<Float>
    public let scratch: UnsafeMutablePointer<Float>

    public init(arena: UnsafeMutablePointer<Float>, weights: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        self.arena = arena
        self.weights = weights
        self.scratch = scratch
    }
}

/// Zeroes the halo of a padded NCHWc8 buffer [blocks][height+2][width+2][8] whose memory is
/// shared with other buffers (the dynamic executor's `prepareBuffer(.halo)`).
@inlinable
public func generatedZeroHalo(_ p: UnsafeMutablePointer<Float>, blocks: Int, height: Int, width: Int) {
    let rs = (width + 2) * 8, bs = (height + 2) * rs
    for b in 0..<blocks {
        let q = p + b * bs
        q.update(repeating: 0, count: rs)
        (q + (height + 1) * rs).update(repeating: 0, count: rs)
        for y in 1...height {
            (q + y * rs).update(repeating: 0, count: 8)
            (q + y * rs + (width + 1) * 8).update(repeating: 0, count: 8)
        }
    }
}
