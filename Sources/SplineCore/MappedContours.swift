/// Maps pixel coordinates of one grid axis to spline parameters: s = domainEnd (index + offset)
/// / (points - 1), i.e. the axis is a window starting at `offset` on an axis of `points` pixels
/// spanning [0, O-p] (s = 0 for a single point). offset 0, points = n is the plain PixelGrid.
/// Used for images padded to a square before the network (SplineSeg pad-square geometry).
public struct AxisMap: Sendable, Equatable {
    public let points: Int
    public let offset: Int
    public let domainEnd: Double

    public init(points: Int, offset: Int, domainEnd: Double) {
        self.points = points
        self.offset = offset
        self.domainEnd = domainEnd
    }

    @inline(__always)
    public func parameter(_ index: Double) -> Double {
        points > 1 ? domainEnd * (index + Double(offset)) / Double(points - 1) : 0
    }
}

// Mirrors Contours.swift (whose helpers are private there) with the pixel -> parameter map as
// an argument; the SplineCore owner may fold the two into one.
extension ImplicitSpline {
    @inline(__always)
    private func mappedValue(_ x: Double, _ y: Double, _ rowMap: AxisMap, _ columnMap: AxisMap) -> Double {
        value(atParameterX: columnMap.parameter(x), y: rowMap.parameter(y))
    }

    /// Contours from grid values (H*W, row-major) whose pixel coordinates map to spline
    /// parameters through `rowMap`/`columnMap` instead of spanning the whole domain, by the same
    /// marching squares + exact-spline refinement as `contours(grid:values:)`.
    ///
    /// Topology comes from `values` (so it agrees with the mask); each edge crossing is then
    /// refined on the spline itself by Illinois false position along the edge, using exact Double
    /// point evaluation, to ~1e-9 px. Saddle cells (diagonal corners foreground) are resolved by
    /// the exact spline value at the cell centre: centre > 0 joins the two foreground corners.
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
                let p = mappedCrossing(edge: e, stride: stride, grid: grid, fg: fg, rowMap, columnMap)
                if pts.last != p { pts.append(p) }
                e = n
            }
            if pts.count > 1 && pts.first == pts.last { pts.removeLast() }
            loops.append(Contour(points: pts))
        }
        return ContourSet(grid: grid, contours: loops, foregroundPixels: ImplicitSpline.foregroundCount(values: values))
    }

    /// Zero crossing on a grid edge whose ends differ in foreground/background.
    private func mappedCrossing(
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
        return a + mappedRefineZero(from: a, to: b, rowMap, columnMap) * (b - a)
    }

    /// t in [0, 1] where F(a + t (b - a)) changes sign, F(a) > 0 >= F(b) (Illinois method).
    private func mappedRefineZero(
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
}
