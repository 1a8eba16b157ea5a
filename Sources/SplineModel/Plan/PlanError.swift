/// Why a network could not be turned into an execution plan, or packed weights do not fit it.
public enum PlanError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A layer sequence the fast kernels do not implement.
    case unsupported(String)
    /// A weight tensor does not have the size its layer implies (internal: the builder checked shapes).
    case weights(String)

    public var description: String {
        switch self {
        case .unsupported(let m):
            return "execution plan: \(m); use the reference engine (Segmenter(model:threads:engine: .reference))"
        case .weights(let m):
            return "execution plan: \(m); re-export the model"
        }
    }
}
