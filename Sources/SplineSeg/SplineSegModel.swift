import SplineModel

/// A loaded model: the validated spec, its execution plan with packed weights (fast engine) and,
/// when loaded from safetensors, the reference network (BatchNorm folded). Immutable and
/// Sendable; share one across threads and give each thread its own `Segmenter`.
public struct SplineSegModel: Sendable {
    public let spec: ModelSpec
    /// The reference CHW network; nil for packed-only models (built-in, .sspack).
    let network: Network?
    /// The fast engine's plan (policy `.auto`) and its packed weights.
    public let plan: ExecutionPlan
    let packedWeights: PackedWeights
    /// `plan.hash`, computed once.
    public let planHash: String

    /// Largest spec file read (specs are a few KB).
    public static let maxSpecBytes = ModelFiles.maxSpecBytes
    /// Largest weights file read (VGG-Implicit2 is ~60 MB).
    public static let maxWeightsBytes = ModelFiles.maxWeightsBytes

    /// Loads `<name>.json` and the weights next to it (the spec's `weights` file name, default
    /// `<name>.safetensors`), checking the weights' SHA-256 against the spec.
    public static func load(specPath: String) throws(ModelError) -> SplineSegModel {
        let spec = try ModelFiles.spec(at: specPath).spec
        let path = ModelFiles.weightsPath(specPath: specPath, spec: spec)
        return try load(spec: spec, safetensors: try ModelFiles.read(path, for: specPath, what: "weights named by the spec"))
    }

    /// Builds a model from a spec and the safetensors bytes (checks the spec, the SHA-256, every
    /// tensor's presence, shape and finiteness), plans it and packs its weights.
    public static func load(spec: ModelSpec, safetensors: [UInt8]) throws(ModelError) -> SplineSegModel {
        try spec.validate()
        let digest = SHA256.hex(safetensors)
        guard digest == spec.sha256 else { throw ModelError.checksumMismatch(expected: spec.sha256, actual: digest) }
        let tensors = try SafeTensors(bytes: safetensors)
        let network = try NetworkBuilder.build(spec: spec, tensors: tensors)
        let built: (plan: ExecutionPlan, weights: [Float])
        do { built = try ExecutionPlan.build(network: network, policy: .auto) } catch {
            throw ModelError.specInvalid(error.description)
        }
        return SplineSegModel(spec: spec, network: network, plan: built.plan, weights: PackedWeights(built.weights))
    }

    init(spec: ModelSpec, network: Network?, plan: ExecutionPlan, weights: PackedWeights) {
        self.spec = spec
        self.network = network
        self.plan = plan
        self.packedWeights = weights
        planHash = plan.hash
    }
}
