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
    /// too (the padding channels). `workspace` is reused (I * W Doubles, two normalised native
    /// rows and the resize taps, kept while the image size stays the same), so repeated calls for
    /// one image size do not allocate. The S x S padded square is never materialised: square row
    /// q is native row q - top (zero outside), so memory stays O(I * W) however elongated the
    /// slice.
    ///
    /// Each output value is computed with the operations of `PreprocessReference` (tests compare
    /// them bitwise); the speed comes from the order: a native row is normalised once and kept
    /// while consecutive output rows read it (the row pass used to normalise two native rows per
    /// output row: 2 I W divisions instead of H W), and the column pass runs along output rows
    /// (contiguous reads and writes instead of one column of the I x I output at a time).
    /// With the z-score's pairwise sums (PairwiseSum.swift), 128 x 128 -> 128 went from 102-146 to
    /// 38-62 us per slice and 512 x 512 -> 512 from 2.3-2.7 to 0.6-1.0 ms
    /// (`Benchmarks/preprocess-bench/run.sh OLD.swift`, three alternating rounds); with the column
    /// pass as flat tables (`ColumnTaps`, session 24) 23.1-23.3 -> 13.5-13.6 us (median; one
    /// round 18.1) and 379-382 -> 235-237 us on a Zen 5.
    func write(
        _ pixels: [Float], width w: Int, height h: Int, workspace ws: inout PreprocessWorkspace,
        into out: UnsafeMutablePointer<Float>, rowStride: Int, pixelStride: Int
    ) {
        let norm = normalization(pixels)
        let i = params.input
        let (rows, cols, top, left) = resizeAxes(height: h, width: w)
        // Rows first: (rows x W native columns) -> (I x W), then columns: -> (I x I).
        let rs = ws.taps(from: rows, to: i, column: false)
        ws.prepareColumns(from: cols, to: i, left: left, width: w)
        // Rows of the (I x W) intermediate are W + 1 long: index W stays 0.0, the value of a
        // column outside the slice, so the column pass reads its taps without a branch.
        let ts = w + 1
        if ws.tmp.count < i * ts { ws.tmp = [Double](repeating: 0, count: i * ts) }
        if ws.normRows.count < 2 * w { ws.normRows = [Double](repeating: 0, count: 2 * w) }
        pixels.withUnsafeBufferPointer { xb in
            ws.tmp.withUnsafeMutableBufferPointer { tb in
                ws.normRows.withUnsafeMutableBufferPointer { nb in
                    let x = xb.baseAddress!, t = tb.baseAddress!, cache = nb.baseAddress!
                    // Two slots of normalised native rows (slot0 / slot1: the native row held,
                    // Int.min: empty; rows above the slice are negative); a row outside the slice
                    // is all zeros, as in the reference. The rows of one output row never evict
                    // each other.
                    var slot0 = Int.min, slot1 = Int.min
                    for o in 0..<i {
                        let (a, b, f) = rs.taps[o]
                        let ra = a - top, rb = b - top
                        var sa = slot0 == ra ? 0 : slot1 == ra ? 1 : -1
                        var sb = slot0 == rb ? 0 : slot1 == rb ? 1 : -1
                        if sa < 0 { sa = sb == 0 ? 1 : 0 }
                        if sb < 0 { sb = ra == rb ? sa : 1 - sa }
                        for k in 0..<2 {
                            let slot = k == 0 ? sa : sb, r = k == 0 ? ra : rb
                            if (slot == 0 ? slot0 : slot1) == r { continue }
                            let d = cache + slot * w
                            if r >= 0 && r < h {
                                let src = x + r * w
                                for c in 0..<w { d[c] = norm.apply(src[c]) }
                            } else {
                                d.update(repeating: 0, count: w)
                            }
                            if slot == 0 { slot0 = r } else { slot1 = r }
                        }
                        let va = UnsafePointer(cache + sa * w), vb = UnsafePointer(cache + sb * w)
                        let dst = t + o * ts
                        for c in 0..<w { dst[c] = (1 - f) * va[c] + f * vb[c] }
                        dst[w] = 0
                    }
                }
                ws.columns!.apply(UnsafePointer(tb.baseAddress!), rows: i, rowStride: ts, into: out,
                                  outRowStride: rowStride, pixelStride: pixelStride)
            }
        }
    }

    /// Intensity normalisation as a per-pixel map (float64, as preprocess.py).
    struct Normalization {
        let window: Bool, lo: Double, span: Double, mean: Double, scale: Double
        @inline(__always) func apply(_ v: Float) -> Double {
            window ? min(max((Double(v) - lo) / span, 0), 1) : (Double(v) - mean) / scale
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

/// The column pass of `Preprocessor.write` as flat tables: output column o reads intermediate
/// columns `a[o]`, `b[o]` (W, the row's trailing 0.0, for columns outside the slice) with
/// weights `wa[o]` = 1 - f and `wb[o]` = f, the values the per-pixel form computed, so the same
/// bits. Four output columns at a time in SIMD4<Double>: the branchy per-pixel loop took about
/// half of the 128 x 128 -> 128 preprocessing.
struct ColumnTaps {
    let from: Int, to: Int, left: Int, width: Int
    let a: [Int], b: [Int], wa: [Double], wb: [Double]

    init(_ taps: ResizeTaps, to n: Int, left: Int, width w: Int) {
        (from, to, self.left, width) = (taps.from, n, left, w)
        func inside(_ c: Int) -> Int { c - left >= 0 && c - left < w ? c - left : w }
        a = taps.taps.map { inside($0.0) }
        b = taps.taps.map { inside($0.1) }
        wa = taps.taps.map { 1 - $0.2 }
        wb = taps.taps.map { $0.2 }
    }

    /// `rows` rows of `src` (row r at src + r * rowStride, W + 1 values, the last 0) -> output
    /// row r at out + r * outRowStride, column o at + o * pixelStride (8: the 7 floats after it
    /// zeroed, the padding channels of an NCHWc8 input).
    func apply(_ src: UnsafePointer<Double>, rows: Int, rowStride: Int, into out: UnsafeMutablePointer<Float>,
               outRowStride: Int, pixelStride: Int) {
        let n = to, n4 = n & ~3
        a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
        wa.withUnsafeBufferPointer { wap in
        wb.withUnsafeBufferPointer { wbp in
            let ia = ap.baseAddress!, ib = bp.baseAddress!, fa = wap.baseAddress!, fb = wbp.baseAddress!
            for r in 0..<rows {
                let s = src + r &* rowStride
                let row = out + r &* outRowStride
                var o = 0
                while o < n4 {
                    let va = SIMD4(s[ia[o]], s[ia[o &+ 1]], s[ia[o &+ 2]], s[ia[o &+ 3]])
                    let vb = SIMD4(s[ib[o]], s[ib[o &+ 1]], s[ib[o &+ 2]], s[ib[o &+ 3]])
                    let ka = UnsafeRawPointer(fa + o).loadUnaligned(as: SIMD4<Double>.self)
                    let kb = UnsafeRawPointer(fb + o).loadUnaligned(as: SIMD4<Double>.self)
                    let v = SIMD4<Float>(ka * va + kb * vb)
                    if pixelStride == 1 {
                        UnsafeMutableRawPointer(row + o).storeBytes(of: v, as: SIMD4<Float>.self)
                    } else {
                        for j in 0..<4 { put(v[j], row + (o &+ j) &* pixelStride, pixelStride) }
                    }
                    o &+= 4
                }
                while o < n {
                    put(Float(fa[o] * s[ia[o]] + fb[o] * s[ib[o]]), row + o &* pixelStride, pixelStride)
                    o &+= 1
                }
            }
        }
        }
        }
        }
    }

    @inline(__always) private func put(_ v: Float, _ q: UnsafeMutablePointer<Float>, _ pixelStride: Int) {
        q[0] = v
        if pixelStride == 8 { (q + 1).update(repeating: 0, count: 7) }
    }
}

