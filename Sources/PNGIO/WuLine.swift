/// Adds Xiaolin Wu anti-aliased line coverage for the segment p0-p1 to
/// `coverage` (row-major, shape (height, width)); pixel centres at integer
/// coordinates, x = column, y = row. Out-of-image pixels are skipped.
func drawWuLine(
    _ p0: SIMD2<Double>, _ p1: SIMD2<Double>, width: Int, height: Int, into coverage: inout [Float]
) {
    guard p0.x.isFinite, p0.y.isFinite, p1.x.isFinite, p1.y.isFinite,
        let (a, b) = clipSegment(p0, p1, xMin: -1, xMax: Double(width), yMin: -1, yMax: Double(height))
    else { return }
    var (x0, y0, x1, y1) = (a.x, a.y, b.x, b.y)

    let steep = abs(y1 - y0) > abs(x1 - x0)
    if steep {
        swap(&x0, &y0)
        swap(&x1, &y1)
    }
    if x0 > x1 {
        swap(&x0, &x1)
        swap(&y0, &y1)
    }
    // plot(major, minor): coordinates along the major and minor axis.
    func plot(_ major: Int, _ minor: Int, _ c: Double) {
        let (x, y) = steep ? (minor, major) : (major, minor)
        guard c > 0, x >= 0, x < width, y >= 0, y < height else { return }
        coverage[y * width + x] += Float(c)
    }
    func fpart(_ v: Double) -> Double { v - v.rounded(.down) }
    func rfpart(_ v: Double) -> Double { 1 - fpart(v) }

    let dx = x1 - x0
    let gradient = dx == 0 ? 0 : (y1 - y0) / dx

    // First end point. After clipping every coordinate is in [-1, max(width, height)],
    // so the Int conversions below cannot trap.
    var xEnd = (x0 + 0.5).rounded(.down)
    var yEnd = y0 + gradient * (xEnd - x0)
    var xGap = rfpart(x0 + 0.5)
    let xPixel1 = Int(xEnd)
    plot(xPixel1, Int(yEnd.rounded(.down)), rfpart(yEnd) * xGap)
    plot(xPixel1, Int(yEnd.rounded(.down)) + 1, fpart(yEnd) * xGap)
    var yInter = yEnd + gradient

    // Second end point.
    xEnd = (x1 + 0.5).rounded(.down)
    yEnd = y1 + gradient * (xEnd - x1)
    xGap = fpart(x1 + 0.5)
    let xPixel2 = Int(xEnd)
    // When both ends fall in one column the two end gaps add up to 1 + length
    // (a point gets full coverage); the caller clamps accumulated coverage at 1.
    plot(xPixel2, Int(yEnd.rounded(.down)), rfpart(yEnd) * xGap)
    plot(xPixel2, Int(yEnd.rounded(.down)) + 1, fpart(yEnd) * xGap)

    if xPixel2 > xPixel1 + 1 {
        for x in (xPixel1 + 1)..<xPixel2 {
            plot(x, Int(yInter.rounded(.down)), rfpart(yInter))
            plot(x, Int(yInter.rounded(.down)) + 1, fpart(yInter))
            yInter += gradient
        }
    }
}

/// Liang-Barsky clipping of segment p0-p1 to the rectangle; nil when it misses.
func clipSegment(
    _ p0: SIMD2<Double>, _ p1: SIMD2<Double>, xMin: Double, xMax: Double, yMin: Double, yMax: Double
) -> (SIMD2<Double>, SIMD2<Double>)? {
    let d = p1 - p0
    var t0 = 0.0
    var t1 = 1.0
    // Each edge: p * t <= q must hold for the clipped part.
    let edges: [(Double, Double)] = [
        (-d.x, p0.x - xMin), (d.x, xMax - p0.x), (-d.y, p0.y - yMin), (d.y, yMax - p0.y),
    ]
    for (p, q) in edges {
        if p == 0 {
            if q < 0 { return nil }  // parallel to this edge and outside it
            continue
        }
        let r = q / p
        if p < 0 {
            if r > t1 { return nil }
            t0 = max(t0, r)
        } else {
            if r < t0 { return nil }
            t1 = min(t1, r)
        }
    }
    guard t0.isFinite, t1.isFinite else { return nil }
    var a = p0 + t0 * d
    var b = p0 + t1 * d
    // Rounding in t can leave a point a hair outside; pull it back so Int() stays in range.
    a.x = min(max(a.x, xMin), xMax)
    a.y = min(max(a.y, yMin), yMax)
    b.x = min(max(b.x, xMin), xMax)
    b.y = min(max(b.y, yMin), yMax)
    return (a, b)
}
