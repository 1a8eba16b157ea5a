import FileSupport
import Foundation
import SplineModel
import SplineSeg

/// A golden fixture written by the training side: a raw slice, PyTorch's network input, every
/// layer's output (whole, or a strided sample for the shipped models), coefficients, native-grid
/// values and mask, plus the model they came from.
///
/// - `splineseg-golden/1` (tools/splineseg_train/golden.py, `Tests/Fixtures/golden`): small
///   instances of each architecture; the weights are regenerated from the fixture's recipe and
///   checked by sha256 and against the library's tensor manifest.
/// - `splineseg-golden-shipped/1` (`tools/export_golden.py --shipped`,
///   `Tests/Fixtures/golden-shipped`): a shipped model's spec and weights, named by a path
///   relative to the repository root and checked by the spec's sha256.
public struct GoldenFixture {
    public enum Kind: String, Sendable { case generated = "splineseg-golden/1", shipped = "splineseg-golden-shipped/1" }

    /// One layer PyTorch recorded: shape [1, C, H, W]; the fixture holds elements 0, stride,
    /// 2 stride, ... (`count` of them) of the CHW values; `maxAbs` is max |value| over the whole
    /// layer (nil when the fixture holds it whole: computed from the values).
    public struct Layer: Sendable {
        public let name: String, tensor: String, shape: [Int], stride: Int, count: Int
        public let maxAbs: Double?
    }

    public let name: String
    public let kind: Kind
    public let model: SplineSegModel
    public let rawHeight: Int, rawWidth: Int
    /// The raw slice (rawHeight x rawWidth, row-major) and PyTorch's network input (I x I).
    public let raw: [Float], input: [Float]
    public let layers: [Layer]
    public let coefficients: [Float], nativeValues: [Float], mask: [UInt8]
    package let tensors: SafeTensors

    /// The fixture's values for `layer` (whole, or the strided sample).
    public func reference(_ layer: Layer) throws(GoldenError) -> [Float] {
        try Self.floats(tensors, layer.tensor, fixture: name)
    }

    private static func floats(_ tensors: SafeTensors, _ t: String, fixture: String) throws(GoldenError) -> [Float] {
        guard let v = tensors.floats(t) else { throw .missingTensor(fixture: fixture, tensor: t) }
        return v
    }

    private struct Index: Decodable {
        struct Model: Decodable {
            let architecture: String, input: Int, coefficients: Int, degree: Int
            let depth: Int?, bottleneck: Int?, filters: Int?
            let preprocessing: ModelSpec.Preprocessing
        }
        struct Weights: Decodable {
            let sha256: String
            let seed: UInt64?, tensors: [GoldenWeights.Recipe]?  // generated
            let spec: String?  // shipped
        }
        struct Layer: Decodable { let name: String, tensor: String, shape: [Int], stride: Int?, count: Int?, max_abs: Double? }
        let name: String?, file: String?
        let model: Model?
        let weights: Weights
        let layers: [Layer]
        let raw_shape: [Int]
    }

    /// Loads `<name>.json` and the safetensors beside it. A shipped fixture's model spec is
    /// looked up under `root` when given, else under the fixture's folder and each folder above
    /// it, then the current directory (the fixtures live in <repository>/Tests/Fixtures/...).
    public static func load(indexPath: String, root: String? = nil) throws(GoldenError) -> GoldenFixture {
        let url = URL(fileURLWithPath: indexPath)
        let json: [UInt8]
        do { json = try readFile(indexPath, maxBytes: 16 << 20) } catch { throw .unreadable(path: indexPath, reason: "\(error)") }
        struct Head: Decodable { let format: String }
        let format: String
        do { format = try JSONDecoder().decode(Head.self, from: Data(json)).format } catch {
            throw .badIndex(path: indexPath, reason: "no \"format\" string (\(error))")
        }
        guard let kind = Kind(rawValue: format) else { throw .unknownFormat(path: indexPath, format: format) }
        let idx: Index
        do { idx = try JSONDecoder().decode(Index.self, from: Data(json)) } catch {
            throw .badIndex(path: indexPath, reason: "\(error)")
        }
        let name = idx.name ?? url.deletingPathExtension().lastPathComponent
        guard idx.raw_shape.count == 2, idx.raw_shape.allSatisfy({ $0 >= 1 }) else {
            throw .badIndex(path: indexPath, reason: "raw_shape \(idx.raw_shape) is not [height, width]")
        }
        let tensorsPath = url.deletingLastPathComponent().appendingPathComponent(idx.file ?? name + ".safetensors").path
        let tensors: SafeTensors
        do { tensors = try SafeTensors(bytes: try readFile(tensorsPath)) } catch {
            throw .unreadable(path: tensorsPath, reason: "\(error)")
        }

        let model: SplineSegModel
        switch kind {
        case .generated: model = try generatedModel(idx, name)
        case .shipped: model = try shippedModel(idx, name, near: url, root: root)
        }

        func floats(_ t: String) throws(GoldenError) -> [Float] { try Self.floats(tensors, t, fixture: name) }
        guard let mask = tensors.uint8s("mask") else { throw .missingTensor(fixture: name, tensor: "mask") }
        let layers = idx.layers.map { l in
            Layer(name: l.name, tensor: l.tensor, shape: l.shape, stride: l.stride ?? 1,
                  count: l.count ?? l.shape.reduce(1, *), maxAbs: l.max_abs)
        }
        return GoldenFixture(
            name: name, kind: kind, model: model, rawHeight: idx.raw_shape[0], rawWidth: idx.raw_shape[1],
            raw: try floats("raw"), input: try floats("input"), layers: layers,
            coefficients: try floats("coefficients"), nativeValues: try floats("values"), mask: mask, tensors: tensors)
    }

