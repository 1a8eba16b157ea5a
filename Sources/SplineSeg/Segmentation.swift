import SplineModel
import SplineCore

/// The result for one slice: the coefficient grid and the spline evaluated on the slice's own
/// H x W pixel grid (through the inverse of the preprocessing geometry).
public struct Segmentation: Sendable {
    public let width: Int, height: Int
    /// O x O row-major, C[k, l] = (row, column).
    public let coefficients: [Float]
    /// F on the native H x W grid, row-major.
    public let values: [Float]
    /// 0/1 per pixel: 1 where F > 0 (F = 0 is background).
    public let mask: [UInt8]
    /// The implicit spline F (parameter domain [0, O-p]^2).
    public let spline: ImplicitSpline
    let grid: NativeGrid
    let threads: Int

    init(coefficients: [Float], size: Int, degree: Int, grid: NativeGrid, threads: Int) throws(SegmentationError) {
        // The network produced O*O values and the spec guarantees 0 <= p < O, so this cannot fail.
        guard let spline = try? ImplicitSpline(size: size, degree: degree, coefficients: coefficients),
              let v = try? grid.evaluate(spline, scale: 1, threads: threads)
        else { preconditionFailure("Segmentation: spline of O = \(size), p = \(degree) rejected (internal bug)") }
        self.init(spline: spline, values: v.values, grid: grid, threads: threads)
    }

    /// From values already evaluated on `grid` (the fast engine's).
    init(spline: ImplicitSpline, values: [Float], grid: NativeGrid, threads: Int) {
        self.width = grid.width
        self.height = grid.height
        self.coefficients = spline.coefficients
        self.spline = spline
        self.values = values
        self.mask = ImplicitSpline.mask(values: values)
        self.grid = grid
        self.threads = threads
    }

    /// Sub-pixel zero set (F = 0) on the native grid, in native pixel coordinates
    /// (x = column, y = row), with its enclosed area.
    public func contours() -> ContourSet {
        let e = spline.basis.knots.domainEnd
        let rowMap = AxisMap(points: grid.rowPoints, offset: grid.top, domainEnd: e)
        let colMap = AxisMap(points: grid.columnPoints, offset: grid.left, domainEnd: e)
        guard let pg = try? PixelGrid(rows: height, cols: width),
              let set = try? spline.contours(grid: pg, values: values, rowMap: rowMap, columnMap: colMap)
        else { preconditionFailure("Segmentation.contours: grid \(height) x \(width) rejected (internal bug)") }
        return set
    }

    /// F at `scale` times the native resolution: (scale(H-1)+1) x (scale(W-1)+1) points at
    /// native pixel coordinates k/scale, row-major. scale = 1 gives `values`.
    public func values(scale: Int) throws(SegmentationError) -> RefinedValues {
        guard scale >= 1, scale <= Segmenter.maxSide else { throw SegmentationError.invalidScale(scale) }
        let (r, ro) = (height - 1).multipliedReportingOverflow(by: scale)
        let (c, co) = (width - 1).multipliedReportingOverflow(by: scale)
        guard !ro, !co, r < Segmenter.maxSide * 4, c < Segmenter.maxSide * 4,
              (r + 1).multipliedReportingOverflow(by: c + 1).partialValue <= Segmenter.maxPixels
        else { throw SegmentationError.invalidScale(scale) }
        guard let v = try? grid.evaluate(spline, scale: scale, threads: threads) else {
            preconditionFailure("Segmentation.values(scale:): evaluation rejected (internal bug)")
        }
        return RefinedValues(width: v.cols, height: v.rows, scale: scale, values: v.values)
    }
}

/// F on a refined native grid: `height` x `width` points, row-major; point (i, j) sits at
/// native pixel coordinates (row i/scale, column j/scale).
public struct RefinedValues: Sendable {
    public let width: Int, height: Int, scale: Int
    public let values: [Float]
}
