import Dispatch

extension ImplicitSpline {
    /// Scratch floats `evaluate(into:rows:columns:scratch:threads:)` needs: O * W.
    public func scratchCount(columns: Collocation) -> Int { size * columns.points }

    /// Z = U_H C U_W^T into `output` (H*W floats, row-major, row = y), in two banded passes.
    /// Allocation-free: `rows` (H points) and `columns` (W points) are precomputed collocations
    /// of this spline's O and p; `scratch` holds at least O*W floats. Either collocation may be
    /// a derivative collocation, which gives dF/dy (rows) or dF/dx (columns) in pixel units.
    /// `threads` > 1 splits both passes over rows with DispatchQueue.concurrentPerform (which
    /// allocates a little per call; `withGridPasses` lets a caller use its own threads); the
    /// result is bitwise identical for any thread count.
    public func evaluate(
        into output: UnsafeMutableBufferPointer<Float>, rows: Collocation, columns: Collocation,
        scratch: UnsafeMutableBufferPointer<Float>, threads: Int = 1
    ) throws(SplineError) {
        let nThreads = max(1, threads)
        try withGridPasses(into: output, rows: rows, columns: columns, scratch: scratch) { g in
            parallelRanges(g.columnPassRows, nThreads) { r in g.columnPass(r) }
            parallelRanges(g.rowPassRows, nThreads) { r in g.rowPass(r) }
        }
    }

    /// The two passes of `evaluate(into:rows:columns:scratch:threads:)`, checked once, for a
    /// caller that splits them over its own threads (FastEngine's worker pool, which does not
    /// allocate per call): `body` must run `columnPass` over a partition of
    /// 0..<`columnPassRows`, wait for all of it, then `rowPass` over a partition of
    /// 0..<`rowPassRows`, before it returns (the passes' pointers are valid only inside `body`).
    /// Any partition gives the same bits.
    public func withGridPasses<R>(
        into output: UnsafeMutableBufferPointer<Float>, rows: Collocation, columns: Collocation,
        scratch: UnsafeMutableBufferPointer<Float>, _ body: (GridPasses) -> R
    ) throws(SplineError) -> R? {
        let o = size, p = degree
        // No array literal here: this path must not allocate (FastEngine calls it per slice).
        func check(_ name: String, _ u: Collocation) throws(SplineError) {
            guard u.coefficients != o || u.degree != p else { return }
            throw SplineError.collocationMismatch(
                "\(name) collocation is for O = \(u.coefficients), p = \(u.degree) but the spline has O = \(o), p = \(p); "
                    + "build it with Collocation(points:coefficients: \(o), degree: \(p))")
        }
        try check("rows", rows)
        try check("columns", columns)
        let h = rows.points, w = columns.points
        let zCount = try checkedProduct(h, w, "output \(h) x \(w)")
        let tCount = try checkedProduct(o, w, "scratch \(o) x \(w)")
        guard output.count >= zCount else { throw SplineError.bufferTooSmall(name: "output", needed: zCount, got: output.count) }
        guard scratch.count >= tCount else { throw SplineError.bufferTooSmall(name: "scratch", needed: tCount, got: scratch.count) }
        guard let zp = output.baseAddress, let tp = scratch.baseAddress else { return nil }  // counts >= 1 here
        return coefficients.withUnsafeBufferPointer { cb in
            columns.first.withUnsafeBufferPointer { cf in
                columns.weights.withUnsafeBufferPointer { cw in
                    rows.first.withUnsafeBufferPointer { rf in
                        rows.weights.withUnsafeBufferPointer { rw in
                            body(GridPasses(taps: p + 1, o: o, h: h, w: w, c: cb.baseAddress!,
                                            columnFirst: cf.baseAddress!, columnWeights: cw.baseAddress!,
                                            rowFirst: rf.baseAddress!, rowWeights: rw.baseAddress!, t: tp, z: zp))
                        }
                    }
                }
            }
        }
    }

