/// Brute-force reference for the distance transform: for each query voxel, the minimum over
/// all feature voxels of sqrt(Σ (Δ_a · spacing_a)²). O(queries × features); for tests only.
func bruteForceDistances(from queries: [Int], to features: [Int], grid: Grid) -> [Double] {
    let coords = features.map { grid.coordinates($0) }
    return queries.map { q in
        let (i, j, k) = grid.coordinates(q)
        var best = Double.infinity
        for (fi, fj, fk) in coords {
            let dx = Double(i - fi) * grid.s0, dy = Double(j - fj) * grid.s1, dz = Double(k - fk) * grid.s2
            best = min(best, dx * dx + dy * dy + dz * dz)
        }
        return best.squareRoot()
    }
}

/// Brute-force twin of `euclideanDistanceTransform` (same contract), for checking it.
public func bruteForceDistanceTransform(
    features: [UInt8], shape: [Int], spacing: [Double]
) throws(MetricsError) -> [Double] {
    let grid = try Grid(shape: shape, spacing: spacing)
    try grid.check(features, name: "features")
    let featureIndices = features.indices.filter { features[$0] != 0 }
    return bruteForceDistances(from: Array(0..<grid.count), to: featureIndices, grid: grid)
}

extension Grid {
    /// (i, j, k) of a flat index; k = 0 for 2-D.
    func coordinates(_ p: Int) -> (Int, Int, Int) {
        let i = p % n0
        let rest = p / n0
        return (i, rest % n1, rest / n1)
    }
}
