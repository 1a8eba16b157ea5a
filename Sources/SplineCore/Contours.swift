/// One closed polyline of the zero set, in pixel coordinates (x = column, y = row); the last
/// point connects back to the first.
///
/// Orientation: the foreground (F > 0) lies to the left when walking the points in the (x, y)
/// frame, so `signedArea` = 1/2 sum (x_i y_i+1 - x_i+1 y_i) is positive for an outer boundary
/// and negative for a hole. (On screen, with rows going down, outer boundaries run clockwise.)
public struct Contour: Sendable, Equatable {
    public let points: [SIMD2<Double>]
    public let signedArea: Double
    public var isHole: Bool { signedArea < 0 }

    init(points: [SIMD2<Double>]) {
        self.points = points
        var a = 0.0
        for k in points.indices {
            let p = points[k], q = points[(k + 1) % points.count]
            a += p.x * q.y - q.x * p.y
        }
        signedArea = a / 2
    }
}

/// All zero-set contours of a spline on a pixel grid.
///
/// The foreground region is {F > 0} restricted to the rectangle spanned by the pixel centres,
/// [0, W-1] x [0, H-1]; contours that reach the image border are closed along it (the grid is
/// padded with a ring of virtual background pixels whose edge crossings sit exactly on the
/// border pixels). `area` is therefore the area of that region in pixel units; `foregroundPixels`
/// counts mask pixels, which differs from the area by about half the border/perimeter length.
public struct ContourSet: Sendable, Equatable {
    public let grid: PixelGrid
    public let contours: [Contour]
    /// Mask pixel count (F > 0) on the grid.
    public let foregroundPixels: Int

    /// Enclosed area in pixels: outer boundaries minus holes (sum of signed areas).
    public var area: Double { contours.reduce(0) { $0 + $1.signedArea } }

    /// Enclosed area in mm^2 for a pixel spacing of (row, column) millimetres.
    public func area(spacing: (row: Double, column: Double)) throws(SplineError) -> Double {
        guard spacing.row.isFinite, spacing.column.isFinite, spacing.row > 0, spacing.column > 0 else {
            throw SplineError.invalidSpacing(row: spacing.row, column: spacing.column)
        }
        return area * spacing.row * spacing.column
    }

    /// Mask area in mm^2 (pixel count times pixel area).
    public func maskArea(spacing: (row: Double, column: Double)) throws(SplineError) -> Double {
        guard spacing.row.isFinite, spacing.column.isFinite, spacing.row > 0, spacing.column > 0 else {
            throw SplineError.invalidSpacing(row: spacing.row, column: spacing.column)
        }
        return Double(foregroundPixels) * spacing.row * spacing.column
    }
}

extension ImplicitSpline {
    /// Contours of F on an H x W pixel grid (evaluates the grid first).
    public func contours(rows h: Int, cols w: Int, threads: Int = 1) throws(SplineError) -> ContourSet {
        let grid = try PixelGrid(rows: h, cols: w)
        return try contours(grid: grid, values: evaluate(grid: grid, threads: threads))
    }

    /// Contours from already evaluated grid values (H*W, row-major), by marching squares.
    ///
    /// Topology comes from `values` (so it agrees with the mask); each edge crossing is then
    /// refined on the spline itself by Illinois false position along the edge, using exact Double
    /// point evaluation, to ~1e-9 px. Saddle cells (diagonal corners foreground) are resolved by
    /// the exact spline value at the cell centre: centre > 0 joins the two foreground corners.
    public func contours(grid: PixelGrid, values: [Float]) throws(SplineError) -> ContourSet {
        let e = basis.knots.domainEnd
        return try contours(
            grid: grid, values: values,
            rowMap: AxisMap(points: grid.rows, offset: 0, domainEnd: e),
            columnMap: AxisMap(points: grid.cols, offset: 0, domainEnd: e))
    }

