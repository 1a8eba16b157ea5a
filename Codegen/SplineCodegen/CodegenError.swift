import SplineModel

/// Why code generation failed; each case says what to do.
public enum CodegenError: Error, CustomStringConvertible {
    case model(ModelError)
    case plan(PlanError)
    case io(path: String, reason: String)
    case usage(String)

    public var description: String {
        switch self {
        case .model(let e): return "\(e)"
        case .plan(let e): return "\(e)"
        case .io(let path, let reason): return "\(path): \(reason); check the path and permissions"
        case .usage(let m): return m
        }
    }
}
