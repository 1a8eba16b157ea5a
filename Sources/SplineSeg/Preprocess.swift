import SplineKernels
import SplineModel
/// Raw slice (H x W, row-major) -> I x I network input, exactly as
/// tools/splineseg_train/preprocess.py: float64 arithmetic, result cast to Float.
///   intensity zscore-slice: (x - mean) / max(std, std_floor), population std over the slice;
///             window:       clip((x - lo) / (hi - lo), 0, 1).
///   geometry  pad-square:   S = max(H, W), slice at (top, left) = ((S-H)/2, (S-W)/2) in an S x S
///                           square of zeros, then bilinear align-corners resize S -> I;
///             stretch:      resize H -> I and W -> I.
/// The resize is separable (rows first, then columns).
struct Preprocessor: Sendable {
    let params: ModelSpec.Preprocessing.Parameters

    /// `pixels` must be finite, count = width * height >= 1 (checked by the caller).
    func networkInput(_ pixels: [Float], width w: Int, height h: Int) -> [Float] {
        var out = [Float](repeating: 0, count: params.input * params.input)
        var ws = PreprocessWorkspace()
        out.withUnsafeMutableBufferPointer { o in
            write(pixels, width: w, height: h, workspace: &ws, into: o.baseAddress!, rowStride: params.input, pixelStride: 1)
        }
        return out
    }

    /// Writes the I x I input to `out`: pixel (r, c) at out[r * rowStride + c * pixelStride]; with
    /// pixelStride 8 (the NCHWc8 input buffer's interior) the 7 floats after each pixel are zeroed
    /// too (the padding channels). `workspace` is reused (per part two normalised native rows and
    /// one resized row, W + 1 Doubles, and the resize taps, kept while the image size stays the
    /// same), so repeated calls for one image size do not allocate. The S x S padded square is
    /// never materialised: square row q is native row q - top (zero outside), so memory stays
    /// O(W) however elongated the slice.
    ///
    /// Each output value is computed with the operations of `PreprocessReference` (tests compare
    /// them bitwise); the speed comes from the order: a native row is normalised once and kept
    /// while consecutive output rows read it (the row pass used to normalise two native rows per
    /// output row: 2 I W divisions instead of H W), and each output row is resized along its
    /// columns right after its row pass (contiguous reads and writes, the row still in L1).
    /// With `runner` the output rows are split into `parts` near-equal ranges, each with its own
    /// normalised rows (a part re-normalises the one or two native rows it shares with the part
    /// before: the same values), after the z-score statistics; any split gives the same bits.
    /// With the z-score's pairwise sums (PairwiseSum.swift), 128 x 128 -> 128 went from 102-146 to
    /// 38-62 us per slice and 512 x 512 -> 512 from 2.3-2.7 to 0.6-1.0 ms
    /// (`Benchmarks/preprocess-bench/run.sh OLD.swift`, three alternating rounds); with the column
    /// pass as flat tables (`ColumnTaps`, session 24) 23.1-23.3 -> 13.5-13.6 us (median; one
    /// round 18.1) and 379-382 -> 235-237 us on a Zen 5.
    func write(
        _ pixels: [Float], width w: Int, height h: Int, workspace ws: inout PreprocessWorkspace,
        into out: UnsafeMutablePointer<Float>, rowStride: Int, pixelStride: Int,
        runner: (any RowJobRunner)? = nil, parts requested: Int = 1
    ) {
        let norm = normalization(pixels)
        let i = params.input
        let (rows, cols, top, left) = resizeAxes(height: h, width: w)
        let rs = ws.taps(from: rows, to: i, column: false)
        let cs = ws.prepareColumns(from: cols, to: i, left: left, width: w)
        let parts = runner == nil ? 1 : max(1, min(requested, i))
        let ts = w + 1
        if ws.tmp.count < parts * ts { ws.tmp = AlignedBuffer(repeating: 0, count: parts * ts) }
        if ws.normRows.count < parts * 2 * w { ws.normRows = AlignedBuffer(repeating: 0, count: parts * 2 * w) }
        // rs and cs also sit in the workspace's caches; kept alive here explicitly, since the job
        // holds only their pointers.
        withExtendedLifetime((rs, cs)) {
            pixels.withUnsafeBufferPointer { xb in
                var job = PreprocessRows(
                    x: xb.baseAddress!, width: w, height: h, top: top, norm: norm, rowTaps: UnsafePointer(rs.taps.base),
                    cache: ws.normRows.base, tmp: ws.tmp.base, ia: UnsafePointer(cs.a.base), ib: UnsafePointer(cs.b.base),
                    fa: UnsafePointer(cs.wa.base), fb: UnsafePointer(cs.wb.base), outputs: i, out: out, rowStride: rowStride,
                    pixelStride: pixelStride)
                if parts == 1 {
                    job.rows(0..<i, slot: 0)
                } else {
                    withUnsafeMutablePointer(to: &job) { ctx in
                        runner!.run(parts: parts, context: ctx) { c, part, parts in
                            let j = c!.assumingMemoryBound(to: PreprocessRows.self).pointee
                            j.rows(j.outputs &* part / parts..<j.outputs &* (part &+ 1) / parts, slot: part)
                        }
                    }
                }
            }
        }
    }

