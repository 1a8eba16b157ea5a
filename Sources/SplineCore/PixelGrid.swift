/// An H x W pixel grid (rows x cols) onto which the spline's parameter square [0, O-p]^2 is
/// mapped: pixel index i of an n-point axis sits at s = (O-p) i / (n-1); for n = 1 at s = 0.
/// Pixel coordinates are (x = column, y = row), fractional values allowed.
public struct PixelGrid: Sendable, Equatable {
    public let rows: Int
    public let cols: Int

    public init(rows: Int, cols: Int) throws(SplineError) {
        guard rows >= 1, cols >= 1 else { throw SplineError.emptyGrid(rows: rows, cols: cols) }
        _ = try checkedProduct(rows, cols, "grid \(rows) x \(cols)")
        self.rows = rows
        self.cols = cols
    }

    public var count: Int { rows * cols }

    /// Parameter of pixel coordinate `index` on an axis of `count` points.
    @inline(__always)
    public static func parameter(index: Double, count: Int, domainEnd: Double) -> Double {
        count > 1 ? domainEnd * index / Double(count - 1) : 0
    }

    /// ds/d(pixel) on an axis of `count` points (0 for a single point: s does not move).
    @inline(__always)
    public static func parameterPerPixel(count: Int, domainEnd: Double) -> Double {
        count > 1 ? domainEnd / Double(count - 1) : 0
    }
}
