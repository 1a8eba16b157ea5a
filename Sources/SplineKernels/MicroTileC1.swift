// The 1-input-channel 3x3 conv (the network's first layer) for one 8-channel output block:
// a whole output row in one loop of 8-pixel tiles. `convRows` runs it once per output block
// for rows of 8+ pixels; narrower rows take the generic tiles.
//
// Why: with one input channel each output vector is only 9 FMAs, so the per-tile costs of
// the generic path (a call per tile, widths picked by division, 1...5-pixel remainder tiles
// whose 9-FMA chains run at latency) were as large as the tile itself: 1 -> 8 @ 128 ran at
// 46-72 % of the FMA peak in sessions 9-10, 1 -> 8 @ 128 x 20 at 44 %. A first version holding
// all 9 tap weights in registers for the row was scheduled by LLVM into stack spills (61-68 %).
//
// Per tile and tap row dy: the 3 weight vectors of dy are loaded and the 10 input pixels
// x ... x + 9 broadcast once each; pixel j feeds accumulator j (dx 0), j - 1 (dx 1) and
// j - 2 (dx 2): 24 FMAs for 13 loads. Registers: 8 accumulators + 3 weights + 1 broadcast.
// A row whose width is not a multiple of 8 ends with the tile of its last 8 pixels, which
// overlaps the one before: the overlapped pixels are recomputed bit for bit and stored again
// (only the thread owning the row writes them).
// Each accumulator sums the bias, then the taps in the order (dy, dx): the order of
// `microTile` and `microTileShared3` for Conv3x3C1 and of the fused first conv's patches
// (WinogradC1Prologue.swift), so every path gives the same bits.
//
// input    the row's first tap: padded plane row y, column 0 (`PlaneShape`), row stride `rowStride`
// weights  tap t = dy * 3 + dx at weights + t * tapStride, 8 floats (tapStride 16 inside a
//          packed pair of blocks, 8 for a trailing odd block); bias 8 floats
// output   pixel 0 of the row (padded NCHWc8), pixel p at output + 8 p

@inlinable @inline(never)
func c1RowSingle<E: Epilogue>(
    _: E.Type, width: Int, input: UnsafePointer<Float>, rowStride rs: Int,
    weights wp: UnsafePointer<Float>, tapStride ts: Int, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>
) {
    assert(width >= 8, "c1RowSingle: rows of 8+ pixels")
    // 8-pixel tiles; a last partial one is the row's last 8 pixels, overlapping the tile before
    // (its pixels are recomputed bit for bit and stored again).
    var x = 0
    while true {
        let b = ld8(bias)
        var a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b, a6 = b, a7 = b
        var r = input &+ x
        var k = wp
        for _ in 0..<3 {
            let k0 = ld8(k), k1 = ld8(k &+ ts), k2 = ld8(k &+ 2 &* ts)
            let v0 = SIMD8<Float>(repeating: r[0]); a0 = a0.addingProduct(v0, k0)
            let v1 = SIMD8<Float>(repeating: r[1]); a0 = a0.addingProduct(v1, k1); a1 = a1.addingProduct(v1, k0)
            let v2 = SIMD8<Float>(repeating: r[2]); a0 = a0.addingProduct(v2, k2); a1 = a1.addingProduct(v2, k1); a2 = a2.addingProduct(v2, k0)
            let v3 = SIMD8<Float>(repeating: r[3]); a1 = a1.addingProduct(v3, k2); a2 = a2.addingProduct(v3, k1); a3 = a3.addingProduct(v3, k0)
            let v4 = SIMD8<Float>(repeating: r[4]); a2 = a2.addingProduct(v4, k2); a3 = a3.addingProduct(v4, k1); a4 = a4.addingProduct(v4, k0)
            let v5 = SIMD8<Float>(repeating: r[5]); a3 = a3.addingProduct(v5, k2); a4 = a4.addingProduct(v5, k1); a5 = a5.addingProduct(v5, k0)
            let v6 = SIMD8<Float>(repeating: r[6]); a4 = a4.addingProduct(v6, k2); a5 = a5.addingProduct(v6, k1); a6 = a6.addingProduct(v6, k0)
            let v7 = SIMD8<Float>(repeating: r[7]); a5 = a5.addingProduct(v7, k2); a6 = a6.addingProduct(v7, k1); a7 = a7.addingProduct(v7, k0)
            let v8 = SIMD8<Float>(repeating: r[8]); a6 = a6.addingProduct(v8, k2); a7 = a7.addingProduct(v8, k1)
            let v9 = SIMD8<Float>(repeating: r[9]); a7 = a7.addingProduct(v9, k2)
            r = r &+ rs
            k = k &+ 3 &* ts
        }
        let o = output &+ x &* 8
        st8(o, E.apply(a0)); st8(o &+ 8, E.apply(a1)); st8(o &+ 16, E.apply(a2)); st8(o &+ 24, E.apply(a3))
        st8(o &+ 32, E.apply(a4)); st8(o &+ 40, E.apply(a5)); st8(o &+ 48, E.apply(a6)); st8(o &+ 56, E.apply(a7))
        if x &+ 8 >= width { return }
        x = min(x &+ 8, width &- 8)
    }
}
