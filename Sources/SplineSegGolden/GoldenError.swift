/// Why a golden fixture could not be loaded or compared: each case says what was wrong and
/// what to do.
public enum GoldenError: Error, CustomStringConvertible, Sendable {
    case unreadable(path: String, reason: String)
    case badIndex(path: String, reason: String)
    case unknownFormat(path: String, format: String)
    case missingTensor(fixture: String, tensor: String)
    case weightsMismatch(fixture: String, detail: String)
    case modelUnavailable(fixture: String, reason: String)
    case layerMismatch(fixture: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let p, let r): return "cannot read \(p): \(r)"
        case .badIndex(let p, let r): return "\(p) is not a golden fixture index: \(r)"
        case .unknownFormat(let p, let f):
            return "\(p): format '\(f)' is neither splineseg-golden/1 nor splineseg-golden-shipped/1 (write fixtures with tools/export_golden.py)"
        case .missingTensor(let n, let t): return "\(n): tensor '\(t)' is missing from the fixture's safetensors (re-export the fixture)"
        case .weightsMismatch(let n, let d): return "\(n): \(d)"
        case .modelUnavailable(let n, let r): return "\(n): cannot load the model: \(r)"
        case .layerMismatch(let n, let d): return "\(n): \(d)"
        }
    }
}