/// Reusable buffers of `Preprocessor.write`.
struct PreprocessWorkspace {
    /// The column pass's tables (`prepareColumns`), kept while the sizes stay the same.
    var columns: ColumnTaps?
    var tmp: [Double] = []
    /// Two normalised native rows (`Preprocessor.write`'s row pass).
    var normRows: [Double] = []
    private var rowTaps: ResizeTaps?
    private var columnTaps: ResizeTaps?

    /// Builds `columns` for nIn -> nOut columns, slice at `left`, `width` wide, unless already so.
    mutating func prepareColumns(from nIn: Int, to nOut: Int, left: Int, width: Int) {
        if let c = columns, c.from == nIn, c.to == nOut, c.left == left, c.width == width { return }
        columns = ColumnTaps(taps(from: nIn, to: nOut, column: true), to: nOut, left: left, width: width)
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
    let taps: [(Int, Int, Double)]
    init(from nIn: Int, to nOut: Int) {
        from = nIn
        if nIn == 1 || nOut == 1 {
            taps = Array(repeating: (0, 0, 0.0), count: nOut)
            return
        }
        taps = (0..<nOut).map { o in
            let x = Double(o) * Double(nIn - 1) / Double(nOut - 1)
            let x0 = min(Int(x.rounded(.down)), nIn - 1)
            return (x0, min(x0 + 1, nIn - 1), x - Double(x0))
        }
    }
}
