/// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher 2012, "Distance
/// Transforms of Sampled Functions"), separable: a 1-D lower envelope of parabolas along
/// axis 0, then 1, then 2, all in Double with the axis spacing folded into each parabola.
///
/// `values` is an n0×n1×n2 box (index i + n0·(j + n1·k)) holding 0 at feature voxels and
/// +infinity elsewhere; on return each entry is the squared distance in mm² to the nearest
/// feature (+infinity everywhere when there is no feature).
func squaredDistanceTransform(
    _ values: inout [Double], n0: Int, n1: Int, n2: Int, s0: Double, s1: Double, s2: Double
) {
    var envelope = LowerEnvelope(capacity: max(n0, n1, n2))
    values.withUnsafeMutableBufferPointer { d in
        let base = d.baseAddress!
        // Axis 0: contiguous lines.
        if n0 > 1 {
            for line in 0..<(n1 * n2) { envelope.transform(base + line * n0, count: n0, stride: 1, spacing: s0) }
        } else {
            // A length-1 line is its own transform.
        }
        // Axis 1: lines with stride n0, one per (i, k).
        if n1 > 1 {
            for k in 0..<n2 {
                for i in 0..<n0 { envelope.transform(base + k * n0 * n1 + i, count: n1, stride: n0, spacing: s1) }
            }
        }
        // Axis 2: lines with stride n0·n1, one per (i, j).
        if n2 > 1 {
            for p in 0..<(n0 * n1) { envelope.transform(base + p, count: n2, stride: n0 * n1, spacing: s2) }
        }
    }
}

/// Scratch buffers for the 1-D transform, reused across lines (shapes: `capacity` for f, v,
/// and capacity + 1 for z).
struct LowerEnvelope {
    var f: [Double]
    var v: [Int]
    var z: [Double]

    init(capacity: Int) {
        f = [Double](repeating: 0, count: capacity)
        v = [Int](repeating: 0, count: capacity)
        z = [Double](repeating: 0, count: capacity + 1)
    }

    /// In place on the strided line d[0], d[stride], …: d[x] ← min_q ((x − q)·h)² + d[q].
    /// Infinite samples (no feature yet on this line) are left out of the envelope.
    mutating func transform(_ line: UnsafeMutablePointer<Double>, count n: Int, stride: Int, spacing h: Double) {
        let h2 = h * h
        f.withUnsafeMutableBufferPointer { f in
            v.withUnsafeMutableBufferPointer { v in
                z.withUnsafeMutableBufferPointer { z in
                    for q in 0..<n { f[q] = line[q * stride] }
                    // Build the envelope: v[0...k] are the parabola apexes, z[r] ..< z[r+1] the
                    // range (in index units) where parabola r is lowest.
                    var k = -1
                    for q in 0..<n where f[q] != .infinity {
                        let fq = f[q] + h2 * Double(q * q)
                        if k < 0 {
                            k = 0
                            v[0] = q
                            z[0] = -.infinity
                            z[1] = .infinity
                            continue
                        }
                        var s: Double
                        while true {
                            let p = v[k]
                            // Where the parabolas from p and q meet:
                            // ((f[q] + h²q²) − (f[p] + h²p²)) / (2h²(q − p)).
                            s = (fq - (f[p] + h2 * Double(p * p))) / (2 * h2 * Double(q - p))
                            if s <= z[k] { k -= 1 } else { break }  // z[0] = −∞ stops at k = 0
                        }
                        k += 1
                        v[k] = q
                        z[k] = s
                        z[k + 1] = .infinity
                    }
                    if k < 0 { return }  // no feature on this line: it stays +∞
                    var r = 0
                    for x in 0..<n {
                        while z[r + 1] < Double(x) { r += 1 }
                        let dx = Double(x - v[r]) * h
                        line[x * stride] = dx * dx + f[v[r]]
                    }
                }
            }
        }
    }
}

/// Euclidean distance in mm from every voxel to the nearest nonzero voxel of `features`
/// (0 at features; +infinity everywhere when `features` has none), shape [d0, d1] or
/// [d0, d1, d2] with d0 fastest, like `scipy.ndimage.distance_transform_edt(features == 0,
/// sampling=spacing)` except for the empty case.
public func euclideanDistanceTransform(
    features: [UInt8], shape: [Int], spacing: [Double]
) throws(MetricsError) -> [Double] {
    let grid = try Grid(shape: shape, spacing: spacing)
    try grid.check(features, name: "features")
    var d = features.map { $0 != 0 ? 0.0 : Double.infinity }
    squaredDistanceTransform(&d, n0: grid.n0, n1: grid.n1, n2: grid.n2, s0: grid.s0, s1: grid.s1, s2: grid.s2)
    for p in d.indices { d[p] = d[p].squareRoot() }
    return d
}