    /// Intensity normalisation as a per-pixel map (float64, as preprocess.py).
    struct Normalization {
        let window: Bool, lo: Double, span: Double, mean: Double, scale: Double
        /// The map of one value (the reference); the fast row pass runs one loop per map over
        /// the same two functions.
        @inline(__always) func apply(_ v: Float) -> Double {
            window ? Self.window(v, lo, span) : Self.zscore(v, mean, scale)
        }
        @inline(__always) static func window(_ v: Float, _ lo: Double, _ span: Double) -> Double {
            min(max((Double(v) - lo) / span, 0), 1)
        }
        @inline(__always) static func zscore(_ v: Float, _ mean: Double, _ scale: Double) -> Double {
            (Double(v) - mean) / scale
        }
    }

    /// Axis lengths before the resize (rows, cols) and where the native slice sits on them
    /// (top, left): the S x S square for pad-square, the slice itself for stretch.
    func resizeAxes(height h: Int, width w: Int) -> (rows: Int, cols: Int, top: Int, left: Int) {
        guard params.geometry == "pad-square" else { return (h, w, 0, 0) }
        let g = SquareGeometry(height: h, width: w)
        return (g.side, g.side, g.top, g.left)
    }

    func normalization(_ pixels: [Float]) -> Normalization {
        if params.intensity == "window", let win = params.window {
            return Normalization(window: true, lo: win[0], span: win[1] - win[0], mean: 0, scale: 1)
        }
        // NumPy's x.mean() and x.std() (ddof 0) on the float64 slice, in its summation order.
        let (mean, std) = pixels.withUnsafeBufferPointer { p -> (Double, Double) in
            let n = Double(p.count)
            let mean = numpyPairwiseSum(count: p.count) { Double(p[$0]) } / n
            let ss = numpyPairwiseSum(count: p.count) { let d = Double(p[$0]) - mean; return d * d }
            return (mean, (ss / n).squareRoot())
        }
        return Normalization(window: false, lo: 0, span: 1, mean: mean, scale: max(std, params.stdFloor))
    }
}

/// Runs `parts` calls of a C-convention job, possibly on several threads (FastEngine: its
/// WorkerPool, whose `run` has exactly this form); returns when all are done.
protocol RowJobRunner {
    func run(parts: Int, context: UnsafeMutableRawPointer?,
             _ job: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void)
}

/// `Preprocessor.write`'s per-row work over raw pointers (trivial, so the parts on other threads
/// touch no reference count): for each output row, the row pass (two normalised native rows,
/// cached in the part's two slots) into the part's resized row, then its column pass.
struct PreprocessRows {
    let x: UnsafePointer<Float>, width: Int, height: Int, top: Int
    let norm: Preprocessor.Normalization
    let rowTaps: UnsafePointer<(Int, Int, Double)>
    /// parts x 2 x W normalised native rows, parts x (W + 1) resized rows.
    let cache: UnsafeMutablePointer<Double>, tmp: UnsafeMutablePointer<Double>
    let ia: UnsafePointer<Int>, ib: UnsafePointer<Int>, fa: UnsafePointer<Double>, fb: UnsafePointer<Double>
    let outputs: Int, out: UnsafeMutablePointer<Float>, rowStride: Int, pixelStride: Int

