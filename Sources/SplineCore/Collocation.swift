/// Banded collocation matrix of one axis: U[i, k] = B_k,p(s_i) for the n pixels of the axis
/// (s_i = (O-p) i/(n-1)), or with `derivative: true` the pixel-space derivative
/// dB_k,p(s_i)/dx = B'_k,p(s_i) * (O-p)/(n-1).
///
/// Storage: per row the first nonzero column `first[i]` and `width` = p+1 consecutive Float
/// weights `weights[i*width ..< (i+1)*width]` (value rows sum to 1, derivative rows to 0).
/// Weights are computed in Double and rounded once.
public struct Collocation: Sendable, Equatable {
    public let points: Int
    public let coefficients: Int
    public let degree: Int
    public let isDerivative: Bool
    public let first: [Int]
    public let weights: [Float]

    public var width: Int { degree + 1 }

    public init(points: Int, coefficients: Int, degree: Int, derivative: Bool = false) throws(SplineError) {
        let t = try KnotVector(coefficients: coefficients, degree: degree)
        guard points >= 1 else { throw SplineError.emptyGrid(rows: points, cols: 1) }
        let w = degree + 1
        let total = try checkedProduct(points, w, "collocation \(points) x \(w)")
        var first = [Int](repeating: 0, count: points)
        var weights = [Float](repeating: 0, count: total)
        let scale = PixelGrid.parameterPerPixel(count: points, domainEnd: t.domainEnd)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 4 * w) { tmp in
            let v = tmp.baseAddress!, d = v + w, scratch = v + 2 * w
            for i in 0..<points {
                let s = PixelGrid.parameter(index: Double(i), count: points, domainEnd: t.domainEnd)
                first[i] = nonzeroBasis(t, s, values: v, derivatives: derivative ? d : nil, scratch: scratch)
                for r in 0..<w { weights[i * w + r] = Float(derivative ? d[r] * scale : v[r]) }
            }
        }
        self.points = points
        self.coefficients = coefficients
        self.degree = degree
        self.isDerivative = derivative
        self.first = first
        self.weights = weights
    }

    /// Dense n x O row-major copy (for tests and small problems).
    public func dense() -> [Float] {
        var u = [Float](repeating: 0, count: points * coefficients)
        for i in 0..<points {
            for r in 0..<width { u[i * coefficients + first[i] + r] = weights[i * width + r] }
        }
        return u
    }
}
