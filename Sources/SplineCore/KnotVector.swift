/// Open uniform knot vector of DESIGN.md section 1 for O coefficients and degree p:
/// t = (0 x (p+1), 1, 2, ..., O-p-1, O-p x (p+1)), O+p+1 knots, parameter domain [0, O-p].
public struct KnotVector: Sendable, Equatable {
    public let coefficients: Int
    public let degree: Int

    public init(coefficients: Int, degree: Int) throws(SplineError) {
        guard degree >= 0 else { throw SplineError.negativeDegree(degree) }
        guard coefficients > degree else {
            throw SplineError.tooFewCoefficients(coefficients: coefficients, degree: degree)
        }
        self.coefficients = coefficients
        self.degree = degree
    }

    /// Number of knots, O + p + 1.
    public var count: Int { coefficients + degree + 1 }
    /// Right end of the parameter domain, O - p.
    public var domainEnd: Double { Double(coefficients - degree) }

    /// Knot t_j = clamp(j - p, 0, O - p), for any integer j (outside 0..<count it is the end value).
    @inline(__always)
    public subscript(_ j: Int) -> Double {
        Double(Swift.min(Swift.max(j &- degree, 0), coefficients &- degree))
    }

    public var knots: [Double] { (0..<count).map { self[$0] } }

    /// Greville abscissa of coefficient k: (t_{k+1} + ... + t_{k+p}) / p; for p = 0 the
    /// interval midpoint k + 1/2. With these as coefficients a p >= 1 spline is the identity s.
    public func greville(_ k: Int) -> Double {
        if degree == 0 { return Double(k) + 0.5 }
        var s = 0.0
        for j in 1...degree { s += self[k + j] }
        return s / Double(degree)
    }

    /// Clamps s into [0, O-p] (NaN -> 0) and returns it with the index m of the first nonzero
    /// basis function there: m = floor(s) limited to 0...O-p-1, so s = O-p uses the last interval
    /// (the closed last interval of DESIGN.md).
    @inline(__always)
    func locate(_ s: Double) -> (s: Double, first: Int) {
        let end = domainEnd
        let c = s.isNaN ? 0 : Swift.min(Swift.max(s, 0), end)
        let m = Swift.min(Int(c.rounded(.down)), coefficients &- degree &- 1)
        return (c, m)
    }
}