    /// The recipe's weights, checked against the fixture's sha256 and the library's manifest.
    private static func generatedModel(_ idx: Index, _ name: String) throws(GoldenError) -> SplineSegModel {
        guard let m = idx.model, let seed = idx.weights.seed, let recipe = idx.weights.tensors else {
            throw .badIndex(path: name, reason: "a splineseg-golden/1 index needs model, weights.seed and weights.tensors")
        }
        let tensors = GoldenWeights.regenerate(seed: seed, recipe)
        let bytes = SafeTensors.encode(tensors)
        // The fixture's hash is of the float32 data alone: the end of the file.
        let dataSHA = SHA256.hex(Array(bytes.suffix(4 * tensors.reduce(0) { $0 + $1.values.count })))
        guard dataSHA == idx.weights.sha256 else {
            throw .weightsMismatch(fixture: name, detail: "regenerated weights hash to \(dataSHA), the fixture says \(idx.weights.sha256) (generator changed?)")
        }
        var spec = ModelSpec(name: name, architecture: m.architecture, input: m.input, coefficients: m.coefficients,
                             degree: m.degree, depth: m.depth, bottleneck: m.bottleneck, filters: m.filters,
                             preprocessing: m.preprocessing, sha256: "")
        // The library's list of tensors for the architecture must equal PyTorch's state_dict.
        let manifest = NetworkBuilder.manifest(spec: spec)
        guard manifest.map(\.name) == recipe.map(\.name), manifest.map(\.shape) == recipe.map(\.shape) else {
            let first = zip(manifest, recipe).first { $0.0.name != $0.1.name || $0.0.shape != $0.1.shape }
            let detail = first.map { "library \($0.0.name) \($0.0.shape), PyTorch \($0.1.name) \($0.1.shape)" }
                ?? "library \(manifest.count) tensors, PyTorch \(recipe.count)"
            throw .weightsMismatch(fixture: name, detail: "tensor manifest differs from PyTorch's state_dict: \(detail)")
        }
        spec.sha256 = SHA256.hex(bytes)
        do { return try SplineSegModel.load(spec: spec, safetensors: bytes) } catch {
            throw .modelUnavailable(fixture: name, reason: error.description)
        }
    }

    /// The shipped model the fixture names, checked by sha256.
    private static func shippedModel(_ idx: Index, _ name: String, near url: URL, root: String?) throws(GoldenError) -> SplineSegModel {
        guard let rel = idx.weights.spec else { throw .badIndex(path: url.path, reason: "weights.spec missing") }
        var bases: [URL] = []
        if let root { bases = [URL(fileURLWithPath: root)] } else {
            var dir = url.deletingLastPathComponent().standardizedFileURL
            while dir.path != "/" {
                bases.append(dir)
                dir = dir.deletingLastPathComponent()
            }
            bases.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        guard let specURL = bases.map({ $0.appendingPathComponent(rel) }).first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            throw .modelUnavailable(fixture: name, reason: "\(rel) not found under \(root ?? "the fixture's folders or the current directory") (pass the repository root)")
        }
        let model: SplineSegModel
        do { model = try SplineSegModel.load(specPath: specURL.path) } catch {
            throw .modelUnavailable(fixture: name, reason: "\(specURL.path): \(error.description)")
        }
        guard model.spec.sha256 == idx.weights.sha256 else {
            throw .weightsMismatch(fixture: name, detail: "\(specURL.path) has weights \(model.spec.sha256), the fixture was made from \(idx.weights.sha256): re-export it with tools/export_golden.py --shipped")
        }
        return model
    }
}
