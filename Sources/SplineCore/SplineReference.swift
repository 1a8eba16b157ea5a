/// Plain reference implementations, kept beside the fast routines so tests can compare them.
/// They follow the definitions literally and are slow; do not use them in hot paths.
public enum SplineReference {
    /// Cox-de Boor recursion for B_k,p(s) on t, with 0/0 = 0 and the closed last interval:
    /// the degree-0 function of the last non-empty interval also contains its right end O-p.
    public static func coxDeBoor(_ k: Int, _ p: Int, _ s: Double, _ t: KnotVector) -> Double {
        if p == 0 {
            let a = t[k], b = t[k + 1]
            if a <= s && s < b { return 1 }
            // Closed last interval: s = O-p belongs to [O-p-1, O-p] (knot index O-1).
            if s == t.domainEnd && k == t.coefficients - 1 && a < b { return 1 }
            return 0
        }
        var r = 0.0
        let d1 = t[k + p] - t[k]
        if d1 != 0 { r += (s - t[k]) / d1 * coxDeBoor(k, p - 1, s, t) }
        let d2 = t[k + p + 1] - t[k + 1]
        if d2 != 0 { r += (t[k + p + 1] - s) / d2 * coxDeBoor(k + 1, p - 1, s, t) }
        return r
    }

    /// Derivative by the recursion formula on top of `coxDeBoor` (0/0 = 0).
    public static func coxDeBoorDerivative(_ k: Int, _ p: Int, _ s: Double, _ t: KnotVector) -> Double {
        if p == 0 { return 0 }
        var r = 0.0
        let d1 = t[k + p] - t[k]
        if d1 != 0 { r += Double(p) / d1 * coxDeBoor(k, p - 1, s, t) }
        let d2 = t[k + p + 1] - t[k + 1]
        if d2 != 0 { r -= Double(p) / d2 * coxDeBoor(k + 1, p - 1, s, t) }
        return r
    }

    /// Dense collocation matrix U[i, k] = B_k,p(s_i), n x O row-major, in Double.
    public static func collocation(points n: Int, knots t: KnotVector) -> [Double] {
        let o = t.coefficients
        var u = [Double](repeating: 0, count: n * o)
        for i in 0..<n {
            let s = PixelGrid.parameter(index: Double(i), count: n, domainEnd: t.domainEnd)
            for k in 0..<o { u[i * o + k] = coxDeBoor(k, t.degree, s, t) }
        }
        return u
    }

    /// F on an H x W grid as straight sums Z[i,j] = sum_kl C[k,l] B_k(y_i) B_l(x_j), in Double.
    public static func evaluateGrid(_ spline: ImplicitSpline, rows h: Int, cols w: Int) -> [Double] {
        let t = spline.basis.knots
        let o = t.coefficients
        let uy = collocation(points: h, knots: t)
        let ux = collocation(points: w, knots: t)
        var z = [Double](repeating: 0, count: h * w)
        for i in 0..<h {
            for j in 0..<w {
                var acc = 0.0
                for k in 0..<o {
                    for l in 0..<o {
                        acc += Double(spline.coefficients[k * o + l]) * uy[i * o + k] * ux[j * o + l]
                    }
                }
                z[i * w + j] = acc
            }
        }
        return z
    }
}
