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
        let x = normalized(pixels)
        let i = params.input
        let (rows, cols, img): (Int, Int, [Double])
        if params.geometry == "pad-square" {
            let g = SquareGeometry(height: h, width: w)
            var sq = [Double](repeating: 0, count: g.side * g.side)  // pad value 0
            for r in 0..<h {
                for c in 0..<w { sq[(r + g.top) * g.side + c + g.left] = x[r * w + c] }
            }
            (rows, cols, img) = (g.side, g.side, sq)
        } else {
            (rows, cols, img) = (h, w, x)
        }
        // Rows first: (rows x cols) -> (I x cols), then columns: -> (I x I).
        let rs = ResizeTaps(from: rows, to: i), cs = ResizeTaps(from: cols, to: i)
        var tmp = [Double](repeating: 0, count: i * cols)
        for o in 0..<i {
            let (a, b, t) = rs.taps[o]
            for c in 0..<cols { tmp[o * cols + c] = (1 - t) * img[a * cols + c] + t * img[b * cols + c] }
        }
        var out = [Float](repeating: 0, count: i * i)
        for r in 0..<i {
            for o in 0..<i {
                let (a, b, t) = cs.taps[o]
                out[r * i + o] = Float((1 - t) * tmp[r * cols + a] + t * tmp[r * cols + b])
            }
        }
        return out
    }

    private func normalized(_ pixels: [Float]) -> [Double] {
        let n = Double(pixels.count)
        if params.intensity == "window", let win = params.window {
            let lo = win[0], span = win[1] - win[0]
            return pixels.map { min(max((Double($0) - lo) / span, 0), 1) }
        }
        var sum = 0.0
        for v in pixels { sum += Double(v) }
        let mean = sum / n
        var ss = 0.0
        for v in pixels { let d = Double(v) - mean; ss += d * d }
        let scale = max((ss / n).squareRoot(), params.stdFloor)
        return pixels.map { (Double($0) - mean) / scale }
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
    let taps: [(Int, Int, Double)]
    init(from nIn: Int, to nOut: Int) {
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
