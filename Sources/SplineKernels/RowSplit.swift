// Work split for threads: every kernel takes a range of output rows; this gives
// part `index` of `parts` near-equal contiguous ranges of 0..<rows. Kernels never
// split a reduction, so any split gives bitwise-identical results.

@inlinable
public func rowRange(rows: Int, part index: Int, of parts: Int) -> Range<Int> {
    let base = rows / parts, extra = rows % parts
    let lo = index * base + min(index, extra)
    return lo..<(lo + base + (index < extra ? 1 : 0))
}
