// The register tile shared by every conv-like kernel (3x3, 1x1, 1-channel 3x3,
// 2x2 stride-2 transposed): up to 6 output pixels of one row x 16 (or 8) output
// channels held in 12 (or 6) SIMD8<Float> accumulators. Per step it loads two
// weight vectors (16 output channels of one input channel), broadcasts one input
// value per pixel and issues 12 FMAs: 12 accumulators + 2 weights + 1 broadcast
// = 15 of the 16 ymm registers.
//
// Callers pass literal `n` and `two` (see `tileRow`) so that after inlining every
// `if n > p` / `if two` disappears and each variant is straight-line code. The
// geometry (kh, kw, input lanes) and the epilogue are generic type parameters and
// `tileRowPair`/`tileRowSingle` are specialised but NOT inlined: with everything
// inlined into one kernel function the Swift inliner hit its caller-size limit and
// left calls to ld8/st8 and 128-bit spilling code behind (4x slower).
//
// Shapes (floats):
//   input    first tap of pixel 0 in input block 0; pixel p of tap (ky, kx) is at
//            input + ky*rowStride + (kx + p)*ps, input block b at + b*inBlockStride
//            (ps = G.pixelStride: 8 in NCHWc8, 1 in the 1-channel input plane).
//   weights  [blocks][kh][kw][icCount][two ? 16 : 8]  (packed, see WeightPacking.swift)
//   bias     two ? 16 : 8 floats
//   output   pixel p at output + p*outPixelStride, second 8-channel block at
//            + outBlockStride.
// Input-channel chunking (see ConvDriver.swift): `accumulate` starts from the
// partial sums already in `output` instead of the bias; `finish` applies the
// activation (otherwise the raw partial sums are stored for the next chunk).

/// Kernel window and input lanes per input block, as compile-time constants.
@usableFromInline
protocol ConvGeometry {
    static var kh: Int { get }
    static var kw: Int { get }
    /// 8: every lane of each input block; 1: the single channel of the input plane.
    static var icCount: Int { get }
    /// Floats between horizontally adjacent input pixels: 8 (NCHWc8) or 1 (the 1-channel
    /// network input, a dense padded plane: `PlaneShape`).
    static var pixelStride: Int { get }
}

@usableFromInline
enum Conv3x3C8: ConvGeometry {
    @inlinable static var kh: Int { 3 }
    @inlinable static var kw: Int { 3 }
    @inlinable static var icCount: Int { 8 }
    @inlinable static var pixelStride: Int { 8 }
}

@usableFromInline
enum Conv3x3C1: ConvGeometry {
    @inlinable static var kh: Int { 3 }
    @inlinable static var kw: Int { 3 }
    @inlinable static var icCount: Int { 1 }
    @inlinable static var pixelStride: Int { 1 }
}

@usableFromInline
enum Conv1x1C8: ConvGeometry {
    @inlinable static var kh: Int { 1 }
    @inlinable static var kw: Int { 1 }
    @inlinable static var icCount: Int { 8 }
    @inlinable static var pixelStride: Int { 8 }
}

