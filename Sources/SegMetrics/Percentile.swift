/// The q-th percentile (q in 0...100) exactly as `numpy.percentile(values, q)` computes it with
/// its default "linear" method: sort, virtual index (n − 1)·q/100, and numpy's two-sided lerp.
/// (One deviation: where both neighbours are the same infinity the result is that infinity,
/// where numpy gives NaN.)
public func percentile(_ values: [Double], _ q: Double) throws(MetricsError) -> Double {
    guard !values.isEmpty else { throw .emptyList(what: "percentile") }
    guard q >= 0 && q <= 100 else { throw .percentileOutOfRange(q) }
    return percentileOfSorted(values.sorted(), q)
}

func percentileOfSorted(_ a: [Double], _ q: Double) -> Double {
    let n = a.count
    let virtual = Double(n - 1) * (q / 100)
    let previous = min(max(Int(virtual.rounded(.down)), 0), n - 1)
    let next = min(previous + 1, n - 1)
    let t = virtual - Double(previous)
    let lo = a[previous], hi = a[next]
    if lo == hi { return lo }  // also keeps inf − inf from producing NaN
    // numpy's _lerp: a + (b − a)·t, or b − (b − a)·(1 − t) when t ≥ 0.5.
    let diff = hi - lo
    return t >= 0.5 ? hi - diff * (1 - t) : lo + diff * t
}
