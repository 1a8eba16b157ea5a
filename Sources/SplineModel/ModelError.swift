/// Why a model (spec JSON + safetensors weights) could not be loaded. Every case says what was
/// wrong and what to do; loading never traps on a malformed or hostile file.
public enum ModelError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The spec or weights file at `path` could not be read (missing, unreadable, too large);
    /// `reason` is the whole message, path included.
    case file(path: String, reason: String)
    /// The spec is not valid JSON or lacks / mistypes a field.
    case specSyntax(String)
    /// The spec parses but is inconsistent or unsupported (format, architecture, sizes).
    case specInvalid(String)
    /// The safetensors container is malformed (header, offsets, dtype).
    case safetensors(String)
    /// The weights file's SHA-256 differs from the spec's `sha256`.
    case checksumMismatch(expected: String, actual: String)
    /// A tensor the architecture needs is absent.
    case missingTensor(name: String, expectedShape: [Int])
    /// A tensor has a different shape than the architecture needs.
    case tensorShape(name: String, expected: [Int], got: [Int])
    /// A weight is NaN or infinite.
    case nonFiniteWeight(name: String)
    /// Packed weights (.sspack, built-in) do not belong to the spec or to this runtime's plan.
    case packMismatch(String)
    /// No built-in model has this name.
    case unknownBuiltIn(name: String, available: [String])

    public var description: String {
        switch self {
        case .file(_, let reason):
            return reason
        case .specSyntax(let m):
            return "model spec: \(m); re-export it with tools/export.py"
        case .specInvalid(let m):
            return "model spec: \(m)"
        case .safetensors(let m):
            return "weights (safetensors): \(m); the file is damaged or not a SplineSeg export, re-export it"
        case .checksumMismatch(let e, let a):
            return "weights file does not match the spec: re-export (spec sha256 \(e), file sha256 \(a))"
        case .missingTensor(let n, let s):
            return "weights: tensor '\(n)' (shape \(s)) is missing; the weights do not belong to this architecture, re-export"
        case .tensorShape(let n, let e, let g):
            return "weights: tensor '\(n)' has shape \(g), the spec's architecture needs \(e); re-export"
        case .packMismatch(let m):
            return "packed weights: \(m); regenerate them with `swift run splineseg-codegen weights/<name>.json` (add --builtin for a built-in model) and rebuild"
        case .unknownBuiltIn(let n, let a):
            return "no built-in model '\(n)'; built in: \(a.isEmpty ? "none (build one in with splineseg-codegen --builtin)" : a.joined(separator: ", "))"
        case .nonFiniteWeight(let n):
            return "weights: tensor '\(n)' contains NaN or infinite values; the model diverged, retrain or re-export"
        }
    }
}
