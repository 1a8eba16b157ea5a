import FileSupport

/// A loaded model: the validated spec and the network with BatchNorm folded. Immutable and
/// Sendable; share one across threads and give each thread its own `Segmenter`.
public struct SplineSegModel: Sendable {
    public let spec: ModelSpec
    let network: Network

    /// Largest spec file read (specs are a few KB).
    public static let maxSpecBytes = 1 << 20
    /// Largest weights file read (VGG-Implicit2 is ~60 MB).
    public static let maxWeightsBytes = 1 << 30

    /// Loads `<name>.json` and the weights next to it (the spec's `weights` file name, default
    /// `<name>.safetensors`), checking the weights' SHA-256 against the spec.
    public static func load(specPath: String) throws(ModelError) -> SplineSegModel {
        let specBytes: [UInt8]
        do { specBytes = try readFile(specPath, maxBytes: maxSpecBytes) } catch {
            throw ModelError.file(path: specPath, reason: "cannot read the model spec: \(error)")
        }
        let spec = try ModelSpec.decode(json: specBytes)
        let dir: String
        if let slash = specPath.lastIndex(of: "/") { dir = String(specPath[...slash]) } else { dir = "" }
        var stem = String(specPath[(specPath.lastIndex(of: "/").map { specPath.index(after: $0) } ?? specPath.startIndex)...])
        if stem.hasSuffix(".json") { stem.removeLast(5) }
        let weightsPath = dir + (spec.weights ?? stem + ".safetensors")
        let weights: [UInt8]
        do { weights = try readFile(weightsPath, maxBytes: maxWeightsBytes) } catch {
            throw ModelError.file(path: weightsPath, reason: "cannot read the model weights named by \(specPath): \(error)")
        }
        return try load(spec: spec, safetensors: weights)
    }

    /// Builds a model from a spec and the safetensors bytes (checks the spec, the SHA-256, every
    /// tensor's presence, shape and finiteness).
    public static func load(spec: ModelSpec, safetensors: [UInt8]) throws(ModelError) -> SplineSegModel {
        try spec.validate()
        let digest = SHA256.hex(safetensors)
        guard digest == spec.sha256 else { throw ModelError.checksumMismatch(expected: spec.sha256, actual: digest) }
        let tensors = try SafeTensors(bytes: safetensors)
        return SplineSegModel(spec: spec, network: try NetworkBuilder.build(spec: spec, tensors: tensors))
    }

    init(spec: ModelSpec, network: Network) {
        self.spec = spec
        self.network = network
    }
}
