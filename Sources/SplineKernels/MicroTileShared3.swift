// The 3x3 register tile for a single 8-channel output block with each input broadcast shared
// by the three horizontal taps: 7 to 12 output pixels of one row x 8 output channels. Per
// (input block, ky, input lane) step it loads the weight vectors of kx = 0, 1, 2 and broadcasts
// each of the n + 2 input pixels of the row once; pixel j feeds accumulator j (kx 0), j - 1
// (kx 1) and j - 2 (kx 2). 10 pixels: 30 FMAs for 15 loads, against 12 FMAs for 13 loads in
// `microTileWide` (one broadcast per FMA), whose loads (2 per cycle into the FP unit) capped the
// 8-output-channel layers at 81-85 % of the FMA peak.
//
// Each accumulator sums its taps in the order (input block, ky, lane, kx); `microTile` and
// `microTileWide` use (input block, ky, kx, lane). Rows are cut into tiles by width alone, so a
// pixel's value still does not depend on how rows are split between threads.
//
// Shapes as in MicroTile.swift for the 3x3 geometries with `two` false: weights
// [blocks][3][3][icCount][8] (kx = 0, 1, 2 of one (ky, lane) icCount * 8 floats apart), bias 8
// floats, pixel p at output + p * outPixelStride; input is the first tap of pixel 0 (padded row
// y, column x). Conv3x3C8 reads lanes 0...7 of each input block, Conv3x3C1 the single channel
// of the input plane (the network's first layer: 3 steps per tile, 9 FMAs per accumulator).

@inlinable @inline(__always)
func microTileShared3<G: ConvGeometry, E: Epilogue>(
    _: G.Type, _: E.Type, n: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int,
    blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int,
    accumulate: Bool, finish: Bool
) {
    // n: 7...12 pixels, a literal at every call (the `if n > k` vanish after inlining).
    let icCount = G.icCount, kxStride = G.icCount &* 8   // weights [blocks][3][3][icCount][8]
    let ps = G.pixelStride                               // input pixel j of the row at rp + j * ps
    let s = outPixelStride
    var (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) =
        loadAcc12(n: n, bias: bias, output: output, stride: s, accumulate: accumulate)
    var wp = weights
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<3 {
            for ic in 0..<icCount {
                let w0 = ld8(wp &+ ic &* 8), w1 = ld8(wp &+ kxStride &+ ic &* 8)
                let w2 = ld8(wp &+ 2 &* kxStride &+ ic &* 8)
                let v0 = SIMD8<Float>(repeating: rp[ic]); a0 = a0.addingProduct(v0, w0)
                let v1 = SIMD8<Float>(repeating: rp[ps &+ ic]); a0 = a0.addingProduct(v1, w1); a1 = a1.addingProduct(v1, w0)
                let v2 = SIMD8<Float>(repeating: rp[2 &* ps &+ ic]); a0 = a0.addingProduct(v2, w2); a1 = a1.addingProduct(v2, w1); a2 = a2.addingProduct(v2, w0)
                let v3 = SIMD8<Float>(repeating: rp[3 &* ps &+ ic]); a1 = a1.addingProduct(v3, w2); a2 = a2.addingProduct(v3, w1); a3 = a3.addingProduct(v3, w0)
                let v4 = SIMD8<Float>(repeating: rp[4 &* ps &+ ic]); a2 = a2.addingProduct(v4, w2); a3 = a3.addingProduct(v4, w1); a4 = a4.addingProduct(v4, w0)
                let v5 = SIMD8<Float>(repeating: rp[5 &* ps &+ ic]); a3 = a3.addingProduct(v5, w2); a4 = a4.addingProduct(v5, w1); a5 = a5.addingProduct(v5, w0)
                let v6 = SIMD8<Float>(repeating: rp[6 &* ps &+ ic]); a4 = a4.addingProduct(v6, w2); a5 = a5.addingProduct(v6, w1); a6 = a6.addingProduct(v6, w0)
                let v7 = SIMD8<Float>(repeating: rp[7 &* ps &+ ic]); a5 = a5.addingProduct(v7, w2); a6 = a6.addingProduct(v7, w1); if n > 7 { a7 = a7.addingProduct(v7, w0) }
                let v8 = SIMD8<Float>(repeating: rp[8 &* ps &+ ic]); a6 = a6.addingProduct(v8, w2); if n > 7 { a7 = a7.addingProduct(v8, w1) }; if n > 8 { a8 = a8.addingProduct(v8, w0) }
                if n > 7 { let v9 = SIMD8<Float>(repeating: rp[9 &* ps &+ ic]); a7 = a7.addingProduct(v9, w2); if n > 8 { a8 = a8.addingProduct(v9, w1) }; if n > 9 { a9 = a9.addingProduct(v9, w0) } }
                if n > 8 { let v10 = SIMD8<Float>(repeating: rp[10 &* ps &+ ic]); a8 = a8.addingProduct(v10, w2); if n > 9 { a9 = a9.addingProduct(v10, w1) }; if n > 10 { a10 = a10.addingProduct(v10, w0) } }
                if n > 9 { let v11 = SIMD8<Float>(repeating: rp[11 &* ps &+ ic]); a9 = a9.addingProduct(v11, w2); if n > 10 { a10 = a10.addingProduct(v11, w1) }; if n > 11 { a11 = a11.addingProduct(v11, w0) } }
                if n > 10 { let v12 = SIMD8<Float>(repeating: rp[12 &* ps &+ ic]); a10 = a10.addingProduct(v12, w2); if n > 11 { a11 = a11.addingProduct(v12, w1) } }
                if n > 11 { let v13 = SIMD8<Float>(repeating: rp[13 &* ps &+ ic]); a11 = a11.addingProduct(v13, w2) }
            }
            wp = wp &+ 3 &* kxStride
            rp = rp &+ rowStride
        }
        bp = bp &+ inBlockStride
    }
    storeAcc12((a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11), n: n, output: output, stride: s, finish: finish, E.self)
}

