/// A validated voxel grid: 2-D shapes become 3-D with n2 = 1 (the flat index i + n0·(j + n1·k)
/// is unchanged); `rank` remembers whether axis 2 is real, which matters for face neighbours.
struct Grid: Sendable {
    let rank: Int
    let shape: [Int]
    let n0: Int, n1: Int, n2: Int
    /// Spacing in mm; s2 is 1 (unused) for 2-D.
    let s0: Double, s1: Double, s2: Double
    let count: Int

    init(shape: [Int], spacing: [Double]) throws(MetricsError) {
        guard shape.count == 2 || shape.count == 3 else { throw .unsupportedDimensionality(shape: shape) }
        for (axis, n) in shape.enumerated() where n < 1 { throw .nonPositiveExtent(shape: shape, axis: axis) }
        guard spacing.count == shape.count else { throw .spacingCount(spacing: spacing, axes: shape.count) }
        for (axis, s) in spacing.enumerated() where !(s > 0 && s.isFinite) {
            throw .nonPositiveSpacing(spacing: spacing, axis: axis)
        }
        var total = 1
        for n in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: n)
            if overflow { throw .shapeTooLarge(shape: shape) }
            total = product
        }
        rank = shape.count
        self.shape = shape
        n0 = shape[0]
        n1 = shape[1]
        n2 = rank == 3 ? shape[2] : 1
        s0 = spacing[0]
        s1 = spacing[1]
        s2 = rank == 3 ? spacing[2] : 1
        count = total
    }

    func check(_ mask: [UInt8], name: String) throws(MetricsError) {
        guard mask.count == count else {
            throw .countMismatch(name: name, count: mask.count, shape: shape, expected: count)
        }
    }
}
