/// B-spline basis B_k,p on a `KnotVector`, in Double.
///
/// The fast path computes the p+1 nonzero functions at s with the triangular Cox-de Boor scheme
/// (Piegl & Tiller, The NURBS Book, A2.2). On an open uniform knot vector every denominator of
/// that scheme spans the non-empty interval [m, m+1], so the 0/0 = 0 rule never has to fire
/// there; `SplineReference.coxDeBoor` is the literal recursion with 0/0 = 0 for tests.
/// Parameters outside [0, O-p] are clamped to the domain.
public struct BSplineBasis: Sendable, Equatable {
    public let knots: KnotVector
    public var coefficients: Int { knots.coefficients }
    public var degree: Int { knots.degree }

    public init(coefficients: Int, degree: Int) throws(SplineError) {
        knots = try KnotVector(coefficients: coefficients, degree: degree)
    }

    public init(knots: KnotVector) { self.knots = knots }

    /// B_k,p(s); 0 for k outside 0..<O.
    public func value(_ k: Int, at s: Double) -> Double {
        let (first, v) = values(at: s)
        let r = k - first
        return r >= 0 && r <= degree ? v[r] : 0
    }

    /// dB_k,p/ds; 0 for k outside 0..<O and for p = 0.
    public func derivative(_ k: Int, at s: Double) -> Double {
        let (first, d) = derivatives(at: s)
        let r = k - first
        return r >= 0 && r <= degree ? d[r] : 0
    }

    /// The p+1 possibly nonzero functions at s: B_first ... B_first+p.
    public func values(at s: Double) -> (first: Int, values: [Double]) {
        var out = [Double](repeating: 0, count: degree + 1)
        let first = out.withUnsafeMutableBufferPointer { buf in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * degree + 2) { tmp in
                nonzeroBasis(knots, s, values: buf.baseAddress!, derivatives: nil, scratch: tmp.baseAddress!)
            }
        }
        return (first, out)
    }

    /// The derivatives d/ds of the p+1 possibly nonzero functions at s (same `first` as values).
    public func derivatives(at s: Double) -> (first: Int, derivatives: [Double]) {
        var vals = [Double](repeating: 0, count: degree + 1)
        var ders = [Double](repeating: 0, count: degree + 1)
        let first = vals.withUnsafeMutableBufferPointer { v in
            ders.withUnsafeMutableBufferPointer { d in
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * degree + 2) { tmp in
                    nonzeroBasis(knots, s, values: v.baseAddress!, derivatives: d.baseAddress!, scratch: tmp.baseAddress!)
                }
            }
        }
        return (first, ders)
    }
}

/// Nonzero basis values (and optionally first derivatives) at s.
/// values, derivatives: p+1 Doubles each; scratch: 2p+2 Doubles. Returns the first index m.
/// Derivatives use dB_k,p = p (B_k,p-1 / (t_k+p - t_k) - B_k+1,p-1 / (t_k+p+1 - t_k+1)), with
/// the degree p-1 functions read off the triangular table before its last step.
@inline(__always)
func nonzeroBasis(
    _ t: KnotVector, _ sIn: Double, values n: UnsafeMutablePointer<Double>,
    derivatives d: UnsafeMutablePointer<Double>?, scratch: UnsafeMutablePointer<Double>
) -> Int {
    let p = t.degree
    let (s, m) = t.locate(sIn)
    let span = m &+ p  // t_span <= s < t_span+1 (closed at the right end)
    let left = scratch, right = scratch + (p &+ 1)
    n[0] = 1
    if p == 0 {
        d?[0] = 0
        return m
    }
    for j in 1...p {
        left[j] = s - t[span &+ 1 &- j]
        right[j] = t[span &+ j] - s
        if j == p, let d {
            // n[0..<p] now holds B_span-p+1 ... B_span of degree p-1.
            for r in 0...p {
                var acc = 0.0
                let k = m &+ r
                if r > 0 { acc += n[r &- 1] / (t[k &+ p] - t[k]) }
                if r < p { acc -= n[r] / (t[k &+ p &+ 1] - t[k &+ 1]) }
                d[r] = Double(p) * acc
            }
        }
        var saved = 0.0
        for r in 0..<j {
            let tmp = n[r] / (right[r &+ 1] + left[j &- r])
            n[r] = saved + right[r &+ 1] * tmp
            saved = left[j &- r] * tmp
        }
        n[j] = saved
    }
    return m
}
