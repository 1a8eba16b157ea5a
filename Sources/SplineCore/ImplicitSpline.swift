/// F(x, y) = sum_kl C[k, l] B_k,p(y) B_l,p(x) on the parameter square [0, O-p]^2
/// (DESIGN.md section 1). C is O*O Floats, row-major, C[k, l] = row k (y), column l (x).
/// Inside (foreground) is F > 0; F == 0 is background.
public struct ImplicitSpline: Sendable, Equatable {
    public let basis: BSplineBasis
    /// O*O coefficients, row-major (row = y).
    public let coefficients: [Float]

    public var size: Int { basis.coefficients }
    public var degree: Int { basis.degree }

    /// - Throws: `SplineError` if p < 0, O <= p, or coefficients.count != O*O.
    public init(size: Int, degree: Int, coefficients: [Float]) throws(SplineError) {
        let b = try BSplineBasis(coefficients: size, degree: degree)
        let n = try checkedProduct(size, size, "coefficient grid \(size) x \(size)")
        guard coefficients.count == n else { throw SplineError.coefficientCount(expected: n, got: coefficients.count) }
        basis = b
        self.coefficients = coefficients
    }

    /// Coefficients that make F(x, y) = a*x + b*y + c exactly in parameter space (p >= 1), using
    /// the Greville abscissae: linear precision of B-splines.
    public static func linear(size: Int, degree: Int, a: Double, b: Double, c: Double) throws(SplineError) -> ImplicitSpline {
        let t = try KnotVector(coefficients: size, degree: degree)
        var coef = [Float](repeating: 0, count: try checkedProduct(size, size, "coefficient grid"))
        for k in 0..<size {
            for l in 0..<size { coef[k * size + l] = Float(a * t.greville(l) + b * t.greville(k) + c) }
        }
        return try ImplicitSpline(size: size, degree: degree, coefficients: coef)
    }
}
