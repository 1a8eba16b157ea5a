/// How directed surface distances are computed: the exact distance transform (default) or the
/// brute-force reference (every pair of surface voxels; for tests on small masks).
public enum DistanceMethod: Sendable {
    case distanceTransform
    case bruteForce
}

/// Both directed surface-distance sets, in mm. Each is ordered by ascending flat index of the
/// source surface voxel; a set is empty when its source mask is empty.
public struct DirectedSurfaceDistances: Sendable, Equatable {
    /// For each surface voxel of the prediction, the distance to the nearest ground-truth surface voxel.
    public var predictionToTruth: [Double]
    /// For each surface voxel of the ground truth, the distance to the nearest prediction surface voxel.
    public var truthToPrediction: [Double]
}

/// Directed surface distances between two masks (see `SegMetrics.swift` for the definitions).
/// When exactly one mask is empty the other direction has no target: its distances are +infinity.
public func surfaceDistances(
    prediction: [UInt8], groundTruth: [UInt8], shape: [Int], spacing: [Double],
    method: DistanceMethod = .distanceTransform
) throws(MetricsError) -> DirectedSurfaceDistances {
    let grid = try Grid(shape: shape, spacing: spacing)
    try grid.check(prediction, name: "prediction")
    try grid.check(groundTruth, name: "groundTruth")
    return directedSurfaceDistances(
        surfaceIndices(prediction, grid: grid), surfaceIndices(groundTruth, grid: grid), grid: grid, method: method)
}

func directedSurfaceDistances(
    _ surfaceP: [Int], _ surfaceG: [Int], grid: Grid, method: DistanceMethod
) -> DirectedSurfaceDistances {
    switch method {
    case .bruteForce:
        return DirectedSurfaceDistances(
            predictionToTruth: bruteForceDistances(from: surfaceP, to: surfaceG, grid: grid),
            truthToPrediction: bruteForceDistances(from: surfaceG, to: surfaceP, grid: grid))
    case .distanceTransform:
        guard !surfaceP.isEmpty, !surfaceG.isEmpty else {
            return DirectedSurfaceDistances(
                predictionToTruth: Array(repeating: .infinity, count: surfaceP.count),
                truthToPrediction: Array(repeating: .infinity, count: surfaceG.count))
        }
        // Every surface voxel lies in this box, so the transform restricted to it is exact for
        // the voxels we read, and much smaller than the volume for organs.
        let box = BoundingBox(surfaceP, surfaceG, grid: grid)
        return DirectedSurfaceDistances(
            predictionToTruth: distancesViaTransform(from: surfaceP, to: surfaceG, grid: grid, box: box),
            truthToPrediction: distancesViaTransform(from: surfaceG, to: surfaceP, grid: grid, box: box))
    }
}

/// Inclusive box lo…hi per axis (axis 2 is 0…0 for 2-D).
struct BoundingBox {
    var lo = (Int.max, Int.max, Int.max)
    var hi = (Int.min, Int.min, Int.min)

    init(_ a: [Int], _ b: [Int], grid: Grid) {
        for p in a { include(grid.coordinates(p)) }
        for p in b { include(grid.coordinates(p)) }
    }

    mutating func include(_ c: (Int, Int, Int)) {
        lo = (min(lo.0, c.0), min(lo.1, c.1), min(lo.2, c.2))
        hi = (max(hi.0, c.0), max(hi.1, c.1), max(hi.2, c.2))
    }

    var extents: (Int, Int, Int) { (hi.0 - lo.0 + 1, hi.1 - lo.1 + 1, hi.2 - lo.2 + 1) }

    /// Flat index inside the box of a grid voxel that lies in it.
    func local(_ c: (Int, Int, Int)) -> Int {
        let (m0, m1, _) = extents
        return (c.0 - lo.0) + m0 * ((c.1 - lo.1) + m1 * (c.2 - lo.2))
    }
}

/// Distances (mm) from each voxel of `sources` to the nearest voxel of `targets` (non-empty),
/// via the squared distance transform of `targets` on `box`.
func distancesViaTransform(from sources: [Int], to targets: [Int], grid: Grid, box: BoundingBox) -> [Double] {
    let (m0, m1, m2) = box.extents
    var d = [Double](repeating: .infinity, count: m0 * m1 * m2)
    for p in targets { d[box.local(grid.coordinates(p))] = 0 }
    squaredDistanceTransform(&d, n0: m0, n1: m1, n2: m2, s0: grid.s0, s1: grid.s1, s2: grid.s2)
    return sources.map { d[box.local(grid.coordinates($0))].squareRoot() }
}
