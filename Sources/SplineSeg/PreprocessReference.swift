/// Plain reference of `Preprocessor.write` (same signature): the straightforward loops, one
/// output row of the row pass at a time with both native rows normalised in place, then one
/// output column at a time. `Preprocessor.write` computes every value with the same operations
/// in another order; `PreprocessTests` compares the two bitwise.
extension Preprocessor {
    func referenceWrite(
        _ pixels: [Float], width w: Int, height h: Int, workspace _: inout PreprocessWorkspace,
        into out: UnsafeMutablePointer<Float>, rowStride: Int, pixelStride: Int
    ) {
        let norm = normalization(pixels)
        let i = params.input
        let (rows, cols, top, left) = resizeAxes(height: h, width: w)
        let rs = ResizeTaps(from: rows, to: i), cs = ResizeTaps(from: cols, to: i)
        var t = [Double](repeating: 0, count: i * w)
        for o in 0..<i {
            let (a, b, f) = rs.taps[o]
            let ra = a - top, rb = b - top
            let inA = ra >= 0 && ra < h, inB = rb >= 0 && rb < h
            for c in 0..<w {
                let va = inA ? norm.apply(pixels[ra * w + c]) : 0, vb = inB ? norm.apply(pixels[rb * w + c]) : 0
                t[o * w + c] = (1 - f) * va + f * vb
            }
        }
        for o in 0..<i {
            let (a, b, f) = cs.taps[o]
            let ca = a - left, cb = b - left
            let inA = ca >= 0 && ca < w, inB = cb >= 0 && cb < w
            for r in 0..<i {
                let va = inA ? t[r * w + ca] : 0, vb = inB ? t[r * w + cb] : 0
                let q = out + r * rowStride + o * pixelStride
                q[0] = Float((1 - f) * va + f * vb)
                if pixelStride == 8 { (q + 1).update(repeating: 0, count: 7) }
            }
        }
    }
}
