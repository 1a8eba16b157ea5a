extension ImplicitSpline {
    /// F at parameter point (sx, sy) in [0, O-p]^2 (sx along columns, sy along rows), in Double.
    /// Points outside the domain are clamped to it.
    public func value(atParameterX sx: Double, y sy: Double) -> Double {
        pointEval(sx, sy, derivatives: false).f
    }

    /// (dF/dsx, dF/dsy) at a parameter point; one-sided (right) at interior knots for p = 1,
    /// left-sided at the right end; clamped like `value(atParameterX:y:)`.
    public func gradient(atParameterX sx: Double, y sy: Double) -> (x: Double, y: Double) {
        let r = pointEval(sx, sy, derivatives: true)
        return (r.dx, r.dy)
    }

    /// F at pixel coordinates (x = column, y = row, fractional) of `grid`.
    public func value(atX x: Double, y: Double, in grid: PixelGrid) -> Double {
        let e = basis.knots.domainEnd
        return value(atParameterX: PixelGrid.parameter(index: x, count: grid.cols, domainEnd: e),
                     y: PixelGrid.parameter(index: y, count: grid.rows, domainEnd: e))
    }

    /// (dF/dx, dF/dy) at pixel coordinates of `grid`, per pixel (0 along an axis of one pixel).
    public func gradient(atX x: Double, y: Double, in grid: PixelGrid) -> (x: Double, y: Double) {
        let e = basis.knots.domainEnd
        let g = gradient(atParameterX: PixelGrid.parameter(index: x, count: grid.cols, domainEnd: e),
                         y: PixelGrid.parameter(index: y, count: grid.rows, domainEnd: e))
        return (g.x * PixelGrid.parameterPerPixel(count: grid.cols, domainEnd: e),
                g.y * PixelGrid.parameterPerPixel(count: grid.rows, domainEnd: e))
    }

    private func pointEval(_ sx: Double, _ sy: Double, derivatives: Bool) -> (f: Double, dx: Double, dy: Double) {
        let t = basis.knots, o = size, w = degree + 1
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: 6 * w) { buf in
            let bx = buf.baseAddress!, dbx = bx + w, by = bx + 2 * w, dby = bx + 3 * w, scratch = bx + 4 * w
            let mx = nonzeroBasis(t, sx, values: bx, derivatives: derivatives ? dbx : nil, scratch: scratch)
            let my = nonzeroBasis(t, sy, values: by, derivatives: derivatives ? dby : nil, scratch: scratch)
            return coefficients.withUnsafeBufferPointer { c in
                var f = 0.0, fx = 0.0, fy = 0.0
                for r in 0..<w {
                    let row = c.baseAddress! + (my + r) * o + mx
                    var a = 0.0, ax = 0.0
                    for q in 0..<w {
                        let v = Double(row[q])
                        a += v * bx[q]
                        if derivatives { ax += v * dbx[q] }
                    }
                    f += by[r] * a
                    if derivatives {
                        fx += by[r] * ax
                        fy += dby[r] * a
                    }
                }
                return (f, fx, fy)
            }
        }
    }
}
