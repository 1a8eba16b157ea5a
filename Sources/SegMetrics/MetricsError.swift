/// What was wrong with the input of a SegMetrics entry point, and what to do about it.
public enum MetricsError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The shape has a number of axes other than 2 or 3.
    case unsupportedDimensionality(shape: [Int])
    /// An extent is zero or negative.
    case nonPositiveExtent(shape: [Int], axis: Int)
    /// The number of voxels does not fit in an Int.
    case shapeTooLarge(shape: [Int])
    /// `spacing` does not have one entry per axis.
    case spacingCount(spacing: [Double], axes: Int)
    /// A spacing is zero, negative, infinite or NaN.
    case nonPositiveSpacing(spacing: [Double], axis: Int)
    /// A mask's length does not match the product of the shape.
    case countMismatch(name: String, count: Int, shape: [Int], expected: Int)
    /// A summary or percentile was asked of an empty list.
    case emptyList(what: String)
    /// A percentile outside 0...100 (or NaN).
    case percentileOutOfRange(Double)

    public var description: String {
        switch self {
        case .unsupportedDimensionality(let shape):
            return "shape \(shape) has \(shape.count) axes; SegMetrics supports 2-D [d0, d1] and 3-D [d0, d1, d2] masks"
        case .nonPositiveExtent(let shape, let axis):
            return "shape \(shape): extent of axis \(axis) is \(shape[axis]); every extent must be at least 1"
        case .shapeTooLarge(let shape):
            return "shape \(shape): the voxel count overflows Int; check the shape"
        case .spacingCount(let spacing, let axes):
            return "spacing \(spacing) has \(spacing.count) entries but the shape has \(axes) axes; give one spacing (mm) per axis"
        case .nonPositiveSpacing(let spacing, let axis):
            return "spacing \(spacing): axis \(axis) is \(spacing[axis]); spacings must be finite and > 0 (mm)"
        case .countMismatch(let name, let count, let shape, let expected):
            return "\(name) has \(count) voxels but shape \(shape) needs \(expected); pass masks flattened in the shape's order (d0 fastest)"
        case .emptyList(let what):
            return "\(what) of an empty list is undefined; pass at least one value"
        case .percentileOutOfRange(let q):
            return "percentile \(q) is outside 0...100"
        }
    }
}
