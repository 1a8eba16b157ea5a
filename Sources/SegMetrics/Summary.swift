/// Arithmetic mean. Throws for an empty list. An infinite entry (a volume where exactly one mask
/// was empty) makes the mean infinite.
public func mean(_ values: [Double]) throws(MetricsError) -> Double {
    guard !values.isEmpty else { throw .emptyList(what: "mean") }
    return values.reduce(0, +) / Double(values.count)
}

/// Sample standard deviation, denominator n − 1 (as pandas' `std`, not numpy's default
/// population `std`). Throws for an empty list; one value gives NaN (as pandas). An infinite
/// entry gives NaN.
public func sampleStandardDeviation(_ values: [Double]) throws(MetricsError) -> Double {
    let m = try mean(values)
    guard values.count > 1 else { return .nan }
    let squares = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
    return (squares / Double(values.count - 1)).squareRoot()
}

/// Per-metric mean and sample standard deviation over volumes (the paper's Table 2 rows).
public struct MetricsSummary: Sendable, Equatable {
    public var mean: SegmentationMetrics
    public var standardDeviation: SegmentationMetrics
    public var count: Int
}

/// Mean and sample (n − 1) standard deviation of each metric over `perVolume`.
public func summarize(_ perVolume: [SegmentationMetrics]) throws(MetricsError) -> MetricsSummary {
    guard !perVolume.isEmpty else { throw .emptyList(what: "summary") }
    let fields: [WritableKeyPath<SegmentationMetrics, Double>] = [
        \.accuracy, \.dice, \.jaccard, \.hausdorff, \.hausdorff95, \.assd,
    ]
    var meanRow = SegmentationMetrics(accuracy: 0, dice: 0, jaccard: 0, hausdorff: 0, hausdorff95: 0, assd: 0)
    var stdRow = meanRow
    for field in fields {
        let values = perVolume.map { $0[keyPath: field] }
        meanRow[keyPath: field] = try mean(values)
        stdRow[keyPath: field] = try sampleStandardDeviation(values)
    }
    return MetricsSummary(mean: meanRow, standardDeviation: stdRow, count: perVolume.count)
}
