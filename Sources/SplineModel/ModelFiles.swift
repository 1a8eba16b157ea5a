import FileSupport

/// Reading a model's files: `<name>.json` and the weights file it names (default
/// `<name>.safetensors`) or the code generator's `<name>.sspack`, next to it.
package enum ModelFiles {
    /// Largest spec file read (specs are a few KB).
    package static let maxSpecBytes = 1 << 20
    /// Largest weights / pack file read (VGG-Implicit2 is ~60 MB, its Winograd pack ~4x).
    package static let maxWeightsBytes = 1 << 30

    /// The spec's bytes and the decoded, validated spec.
    package static func spec(at path: String) throws(ModelError) -> (bytes: [UInt8], spec: ModelSpec) {
        let bytes: [UInt8]
        do { bytes = try readFile(path, maxBytes: maxSpecBytes) } catch {
            throw ModelError.file(path: path, reason: "cannot read the model spec: \(error)")
        }
        return (bytes, try ModelSpec.decode(json: bytes))
    }

    /// Path of the safetensors weights the spec at `specPath` names.
    package static func weightsPath(specPath: String, spec: ModelSpec) -> String {
        sibling(specPath, spec.weights ?? stem(specPath) + ".safetensors")
    }

    /// Path of the code generator's packed weights next to the spec: `<stem>.sspack`.
    package static func packPath(specPath: String) -> String { sibling(specPath, stem(specPath) + ".sspack") }

    package static func read(_ path: String, for specPath: String, what: String) throws(ModelError) -> [UInt8] {
        do { return try readFile(path, maxBytes: maxWeightsBytes) } catch {
            throw ModelError.file(path: path, reason: "cannot read the \(what) of the spec \(specPath): \(error)")
        }
    }

    /// `name` in the directory of `path`.
    package static func sibling(_ path: String, _ name: String) -> String {
        if let slash = path.lastIndex(of: "/") { return String(path[...slash]) + name }
        return name
    }

    /// File name of `path` without directory and `.json`.
    package static func stem(_ path: String) -> String {
        var s = String(path[(path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex)...])
        if s.hasSuffix(".json") { s.removeLast(5) }
        return s
    }
}