    /// Convenience form: F on an H x W pixel grid, H*W floats row-major (allocates).
    public func evaluate(rows h: Int, cols w: Int, threads: Int = 1) throws(SplineError) -> [Float] {
        try evaluate(grid: PixelGrid(rows: h, cols: w), threads: threads)
    }

    /// F on `grid`. Another resolution of the same image (e.g. N times finer: N(H-1)+1 x
    /// N(W-1)+1 points, which sample pixel coordinates in steps of 1/N) is just another grid.
    public func evaluate(grid: PixelGrid, threads: Int = 1) throws(SplineError) -> [Float] {
        try evaluate(grid: grid, dRows: false, dCols: false, threads: threads)
    }

    /// dF/dx and dF/dy (pixel units, x = column, y = row) on `grid`, each H*W floats.
    public func gradient(grid: PixelGrid, threads: Int = 1) throws(SplineError) -> (dx: [Float], dy: [Float]) {
        (try evaluate(grid: grid, dRows: false, dCols: true, threads: threads),
         try evaluate(grid: grid, dRows: true, dCols: false, threads: threads))
    }

    private func evaluate(grid: PixelGrid, dRows: Bool, dCols: Bool, threads: Int) throws(SplineError) -> [Float] {
        let ur = try Collocation(points: grid.rows, coefficients: size, degree: degree, derivative: dRows)
        let uc = try Collocation(points: grid.cols, coefficients: size, degree: degree, derivative: dCols)
        var z = [Float](repeating: 0, count: grid.count)
        var t = [Float](repeating: 0, count: try checkedProduct(size, grid.cols, "scratch"))
        try z.withUnsafeMutableBufferPointer { (zb) throws(SplineError) in
            try t.withUnsafeMutableBufferPointer { (tb) throws(SplineError) in
                try evaluate(into: zb, rows: ur, columns: uc, scratch: tb, threads: threads)
            }
        }
        return z
    }
}

/// Runs body over `count` items split into min(threads, count) contiguous chunks.
@inline(__always)
func parallelRanges(_ count: Int, _ threads: Int, _ body: (Range<Int>) -> Void) {
    let chunks = min(threads, count)
    if chunks <= 1 {
        body(0..<count)
        return
    }
    // The chunks write disjoint rows through raw pointers, so sharing `body` is race-free
    // although Swift cannot see that (it captures non-Sendable pointers).
    withoutActuallyEscaping(body) { escapable in
        nonisolated(unsafe) let shared = escapable
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            shared((count * c / chunks)..<(count * (c + 1) / chunks))
        }
    }
}

/// The two banded passes of one grid evaluation (`ImplicitSpline.withGridPasses`), valid only
/// inside that call. T = C U_W^T (O x W, in the scratch), then Z = U_H T (H x W). Each pass
/// writes only the rows of its range.
public struct GridPasses: @unchecked Sendable {
    let taps: Int, o: Int, h: Int, w: Int
    let c: UnsafePointer<Float>
    let columnFirst: UnsafePointer<Int>, columnWeights: UnsafePointer<Float>
    let rowFirst: UnsafePointer<Int>, rowWeights: UnsafePointer<Float>
    let t: UnsafeMutablePointer<Float>, z: UnsafeMutablePointer<Float>

    /// Rows of the first pass (O: one per coefficient row).
    public var columnPassRows: Int { o }
    /// Rows of the second pass (H: one per output row).
    public var rowPassRows: Int { h }

    /// T rows `range` (within 0..<columnPassRows).
    public func columnPass(_ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= o, "GridPasses.columnPass: rows \(range) of \(o)")
        SplineCore.columnPass(taps: taps, c: c, o: o, first: columnFirst, weights: columnWeights, t: t, w: w, range: range)
    }

    /// Z rows `range` (within 0..<rowPassRows), after every row of the first pass.
    public func rowPass(_ range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= h, "GridPasses.rowPass: rows \(range) of \(h)")
        SplineCore.rowPass(taps: taps, t: UnsafePointer(t), w: w, first: rowFirst, weights: rowWeights, z: z, range: range)
    }
}
