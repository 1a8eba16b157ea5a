/// Metrics of one prediction against its ground truth (definitions in `SegMetrics.swift`).
/// Fractions are in 0...1; distances in mm, +infinity when exactly one mask is empty.
public struct SegmentationMetrics: Sendable, Equatable {
    public var accuracy: Double
    public var dice: Double
    public var jaccard: Double
    /// Hausdorff distance: max over both directed surface-distance sets (mm).
    public var hausdorff: Double
    /// 95th percentile (numpy linear) of both directed sets concatenated (mm).
    public var hausdorff95: Double
    /// Average symmetric surface distance: mean of both directed sets concatenated (mm).
    public var assd: Double

    public init(accuracy: Double, dice: Double, jaccard: Double, hausdorff: Double, hausdorff95: Double, assd: Double) {
        self.accuracy = accuracy
        self.dice = dice
        self.jaccard = jaccard
        self.hausdorff = hausdorff
        self.hausdorff95 = hausdorff95
        self.assd = assd
    }
}

/// Evaluates a binary prediction against a binary ground truth.
/// - Parameters:
///   - prediction, groundTruth: flat masks, nonzero = foreground, d0 fastest (NIfTI order).
///   - shape: [d0, d1] or [d0, d1, d2], every extent ≥ 1.
///   - spacing: voxel size per axis in mm, finite and > 0.
///   - method: how surface distances are found; the brute-force reference is for tests.
/// - Throws: `MetricsError` for a bad shape, spacing or mask length.
public func evaluateSegmentation(
    prediction: [UInt8], groundTruth: [UInt8], shape: [Int], spacing: [Double],
    method: DistanceMethod = .distanceTransform
) throws(MetricsError) -> SegmentationMetrics {
    let grid = try Grid(shape: shape, spacing: spacing)
    try grid.check(prediction, name: "prediction")
    try grid.check(groundTruth, name: "groundTruth")

    let counts = ConfusionCounts(prediction: prediction, groundTruth: groundTruth)
    var metrics = SegmentationMetrics(
        accuracy: counts.accuracy, dice: counts.dice, jaccard: counts.jaccard,
        hausdorff: 0, hausdorff95: 0, assd: 0)
    switch (counts.predictionEmpty, counts.truthEmpty) {
    case (true, true):
        return metrics  // all 1 and distances 0
    case (true, false), (false, true):
        metrics.hausdorff = .infinity
        metrics.hausdorff95 = .infinity
        metrics.assd = .infinity
        return metrics
    case (false, false):
        break
    }
    // A non-empty finite mask always has a non-empty surface, so both sets are non-empty.
    let directed = directedSurfaceDistances(
        surfaceIndices(prediction, grid: grid), surfaceIndices(groundTruth, grid: grid), grid: grid, method: method)
    let all = (directed.predictionToTruth + directed.truthToPrediction).sorted()
    metrics.hausdorff = all[all.count - 1]
    metrics.hausdorff95 = percentileOfSorted(all, 95)
    metrics.assd = all.reduce(0, +) / Double(all.count)
    return metrics
}
