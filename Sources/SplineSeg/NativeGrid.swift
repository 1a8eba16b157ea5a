import SplineCore

/// Where native pixels sit in the spline's parameter domain [0, O-p] (the inverse of the
/// preprocessing geometry). Pixel coordinate y (row, fractional allowed) maps to
///   pad-square: s = (O-p)(y + top)/(S-1)     stretch: s = (O-p) y/(H-1)
/// (0 for an axis of one point), likewise for columns.
struct NativeGrid: Sendable {
    let height: Int, width: Int
    /// Row/column offset into the axis of `rowPoints`/`columnPoints` points the parameters span.
    let top: Int, left: Int
    let rowPoints: Int, columnPoints: Int

    init(height: Int, width: Int, geometry: String) {
        self.height = height
        self.width = width
        if geometry == "pad-square" {
            let g = SquareGeometry(height: height, width: width)
            (top, left, rowPoints, columnPoints) = (g.top, g.left, g.side, g.side)
        } else {
            (top, left, rowPoints, columnPoints) = (0, 0, height, width)
        }
    }

    /// Spline parameter of pixel coordinate `index` on an axis with this offset / point count.
    static func parameter(_ index: Double, offset: Int, points: Int, domainEnd e: Double) -> Double {
        points > 1 ? e * (index + Double(offset)) / Double(points - 1) : 0
    }

    /// Parameters of the N(n-1)+1 points k/N, k = 0...N(n-1), of an n-pixel axis (N = scale).
    static func parameters(count n: Int, scale: Int, offset: Int, points: Int, domainEnd e: Double) -> [Double] {
        let m = scale * (n - 1) + 1
        return (0..<m).map { k in
            parameter(scale == 1 ? Double(k) : Double(k) / Double(scale), offset: offset, points: points, domainEnd: e)
        }
    }

    /// Row and column collocations of the native grid refined `scale` times for splines of size
    /// O and degree p: N(H-1)+1 and N(W-1)+1 points.
    func collocations(size: Int, degree: Int, scale: Int) throws(SplineError) -> (rows: Collocation, columns: Collocation) {
        let e = Double(size - degree)
        let ur = try Collocation(
            parameters: NativeGrid.parameters(count: height, scale: scale, offset: top, points: rowPoints, domainEnd: e),
            coefficients: size, degree: degree)
        let uc = try Collocation(
            parameters: NativeGrid.parameters(count: width, scale: scale, offset: left, points: columnPoints, domainEnd: e),
            coefficients: size, degree: degree)
        return (ur, uc)
    }

    /// F on the native grid refined `scale` times: (N(H-1)+1) x (N(W-1)+1) values, row-major.
    func evaluate(_ spline: ImplicitSpline, scale: Int, threads: Int = 1) throws(SplineError) -> (rows: Int, cols: Int, values: [Float]) {
        let (ur, uc) = try collocations(size: spline.size, degree: spline.degree, scale: scale)
        var z = [Float](repeating: 0, count: ur.points * uc.points)
        var t = [Float](repeating: 0, count: spline.scratchCount(columns: uc))
        try z.withUnsafeMutableBufferPointer { (zb) throws(SplineError) in
            try t.withUnsafeMutableBufferPointer { (tb) throws(SplineError) in
                try spline.evaluate(into: zb, rows: ur, columns: uc, scratch: tb, threads: threads)
            }
        }
        return (ur.points, uc.points, z)
    }
}
