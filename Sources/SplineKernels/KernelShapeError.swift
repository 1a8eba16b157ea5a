/// Thrown by the weight-packing helpers when a PyTorch tensor does not have the
/// size its declared shape implies.
public struct KernelShapeError: Error, CustomStringConvertible, Equatable, Sendable {
    public let what: String
    public let expected: Int
    public let actual: Int

    public init(what: String, expected: Int, actual: Int) {
        self.what = what
        self.expected = expected
        self.actual = actual
    }

    public var description: String {
        "SplineKernels weight packing: \(what) has \(actual) values, expected \(expected); "
            + "check the layer's channel counts against the checkpoint tensor shapes"
    }
}
