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

