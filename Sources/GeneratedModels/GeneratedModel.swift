import SplineKernels

/// One code-generated model (splineseg-codegen): a straight-line function running its
/// ExecutionPlan with literal shapes and offsets, identified by the weights' and the plan's
/// hashes. SplineSeg runs it instead of the dynamic executor when both hashes match.
public struct GeneratedModel: Sendable {
    public let name: String
    /// SHA-256 of the spec JSON and of the safetensors weights it was generated from.
    public let specSHA256: String
    public let weightsSHA256: String
    /// `ExecutionPlan.hash` of the plan it implements.
    public let planHash: String
    /// Arena activation floats (Winograd scratch slots follow), packed weight floats.
    public let activationFloats: Int
    public let scratchFloatsPerThread: Int
    public let weightFloats: Int
    /// run(arena, weights, scratch (slot 0; slot t at + t * scratchFloatsPerThread), pool): parallel
    /// steps run on `pool.threads` threads.
    public let run: @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, WorkerPool) -> Void

    public init(
        name: String, specSHA256: String, weightsSHA256: String, planHash: String, activationFloats: Int,
        scratchFloatsPerThread: Int, weightFloats: Int,
        run: @escaping @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, WorkerPool) -> Void
    ) {
        self.name = name
        self.specSHA256 = specSHA256
        self.weightsSHA256 = weightsSHA256
        self.planHash = planHash
        self.activationFloats = activationFloats
        self.scratchFloatsPerThread = scratchFloatsPerThread
        self.weightFloats = weightFloats
        self.run = run
    }
}