    /// Contours from grid values (H*W, row-major) whose pixel coordinates map to spline
    /// parameters through `rowMap`/`columnMap` (e.g. a window of a padded square, SplineSeg's
    /// pad-square geometry); `contours(grid:values:)` is the plain case (offset 0, the whole axis).
    public func contours(
        grid: PixelGrid, values: [Float], rowMap: AxisMap, columnMap: AxisMap
    ) throws(SplineError) -> ContourSet {
        guard values.count == grid.count else { throw SplineError.valueCount(expected: grid.count, got: values.count) }
        let h = grid.rows, w = grid.cols, stride = w + 2
        func fg(_ i: Int, _ j: Int) -> Bool { i >= 0 && i < h && j >= 0 && j < w && values[i * w + j] > 0 }
        // Edge ids on the padded grid (-1...H) x (-1...W): horizontal (i,j)-(i,j+1) is even,
        // vertical (i,j)-(i+1,j) is odd.
        func hid(_ i: Int, _ j: Int) -> Int { ((i + 1) * stride + (j + 1)) * 2 }
        func vid(_ i: Int, _ j: Int) -> Int { hid(i, j) + 1 }

        var next = [Int: Int]()  // segment start edge -> end edge; foreground on the left
        for i in -1..<h {
            for j in -1..<w {
                // Corners in positive (x, y) order: (i,j), (i,j+1), (i+1,j+1), (i+1,j).
                let c = (fg(i, j), fg(i, j + 1), fg(i + 1, j + 1), fg(i + 1, j))
                let corners = [c.0, c.1, c.2, c.3]
                let n = corners.reduce(0) { $0 + ($1 ? 1 : 0) }
                if n == 0 || n == 4 { continue }
                let edges = [hid(i, j), vid(i, j + 1), hid(i + 1, j), vid(i, j)]
                var exits: [Int] = [], enters: [Int] = []
                for k in 0..<4 {
                    let a = corners[k], b = corners[(k + 1) & 3]
                    if a && !b { exits.append(k) }
                    if !a && b { enters.append(k) }
                }
                if exits.count == 1 {
                    next[edges[exits[0]]] = edges[enters[0]]
                } else {
                    // Saddle: every edge after an exit is an enter and vice versa.
                    let centre = mappedValue(Double(j) + 0.5, Double(i) + 0.5, rowMap, columnMap) > 0
                    for k in exits { next[edges[k]] = edges[centre ? (k + 1) & 3 : (k + 3) & 3] }
                }
            }
        }

        var loops: [Contour] = []
        var remaining = next
        for start in next.keys.sorted() where remaining[start] != nil {
            var pts: [SIMD2<Double>] = []
            var e = start
            while let n = remaining.removeValue(forKey: e) {
                let p = crossing(edge: e, stride: stride, grid: grid, fg: fg, rowMap, columnMap)
                if pts.last != p { pts.append(p) }
                e = n
            }
            if pts.count > 1 && pts.first == pts.last { pts.removeLast() }
            loops.append(Contour(points: pts))
        }
        return ContourSet(grid: grid, contours: loops, foregroundPixels: ImplicitSpline.foregroundCount(values: values))
    }

    /// Zero crossing on a grid edge whose ends differ in foreground/background.
    private func crossing(
        edge: Int, stride: Int, grid: PixelGrid, fg: (Int, Int) -> Bool, _ rowMap: AxisMap, _ columnMap: AxisMap
    ) -> SIMD2<Double> {
        let base = edge / 2
        let i = base / stride - 1, j = base % stride - 1
        let (i2, j2) = edge & 1 == 0 ? (i, j + 1) : (i + 1, j)
        let inside1 = i >= 0 && i < grid.rows && j >= 0 && j < grid.cols
        let inside2 = i2 >= 0 && i2 < grid.rows && j2 >= 0 && j2 < grid.cols
        let p1 = SIMD2(Double(j), Double(i)), p2 = SIMD2(Double(j2), Double(i2))
        if !inside1 { return p2 }  // closed along the border: the inside end is foreground
        if !inside2 { return p1 }
        let (a, b) = fg(i, j) ? (p1, p2) : (p2, p1)
        return a + refineZero(from: a, to: b, rowMap, columnMap) * (b - a)
    }

    /// t in [0, 1] where F(a + t (b - a)) changes sign, F(a) > 0 >= F(b) (Illinois method).
    private func refineZero(
        from a: SIMD2<Double>, to b: SIMD2<Double>, _ rowMap: AxisMap, _ columnMap: AxisMap
    ) -> Double {
        func g(_ t: Double) -> Double {
            let p = a + t * (b - a)
            return mappedValue(p.x, p.y, rowMap, columnMap)
        }
        var t0 = 0.0, t1 = 1.0
        var g0 = g(t0), g1 = g(t1)
        // The float grid and the Double point evaluation can disagree right at zero.
        if !(g0 > 0) { return 0 }
        if g1 > 0 { return 1 }
        var side = 0
        for _ in 0..<100 {
            if t1 - t0 < 1e-10 { break }
            var t = (t0 * g1 - t1 * g0) / (g1 - g0)
            if !(t > t0 && t < t1) { t = 0.5 * (t0 + t1) }
            let gt = g(t)
            if gt > 0 {
                t0 = t; g0 = gt
                if side == 1 { g1 *= 0.5 }
                side = 1
            } else {
                if gt == 0 { return t }
                t1 = t; g1 = gt
                if side == -1 { g0 *= 0.5 }
                side = -1
            }
        }
        return 0.5 * (t0 + t1)
    }

    /// F at pixel coordinates mapped to spline parameters axis by axis.
    @inline(__always)
    private func mappedValue(_ x: Double, _ y: Double, _ rowMap: AxisMap, _ columnMap: AxisMap) -> Double {
        value(atParameterX: columnMap.parameter(x), y: rowMap.parameter(y))
    }
}
