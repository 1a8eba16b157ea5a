/// Collocations at explicit parameters, for grids that cover only part of the parameter domain
/// (e.g. a non-square image padded to a square before the network: its rows sit at
/// s_r = (O-p)(r + top)/(S-1), not at (O-p) r/(H-1)).
extension Collocation {
    /// U[i, k] = B_k,p(parameters[i]) (values, not derivatives). Parameters are clamped to
    /// [0, O-p] (NaN -> 0), as everywhere in SplineCore.
    /// - Throws: `SplineError` if p < 0, O <= p, or `parameters` is empty.
    public init(parameters: [Double], coefficients: Int, degree: Int) throws(SplineError) {
        let t = try KnotVector(coefficients: coefficients, degree: degree)
        guard !parameters.isEmpty else { throw SplineError.emptyGrid(rows: 0, cols: 1) }
        let w = degree + 1
        let total = try checkedProduct(parameters.count, w, "collocation \(parameters.count) x \(w)")
        var first = [Int](repeating: 0, count: parameters.count)
        var weights = [Float](repeating: 0, count: total)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * w) { tmp in
            let v = tmp.baseAddress!, scratch = v + w
            for (i, s) in parameters.enumerated() {
                first[i] = nonzeroBasis(t, s, values: v, derivatives: nil, scratch: scratch)
                for r in 0..<w { weights[i * w + r] = Float(v[r]) }
            }
        }
        self.points = parameters.count
        self.coefficients = coefficients
        self.degree = degree
        self.isDerivative = false
        self.first = first
        self.weights = weights
    }
}
