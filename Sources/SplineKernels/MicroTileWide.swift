// The register tile for a single 8-channel output block (layers with 8 output channels, or
// the trailing block of an odd count) of the 1x1 and 1-input-channel 3x3 kernels; the 3x3 conv
// over 8-lane inputs uses MicroTileShared3.swift instead (fewer loads per FMA, 77-92 % against
// 51-86 % of the peak here). 7 to 12 output pixels of one row x 8 output channels
// in up to 12 SIMD8<Float> accumulators. The 6 x 8 tile of `microTile` (two: false) has only 6
// independent FMA chains, too few to cover the FMA latency on both pipes (4 cycles x 2), so
// the 8-channel layers of the small models ran at 46-56 % of the FMA peak. Per step: one
// weight vector, 12 broadcasts, 12 FMAs (12 accumulators + 1 weight + 1 broadcast = 14 ymm).
// `tileRowSingle` cuts a row into near-equal tiles of at most 12 pixels, so every tile of a
// row at least 8 wide keeps >= 7 chains (128 = 7 x 12 + 4 x 11, 64 = 4 x 11 + 2 x 10; cutting
// 128 as 10 x 12 + 6 + 2 ran at 71 % of the peak, its 2-pixel tail alone as long as a 12).
//
// Every accumulator sums its taps in the same order as in `microTile` (input block, ky, kx,
// lane), so a pixel's value is bitwise the same whichever tile computed it.
//
// Shapes as in MicroTile.swift with `two` false: weights [blocks][kh][kw][icCount][8],
// bias 8 floats, pixel p at output + p*outPixelStride.

@inlinable @inline(__always)
func microTileWide<G: ConvGeometry, E: Epilogue>(
    _: G.Type, _: E.Type, n: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int,
    blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int,
    accumulate: Bool, finish: Bool
) {
    // n: 7...12 pixels, a literal at every call (the `if n > k` vanish after inlining).
    let kh = G.kh, kw = G.kw, icCount = G.icCount, ps = G.pixelStride
    let s = outPixelStride
    var (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11) =
        loadAcc12(n: n, bias: bias, output: output, stride: s, accumulate: accumulate)
    var wp = weights
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<kh {
            var tp = rp
            for _ in 0..<kw {
                for ic in 0..<icCount {
                    let w = ld8(wp)
                    wp = wp &+ 8
                    a0 = a0.addingProduct(SIMD8<Float>(repeating: tp[ic]), w)
                    a1 = a1.addingProduct(SIMD8<Float>(repeating: tp[ps &+ ic]), w)
                    a2 = a2.addingProduct(SIMD8<Float>(repeating: tp[2 &* ps &+ ic]), w)
                    a3 = a3.addingProduct(SIMD8<Float>(repeating: tp[3 &* ps &+ ic]), w)
                    a4 = a4.addingProduct(SIMD8<Float>(repeating: tp[4 &* ps &+ ic]), w)
                    a5 = a5.addingProduct(SIMD8<Float>(repeating: tp[5 &* ps &+ ic]), w)
                    a6 = a6.addingProduct(SIMD8<Float>(repeating: tp[6 &* ps &+ ic]), w)
                    if n > 7 { a7 = a7.addingProduct(SIMD8<Float>(repeating: tp[7 &* ps &+ ic]), w) }
                    if n > 8 { a8 = a8.addingProduct(SIMD8<Float>(repeating: tp[8 &* ps &+ ic]), w) }
                    if n > 9 { a9 = a9.addingProduct(SIMD8<Float>(repeating: tp[9 &* ps &+ ic]), w) }
                    if n > 10 { a10 = a10.addingProduct(SIMD8<Float>(repeating: tp[10 &* ps &+ ic]), w) }
                    if n > 11 { a11 = a11.addingProduct(SIMD8<Float>(repeating: tp[11 &* ps &+ ic]), w) }
                }
                tp = tp &+ ps
            }
            rp = rp &+ rowStride
        }
        bp = bp &+ inBlockStride
    }
    storeAcc12((a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11), n: n, output: output, stride: s, finish: finish, E.self)
}

/// The 12 accumulators of a 7...12-pixel single-block tile (`microTileWide`,
/// `microTileShared3`; only the first n are used).
@usableFromInline typealias Acc12 = (SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                                     SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
                                     SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>)

/// A tile's starting sums: the bias, or with `accumulate` the partial sums already in its
/// output pixels (pixel p at output + p * s); n is a literal 7...12.
@inlinable @inline(__always)
func loadAcc12(n: Int, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, stride s: Int,
               accumulate: Bool) -> Acc12 {
    let b0 = ld8(bias)
    if !accumulate { return (b0, b0, b0, b0, b0, b0, b0, b0, b0, b0, b0, b0) }
    return (ld8(output), ld8(output &+ s), ld8(output &+ 2 &* s), ld8(output &+ 3 &* s),
            ld8(output &+ 4 &* s), ld8(output &+ 5 &* s), ld8(output &+ 6 &* s),
            n > 7 ? ld8(output &+ 7 &* s) : b0, n > 8 ? ld8(output &+ 8 &* s) : b0,
            n > 9 ? ld8(output &+ 9 &* s) : b0, n > 10 ? ld8(output &+ 10 &* s) : b0,
            n > 11 ? ld8(output &+ 11 &* s) : b0)
}

/// Stores a tile's first n sums (activated with `finish`, raw partial sums before).
@inlinable @inline(__always)
func storeAcc12<E: Epilogue>(_ a: Acc12, n: Int, output: UnsafeMutablePointer<Float>, stride s: Int,
                             finish: Bool, _: E.Type) {
    storeAcc(output, a.0, finish, E.self)
    storeAcc(output &+ s, a.1, finish, E.self)
    storeAcc(output &+ 2 &* s, a.2, finish, E.self)
    storeAcc(output &+ 3 &* s, a.3, finish, E.self)
    storeAcc(output &+ 4 &* s, a.4, finish, E.self)
    storeAcc(output &+ 5 &* s, a.5, finish, E.self)
    storeAcc(output &+ 6 &* s, a.6, finish, E.self)
    if n > 7 { storeAcc(output &+ 7 &* s, a.7, finish, E.self) }
    if n > 8 { storeAcc(output &+ 8 &* s, a.8, finish, E.self) }
    if n > 9 { storeAcc(output &+ 9 &* s, a.9, finish, E.self) }
    if n > 10 { storeAcc(output &+ 10 &* s, a.10, finish, E.self) }
    if n > 11 { storeAcc(output &+ 11 &* s, a.11, finish, E.self) }
}