@inlinable @inline(__always)
func microTile<G: ConvGeometry, E: Epilogue>(
    _: G.Type, _: E.Type, n: Int, two: Bool,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int,
    blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int, outBlockStride: Int,
    accumulate: Bool, finish: Bool
) {
    let kh = G.kh, kw = G.kw, icCount = G.icCount, ps = G.pixelStride
    let o1 = output &+ outBlockStride
    let b0 = ld8(bias)
    let b1 = two ? ld8(bias &+ 8) : SIMD8<Float>()
    var c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1
    var c30 = b0, c31 = b1, c40 = b0, c41 = b1, c50 = b0, c51 = b1
    if accumulate {
        c00 = ld8(output)
        if two { c01 = ld8(o1) }
        if n > 1 { c10 = ld8(output &+ outPixelStride); if two { c11 = ld8(o1 &+ outPixelStride) } }
        if n > 2 { c20 = ld8(output &+ 2 &* outPixelStride); if two { c21 = ld8(o1 &+ 2 &* outPixelStride) } }
        if n > 3 { c30 = ld8(output &+ 3 &* outPixelStride); if two { c31 = ld8(o1 &+ 3 &* outPixelStride) } }
        if n > 4 { c40 = ld8(output &+ 4 &* outPixelStride); if two { c41 = ld8(o1 &+ 4 &* outPixelStride) } }
        if n > 5 { c50 = ld8(output &+ 5 &* outPixelStride); if two { c51 = ld8(o1 &+ 5 &* outPixelStride) } }
    }
    let wStep = two ? 16 : 8
    var wp = weights
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<kh {
            var tp = rp
            for _ in 0..<kw {
                for ic in 0..<icCount {
                    let w0 = ld8(wp)
                    let w1 = two ? ld8(wp &+ 8) : SIMD8<Float>()
                    wp = wp &+ wStep
                    let v0 = SIMD8<Float>(repeating: tp[ic])
                    c00 = c00.addingProduct(v0, w0)
                    if two { c01 = c01.addingProduct(v0, w1) }
                    if n > 1 {
                        let v = SIMD8<Float>(repeating: tp[ps &+ ic])
                        c10 = c10.addingProduct(v, w0)
                        if two { c11 = c11.addingProduct(v, w1) }
                    }
                    if n > 2 {
                        let v = SIMD8<Float>(repeating: tp[2 &* ps &+ ic])
                        c20 = c20.addingProduct(v, w0)
                        if two { c21 = c21.addingProduct(v, w1) }
                    }
                    if n > 3 {
                        let v = SIMD8<Float>(repeating: tp[3 &* ps &+ ic])
                        c30 = c30.addingProduct(v, w0)
                        if two { c31 = c31.addingProduct(v, w1) }
                    }
                    if n > 4 {
                        let v = SIMD8<Float>(repeating: tp[4 &* ps &+ ic])
                        c40 = c40.addingProduct(v, w0)
                        if two { c41 = c41.addingProduct(v, w1) }
                    }
                    if n > 5 {
                        let v = SIMD8<Float>(repeating: tp[5 &* ps &+ ic])
                        c50 = c50.addingProduct(v, w0)
                        if two { c51 = c51.addingProduct(v, w1) }
                    }
                }
                tp = tp &+ ps
            }
            rp = rp &+ rowStride
        }
        bp = bp &+ inBlockStride
    }
    storeAcc(output, c00, finish, E.self)
    if two { storeAcc(o1, c01, finish, E.self) }
    if n > 1 {
        storeAcc(output &+ outPixelStride, c10, finish, E.self)
        if two { storeAcc(o1 &+ outPixelStride, c11, finish, E.self) }
    }
    if n > 2 {
        storeAcc(output &+ 2 &* outPixelStride, c20, finish, E.self)
        if two { storeAcc(o1 &+ 2 &* outPixelStride, c21, finish, E.self) }
    }
    if n > 3 {
        storeAcc(output &+ 3 &* outPixelStride, c30, finish, E.self)
        if two { storeAcc(o1 &+ 3 &* outPixelStride, c31, finish, E.self) }
    }
    if n > 4 {
        storeAcc(output &+ 4 &* outPixelStride, c40, finish, E.self)
        if two { storeAcc(o1 &+ 4 &* outPixelStride, c41, finish, E.self) }
    }
    if n > 5 {
        storeAcc(output &+ 5 &* outPixelStride, c50, finish, E.self)
        if two { storeAcc(o1 &+ 5 &* outPixelStride, c51, finish, E.self) }
    }
}