/// A whole output row of one 8-channel block with `microTileShared3`, in one loop of
/// near-equal tiles: `wide` tiles of 10 pixels, then tiles of 9 (the split of `tileRowSingle`,
/// 128 pixels: eleven of 10 and two of 9), for rows whose input channels fit one chunk (no
/// partial sums in the output) and whose tiles are 9+ pixels (`shared3RowSplit`).
///
/// Why: `tileRowSingle` makes one call per tile through a switch on its width; one loop per
/// width keeps the OoO window running from one tile into the next. 8 -> 8 @ 128, 1 thread on a
/// quiet CPU: 91-92 % of the FMA peak (median of 11) where the per-tile calls gave 88-89 %.
///
/// Shapes as `microTileShared3` with `outPixelStride` 8, `accumulate` false, `finish` true.
@inlinable @inline(never)
func shared3RowSingle<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type, width: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
) {
    let (count, wide) = shared3RowSplit(width: width)
    assert(count > 0, "shared3RowSingle: tiles of 9 or 10 pixels")
    var ip = input, op = output
    for _ in 0..<wide {
        microTileShared3(g, e, n: 10, input: ip, inBlockStride: inBlockStride, rowStride: rowStride,
                         blocks: blocks, weights: weights, bias: bias, output: op, outPixelStride: 8,
                         accumulate: false, finish: true)
        ip = ip &+ 10 &* G.pixelStride
        op = op &+ 80
    }
    for _ in wide..<count {
        microTileShared3(g, e, n: 9, input: ip, inBlockStride: inBlockStride, rowStride: rowStride,
                         blocks: blocks, weights: weights, bias: bias, output: op, outPixelStride: 8,
                         accumulate: false, finish: true)
        ip = ip &+ 9 &* G.pixelStride
        op = op &+ 72
    }
}

/// The tiles of `shared3RowSingle` for a row of `width` pixels: `count` tiles, the first `wide`
/// of 10 pixels and the rest of 9; count 0 where the near-equal split has tiles under 9 pixels.
@inlinable @inline(__always)
func shared3RowSplit(width: Int) -> (count: Int, wide: Int) {
    let count = (width &+ 9) / 10
    guard count > 0, width / count >= 9 else { return (0, 0) }
    return (count, width &- 9 &* count)
}