    func rows(_ range: Range<Int>, slot part: Int) {
        let w = width
        let cache = self.cache + part &* 2 &* w, t = tmp + part &* (w &+ 1)
        t[w] = 0
        // Two slots of normalised native rows (slot0 / slot1: the native row held, Int.min:
        // empty; rows above the slice are negative); a row outside the slice is all zeros, as in
        // the reference. The rows of one output row never evict each other.
        var slot0 = Int.min, slot1 = Int.min
        for o in range {
            let (a, b, f) = rowTaps[o]
            let ra = a - top, rb = b - top
            var sa = slot0 == ra ? 0 : slot1 == ra ? 1 : -1
            var sb = slot0 == rb ? 0 : slot1 == rb ? 1 : -1
            if sa < 0 { sa = sb == 0 ? 1 : 0 }
            if sb < 0 { sb = ra == rb ? sa : 1 - sa }
            for k in 0..<2 {
                let slot = k == 0 ? sa : sb, r = k == 0 ? ra : rb
                if (slot == 0 ? slot0 : slot1) == r { continue }
                let d = cache + slot * w
                if r >= 0 && r < height {
                    // One loop per map: LLVM left the choice inside this one and computed both
                    // (two divisions and a blend per pixel: 13.5 -> 21.4 us at 128 x 128).
                    let src = x + r * w
                    if norm.window {
                        let lo = norm.lo, span = norm.span
                        for c in 0..<w { d[c] = Preprocessor.Normalization.window(src[c], lo, span) }
                    } else {
                        let mean = norm.mean, scale = norm.scale
                        for c in 0..<w { d[c] = Preprocessor.Normalization.zscore(src[c], mean, scale) }
                    }
                } else {
                    d.update(repeating: 0, count: w)
                }
                if slot == 0 { slot0 = r } else { slot1 = r }
            }
            let va = UnsafePointer(cache + sa * w), vb = UnsafePointer(cache + sb * w)
            for c in 0..<w { t[c] = (1 - f) * va[c] + f * vb[c] }
            ColumnTaps.apply(UnsafePointer(t), ia: ia, ib: ib, fa: fa, fb: fb, count: outputs,
                             into: out + o &* rowStride, pixelStride: pixelStride)
        }
    }
}

/// The column pass of `Preprocessor.write` as flat tables: output column o reads intermediate
/// columns `a[o]`, `b[o]` (W, the row's trailing 0.0, for columns outside the slice) with
/// weights `wa[o]` = 1 - f and `wb[o]` = f, the values the per-pixel form computed, so the same
/// bits. Four output columns at a time in SIMD4<Double>: the branchy per-pixel loop took about
/// half of the 128 x 128 -> 128 preprocessing.
struct ColumnTaps {
    let from: Int, to: Int, left: Int, width: Int
    let a: AlignedBuffer<Int>, b: AlignedBuffer<Int>, wa: AlignedBuffer<Double>, wb: AlignedBuffer<Double>

    init(_ taps: ResizeTaps, to n: Int, left: Int, width w: Int) {
        (from, to, self.left, width) = (taps.from, n, left, w)
        func inside(_ c: Int) -> Int { c - left >= 0 && c - left < w ? c - left : w }
        let t = taps.taps
        a = AlignedBuffer(count: n) { inside(t[$0].0) }
        b = AlignedBuffer(count: n) { inside(t[$0].1) }
        wa = AlignedBuffer(count: n) { 1 - t[$0].2 }
        wb = AlignedBuffer(count: n) { t[$0].2 }
    }