/// One output row segment of `width` pixels for one 16-channel group (`tileRowPair`:
/// full 6-pixel tiles, then one tile of the remaining 1...5 pixels, each variant with
/// literal `n`) or one 8-channel block (`tileRowSingle`: 12-pixel tiles first).
@inlinable @inline(never)
func tileRowPair<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type, width: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int, outBlockStride: Int,
    accumulate: Bool, finish: Bool
) {
    var x = 0
    for _ in 0..<(width / 6) {
        microTile(
            g, e, n: 6, two: true, input: input &+ x &* G.pixelStride, inBlockStride: inBlockStride, rowStride: rowStride,
            blocks: blocks, weights: weights, bias: bias, output: output &+ x &* outPixelStride,
            outPixelStride: outPixelStride, outBlockStride: outBlockStride, accumulate: accumulate, finish: finish)
        x = x &+ 6
    }
    let ip = input &+ x &* G.pixelStride, op = output &+ x &* outPixelStride
    switch width &- x {
    case 1:
        microTile(
            g, e, n: 1, two: true, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 2:
        microTile(
            g, e, n: 2, two: true, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 3:
        microTile(
            g, e, n: 3, two: true, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 4:
        microTile(
            g, e, n: 4, two: true, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 5:
        microTile(
            g, e, n: 5, two: true, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    default: break
    }
}

@inlinable @inline(never)
func tileRowSingle<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type, width: Int,
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outPixelStride: Int, outBlockStride: Int,
    accumulate: Bool, finish: Bool
) {
    // ceil(width / maxWidth) tiles of near-equal width (`tileSingleWide`): the first `wide`
    // are one pixel wider than the rest; tiles of 1...6 pixels use `microTile`.
    if width <= 0 { return }
    let maxWidth = G.sharesTapBroadcasts ? sharedTileMaxWidth : 12
    let count = (width &+ maxWidth &- 1) / maxWidth
    let narrow = width / count, wide = width &- narrow &* count
    var x = 0
    for t in 0..<count {
        let n = t < wide ? narrow &+ 1 : narrow
        let ip = input &+ x &* G.pixelStride, op = output &+ x &* outPixelStride
        @inline(__always) func wideTile<W: TileWidth>(_ w: W.Type) {
            tileSingleWide(g, e, w, input: ip, inBlockStride: inBlockStride, rowStride: rowStride,
                           blocks: blocks, weights: weights, bias: bias, output: op,
                           outPixelStride: outPixelStride, accumulate: accumulate, finish: finish)
        }
        switch n {
        case 12: wideTile(TileWidth12.self)
        case 11: wideTile(TileWidth11.self)
        case 10: wideTile(TileWidth10.self)
        case 9: wideTile(TileWidth9.self)
        case 8: wideTile(TileWidth8.self)
        case 7: wideTile(TileWidth7.self)
        default:
            tileSingleNarrow(g, e, n: n, input: ip, inBlockStride: inBlockStride, rowStride: rowStride,
                             blocks: blocks, weights: weights, bias: bias, output: op,
                             outPixelStride: outPixelStride, outBlockStride: outBlockStride,
                             accumulate: accumulate, finish: finish)
        }
        x = x &+ n
    }
}

/// A tile of 7...12 pixels for one 8-channel block (3x3: `microTileShared3`, 7...10 pixels;
/// otherwise `microTileWide`): one specialisation per width `W.n` (a
/// compile-time constant). Each is its own non-inlined function: with the widths as literal
/// cases of one switch, the optimiser merged them into calls of one outlined tile with a
/// runtime width (3x slower).
@inlinable @inline(never)
func tileSingleWide<G: ConvGeometry, E: Epilogue, W: TileWidth>(
    _ g: G.Type, _ e: E.Type, _: W.Type,
    input ip: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output op: UnsafeMutablePointer<Float>, outPixelStride: Int,
    accumulate: Bool, finish: Bool
) {
    if G.sharesTapBroadcasts {
        microTileShared3(g, e, n: W.n, input: ip, inBlockStride: inBlockStride, rowStride: rowStride,
                         blocks: blocks, weights: weights, bias: bias, output: op,
                         outPixelStride: outPixelStride, accumulate: accumulate, finish: finish)
        return
    }
    microTileWide(g, e, n: W.n, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
                  weights: weights, bias: bias, output: op, outPixelStride: outPixelStride,
                  accumulate: accumulate, finish: finish)
}

extension ConvGeometry {
    /// Whether single-block tiles of 7+ pixels use `microTileShared3` (3x3, 8-lane or 1-lane
    /// input blocks) rather than `microTileWide` (1x1).
    @inlinable static var sharesTapBroadcasts: Bool { kh == 3 && kw == 3 }
}

/// Widest tile of `microTileShared3`: 10 accumulators + 3 weights + 1 broadcast. Same-run
/// kernel-bench, 1 thread, 301 repeats x 3: 8 -> 8 @ 128 at 77-92 % of the peak with 10, 71-79 %
/// with 11, 76-86 % with 12 (no spills in any; the 10-wide tiles have the most slack per chain).
@inlinable var sharedTileMaxWidth: Int { 10 }

/// Pixels of a wide single-block tile, as a compile-time constant.
@usableFromInline protocol TileWidth { static var n: Int { get } }
@usableFromInline enum TileWidth7: TileWidth { @inlinable static var n: Int { 7 } }
@usableFromInline enum TileWidth8: TileWidth { @inlinable static var n: Int { 8 } }
@usableFromInline enum TileWidth9: TileWidth { @inlinable static var n: Int { 9 } }
@usableFromInline enum TileWidth10: TileWidth { @inlinable static var n: Int { 10 } }
@usableFromInline enum TileWidth11: TileWidth { @inlinable static var n: Int { 11 } }
@usableFromInline enum TileWidth12: TileWidth { @inlinable static var n: Int { 12 } }

/// A tile of 1...6 pixels for one 8-channel block, each width with a literal `n`.
@inlinable @inline(never)
func tileSingleNarrow<G: ConvGeometry, E: Epilogue>(
    _ g: G.Type, _ e: E.Type, n: Int,
    input ip: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output op: UnsafeMutablePointer<Float>, outPixelStride: Int, outBlockStride: Int,
    accumulate: Bool, finish: Bool
) {
    switch n {
    case 6:
        microTile(
            g, e, n: 6, two: false, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 1:
        microTile(
            g, e, n: 1, two: false, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 2:
        microTile(
            g, e, n: 2, two: false, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 3:
        microTile(
            g, e, n: 3, two: false, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 4:
        microTile(
            g, e, n: 4, two: false, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    case 5:
        microTile(
            g, e, n: 5, two: false, input: ip, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
            weights: weights, bias: bias, output: op, outPixelStride: outPixelStride, outBlockStride: outBlockStride,
            accumulate: accumulate, finish: finish)
    default: break
    }
}

/// Stores one accumulator: activated on the last input chunk, raw before.
@inlinable @inline(__always)
func storeAcc<E: Epilogue>(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>, _ finish: Bool, _: E.Type) {
    if finish { st8(p, E.apply(v)) } else { st8(p, v) }
}