    /// One resized row `src` (W + 1 values, the last 0) -> `count` output values at
    /// out + o * pixelStride (8: the 7 floats after each zeroed, the padding channels of an
    /// NCHWc8 input), through the tables' pointers.
    @inline(__always)
    static func apply(_ s: UnsafePointer<Double>, ia: UnsafePointer<Int>, ib: UnsafePointer<Int>,
                      fa: UnsafePointer<Double>, fb: UnsafePointer<Double>, count n: Int,
                      into row: UnsafeMutablePointer<Float>, pixelStride: Int) {
        let n4 = n & ~3
        @inline(__always) func four(_ o: Int) -> SIMD4<Float> {
            let va = SIMD4(s[ia[o]], s[ia[o &+ 1]], s[ia[o &+ 2]], s[ia[o &+ 3]])
            let vb = SIMD4(s[ib[o]], s[ib[o &+ 1]], s[ib[o &+ 2]], s[ib[o &+ 3]])
            let ka = UnsafeRawPointer(fa + o).loadUnaligned(as: SIMD4<Double>.self)
            let kb = UnsafeRawPointer(fb + o).loadUnaligned(as: SIMD4<Double>.self)
            return SIMD4<Float>(ka * va + kb * vb)
        }
        var o = 0
        if pixelStride == 1 {
            while o < n4 {
                UnsafeMutableRawPointer(row + o).storeBytes(of: four(o), as: SIMD4<Float>.self)
                o &+= 4
            }
        } else {
            while o < n4 {
                let v = four(o)
                for j in 0..<4 { put(v[j], row + (o &+ j) &* pixelStride, pixelStride) }
                o &+= 4
            }
        }
        while o < n {
            put(Float(fa[o] * s[ia[o]] + fb[o] * s[ib[o]]), row + o &* pixelStride, pixelStride)
            o &+= 1
        }
    }

    @inline(__always) private static func put(_ v: Float, _ q: UnsafeMutablePointer<Float>, _ pixelStride: Int) {
        q[0] = v
        if pixelStride == 8 { (q + 1).update(repeating: 0, count: 7) }
    }
}

/// Reusable buffers of `Preprocessor.write`.
struct PreprocessWorkspace {
    /// The column pass's tables (`prepareColumns`), kept while the sizes stay the same.
    var columns: ColumnTaps?
    /// Per part one resized row, W + 1 long (index W: 0.0, see `ColumnTaps`).
    var tmp = AlignedBuffer<Double>(repeating: 0, count: 0)
    /// Per part two normalised native rows (`Preprocessor.write`'s row pass).
    var normRows = AlignedBuffer<Double>(repeating: 0, count: 0)
    private var rowTaps: ResizeTaps?
    private var columnTaps: ResizeTaps?

    /// `columns` for nIn -> nOut columns, slice at `left`, `width` wide, built unless already so.
    mutating func prepareColumns(from nIn: Int, to nOut: Int, left: Int, width: Int) -> ColumnTaps {
        if let c = columns, c.from == nIn, c.to == nOut, c.left == left, c.width == width { return c }
        let c = ColumnTaps(taps(from: nIn, to: nOut, column: true), to: nOut, left: left, width: width)
        columns = c
        return c
    }

    /// Taps nIn -> nOut, rebuilt only when the sizes change.
    mutating func taps(from nIn: Int, to nOut: Int, column: Bool) -> ResizeTaps {
        let cached = column ? columnTaps : rowTaps
        if let c = cached, c.from == nIn, c.taps.count == nOut { return c }
        let t = ResizeTaps(from: nIn, to: nOut)
        if column { columnTaps = t } else { rowTaps = t }
        return t
    }
}

/// pad-square placement of an H x W slice: S = max(H, W), top = (S-H)/2, left = (S-W)/2.
struct SquareGeometry: Sendable {
    let side: Int, top: Int, left: Int
    init(height h: Int, width w: Int) {
        side = max(h, w)
        top = (side - h) / 2
        left = (side - w) / 2
    }
}

/// Bilinear align-corners taps n_in -> n_out: output o samples x = o (n_in-1)/(n_out-1),
/// x0 = floor(x), x1 = min(x0+1, n_in-1), weight t = x - x0 on x1. One side of 1: all from 0.
struct ResizeTaps {
    let from: Int
    let taps: AlignedBuffer<(Int, Int, Double)>
    init(from nIn: Int, to nOut: Int) {
        from = nIn
        if nIn == 1 || nOut == 1 {
            taps = AlignedBuffer(repeating: (0, 0, 0.0), count: nOut)
            return
        }
        taps = AlignedBuffer(count: nOut) { o in
            let x = Double(o) * Double(nIn - 1) / Double(nOut - 1)
            let x0 = min(Int(x.rounded(.down)), nIn - 1)
            return (x0, min(x0 + 1, nIn - 1), x - Double(x0))
        }
    }
}
