// The direct conv's register tile for CPUs with AVX-512 (x86-64-v4 code, see
// WinogradGemm6x32.swift for how it is compiled and chosen): 12 output pixels of one row x 16
// output channels (one packed pair of 8-channel blocks) in 12 zmm accumulators. Per (input
// block, tap, input channel) one 16-wide weight load, 12 broadcasts and 12 FMAs: the AVX2
// 6 x 16 tile (`microTile`, MicroTile.swift) doubled in pixels, at twice its FMA width.
//
// Bitwise: each output value starts from the bias (or the partial sum in the output) and adds
// the taps in the order (input block, ky, kx, ic), as `microTile` does, so both give the same
// bits (ConvAVX512Tests); but 3x3 in `tile16x16`, which shares each broadcast between the kx
// taps (order (input block, ky, ic, kx); close, and against the reference).
//
// input    first tap of pixel 0 in input block 0 (padded NCHWc8: pixel stride 8); pixel p of tap
//          (ky, kx) at input + ky * rowStride + (kx + p) * 8, block b at + b * inBlockStride
// weights  the pair's packed weights [blocks][kh][kw][8 ic][16]; bias 16 floats
// output   pixel p of block 0 at output + 8 p, of block 1 at output + outBlockStride + 8 p
// accumulate: start from the partial sums in output; finish: apply the activation (relu)

/// max(v, 0) as the AVX2 kernels compute it (`v < 0 ? 0 : v`: -0 and NaN pass through), per
/// half: on SIMD16 the same `replacing` compiled to mask register round trips (vpmovm2d /
/// vpmovd2m); on SIMD8 halves it is one vmaxps each.
@inline(__always)
func relu16(_ v: SIMD16<Float>) -> SIMD16<Float> {
    let lo = v.lowHalf, hi = v.highHalf
    return SIMD16(lowHalf: lo.replacing(with: 0, where: lo .< SIMD8<Float>()),
                  highHalf: hi.replacing(with: 0, where: hi .< SIMD8<Float>()))
}

@inline(__always)
func load16(_ lo: UnsafeMutablePointer<Float>, _ hi: UnsafeMutablePointer<Float>) -> SIMD16<Float> {
    SIMD16(lowHalf: UnsafeRawPointer(lo).loadUnaligned(as: SIMD8<Float>.self),
           highHalf: UnsafeRawPointer(hi).loadUnaligned(as: SIMD8<Float>.self))
}

@inline(__always)
func tile12x16(
    kh: Int, kw: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride ops: Int,
    accumulate: Bool, finish: Bool, relu: Bool
) {
    let o1 = output + outBlockStride
    var c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11: SIMD16<Float>
    if accumulate {
        c0 = load16(output, o1); c1 = load16(output + 1 &* ops, o1 + 1 &* ops)
        c2 = load16(output + 2 &* ops, o1 + 2 &* ops); c3 = load16(output + 3 &* ops, o1 + 3 &* ops)
        c4 = load16(output + 4 &* ops, o1 + 4 &* ops); c5 = load16(output + 5 &* ops, o1 + 5 &* ops)
        c6 = load16(output + 6 &* ops, o1 + 6 &* ops); c7 = load16(output + 7 &* ops, o1 + 7 &* ops)
        c8 = load16(output + 8 &* ops, o1 + 8 &* ops); c9 = load16(output + 9 &* ops, o1 + 9 &* ops)
        c10 = load16(output + 10 &* ops, o1 + 10 &* ops); c11 = load16(output + 11 &* ops, o1 + 11 &* ops)
    } else {
        let b = ld16(bias)
        c0 = b; c1 = b; c2 = b; c3 = b; c4 = b; c5 = b; c6 = b; c7 = b; c8 = b; c9 = b; c10 = b; c11 = b
    }
    var wp = weights
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<kh {
            var tp = rp
            for _ in 0..<kw {
                for ic in 0..<8 {
                    let w = ld16(wp)
                    wp = wp.advanced(by: 16)
                    c0 = c0.addingProduct(SIMD16(repeating: tp[ic]), w)
                    c1 = c1.addingProduct(SIMD16(repeating: tp[8 &+ ic]), w)
                    c2 = c2.addingProduct(SIMD16(repeating: tp[16 &+ ic]), w)
                    c3 = c3.addingProduct(SIMD16(repeating: tp[24 &+ ic]), w)
                    c4 = c4.addingProduct(SIMD16(repeating: tp[32 &+ ic]), w)
                    c5 = c5.addingProduct(SIMD16(repeating: tp[40 &+ ic]), w)
                    c6 = c6.addingProduct(SIMD16(repeating: tp[48 &+ ic]), w)
                    c7 = c7.addingProduct(SIMD16(repeating: tp[56 &+ ic]), w)
                    c8 = c8.addingProduct(SIMD16(repeating: tp[64 &+ ic]), w)
                    c9 = c9.addingProduct(SIMD16(repeating: tp[72 &+ ic]), w)
                    c10 = c10.addingProduct(SIMD16(repeating: tp[80 &+ ic]), w)
                    c11 = c11.addingProduct(SIMD16(repeating: tp[88 &+ ic]), w)
                }
                tp = tp.advanced(by: 8)
            }
            rp = rp.advanced(by: rowStride)
        }
        bp = bp.advanced(by: inBlockStride)
    }
    @inline(__always) func put(_ p: Int, _ v: SIMD16<Float>) {
        st16(output + ops &* p, outBlockStride, finish && relu ? relu16(v) : v)
    }
    put(0, c0); put(1, c1); put(2, c2); put(3, c3); put(4, c4); put(5, c5)
    put(6, c6); put(7, c7); put(8, c8); put(9, c9); put(10, c10); put(11, c11)
}

/// 16 output pixels x one pair (16 channels) in 16 zmm accumulators: `tile12x16` widened so
/// rows of 16k pixels (64, 128, 256) need no AVX2 remainder (64 = 5 x 12 + 4) and the FMA
/// latency has more independent chains to hide behind. Same order, so the same bits, for 1x1
/// (and the transposed conv); 3x3 shares each broadcast between the kx taps, in its own order.
@inline(__always)
func tile16x16(
    kh: Int, kw: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride ops: Int,
    accumulate: Bool, finish: Bool, relu: Bool
) {
    let o1 = output + outBlockStride
    var c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15: SIMD16<Float>
    if accumulate {
        c0 = load16(output, o1); c1 = load16(output + 1 &* ops, o1 + 1 &* ops)
        c2 = load16(output + 2 &* ops, o1 + 2 &* ops); c3 = load16(output + 3 &* ops, o1 + 3 &* ops)
        c4 = load16(output + 4 &* ops, o1 + 4 &* ops); c5 = load16(output + 5 &* ops, o1 + 5 &* ops)
        c6 = load16(output + 6 &* ops, o1 + 6 &* ops); c7 = load16(output + 7 &* ops, o1 + 7 &* ops)
        c8 = load16(output + 8 &* ops, o1 + 8 &* ops); c9 = load16(output + 9 &* ops, o1 + 9 &* ops)
        c10 = load16(output + 10 &* ops, o1 + 10 &* ops); c11 = load16(output + 11 &* ops, o1 + 11 &* ops)
        c12 = load16(output + 12 &* ops, o1 + 12 &* ops); c13 = load16(output + 13 &* ops, o1 + 13 &* ops)
        c14 = load16(output + 14 &* ops, o1 + 14 &* ops); c15 = load16(output + 15 &* ops, o1 + 15 &* ops)
    } else {
        let b = ld16(bias)
        c0 = b; c1 = b; c2 = b; c3 = b; c4 = b; c5 = b; c6 = b; c7 = b
        c8 = b; c9 = b; c10 = b; c11 = b; c12 = b; c13 = b; c14 = b; c15 = b
    }
    if kh == 3 && kw == 3 {
        // Each input broadcast shared by the three kx taps (the AVX2 `microTileShared3`'s idea,
        // for 16 channels): per (input block, ky, ic) the three kx weight vectors, then the
        // row's 18 input pixels broadcast once each, pixel q feeding accumulators q (kx 0),
        // q - 1 (kx 1) and q - 2 (kx 2): 48 FMAs for 21 loads, against one load per FMA below
        // (8->16 @64 87.5 -> 96.5 % of peak, 16->16 @256 89 -> 97 %). Order (input block, ky,
        // ic, kx): not the AVX2 pair tile's, so not its bits.
        var wp = weights
        var bp = input
        for _ in 0..<blocks {
            var rp = bp
            for _ in 0..<3 {
                for ic in 0..<8 {
                    // Weights [ky][kx][ic][16]: kx at wp + 128 kx + 16 ic.
                    let w0 = ld16(wp + 16 &* ic), w1 = ld16(wp + (128 &+ 16 &* ic)), w2 = ld16(wp + (256 &+ 16 &* ic))
                    @inline(__always) func x(_ q: Int) -> SIMD16<Float> { SIMD16(repeating: rp[q &* 8 &+ ic]) }
                    var v = x(0); c0 = c0.addingProduct(v, w0)
                    v = x(1); c0 = c0.addingProduct(v, w1); c1 = c1.addingProduct(v, w0)
                    v = x(2); c0 = c0.addingProduct(v, w2); c1 = c1.addingProduct(v, w1); c2 = c2.addingProduct(v, w0)
                    v = x(3); c1 = c1.addingProduct(v, w2); c2 = c2.addingProduct(v, w1); c3 = c3.addingProduct(v, w0)
                    v = x(4); c2 = c2.addingProduct(v, w2); c3 = c3.addingProduct(v, w1); c4 = c4.addingProduct(v, w0)
                    v = x(5); c3 = c3.addingProduct(v, w2); c4 = c4.addingProduct(v, w1); c5 = c5.addingProduct(v, w0)
                    v = x(6); c4 = c4.addingProduct(v, w2); c5 = c5.addingProduct(v, w1); c6 = c6.addingProduct(v, w0)
                    v = x(7); c5 = c5.addingProduct(v, w2); c6 = c6.addingProduct(v, w1); c7 = c7.addingProduct(v, w0)
                    v = x(8); c6 = c6.addingProduct(v, w2); c7 = c7.addingProduct(v, w1); c8 = c8.addingProduct(v, w0)
                    v = x(9); c7 = c7.addingProduct(v, w2); c8 = c8.addingProduct(v, w1); c9 = c9.addingProduct(v, w0)
                    v = x(10); c8 = c8.addingProduct(v, w2); c9 = c9.addingProduct(v, w1); c10 = c10.addingProduct(v, w0)
                    v = x(11); c9 = c9.addingProduct(v, w2); c10 = c10.addingProduct(v, w1); c11 = c11.addingProduct(v, w0)
                    v = x(12); c10 = c10.addingProduct(v, w2); c11 = c11.addingProduct(v, w1); c12 = c12.addingProduct(v, w0)
                    v = x(13); c11 = c11.addingProduct(v, w2); c12 = c12.addingProduct(v, w1); c13 = c13.addingProduct(v, w0)
                    v = x(14); c12 = c12.addingProduct(v, w2); c13 = c13.addingProduct(v, w1); c14 = c14.addingProduct(v, w0)
                    v = x(15); c13 = c13.addingProduct(v, w2); c14 = c14.addingProduct(v, w1); c15 = c15.addingProduct(v, w0)
                    v = x(16); c14 = c14.addingProduct(v, w2); c15 = c15.addingProduct(v, w1)
                    v = x(17); c15 = c15.addingProduct(v, w2)
                }
                wp = wp + 384
                rp = rp + rowStride
            }
            bp = bp + inBlockStride
        }
    } else {
        var wp = weights
        var bp = input
        for _ in 0..<blocks {
            var rp = bp
            for _ in 0..<kh {
                var tp = rp
                for _ in 0..<kw {
                    for ic in 0..<8 {
                        let w = ld16(wp)
                        wp = wp.advanced(by: 16)
                        c0 = c0.addingProduct(SIMD16(repeating: tp[ic]), w)
                        c1 = c1.addingProduct(SIMD16(repeating: tp[8 &+ ic]), w)
                        c2 = c2.addingProduct(SIMD16(repeating: tp[16 &+ ic]), w)
                        c3 = c3.addingProduct(SIMD16(repeating: tp[24 &+ ic]), w)
                        c4 = c4.addingProduct(SIMD16(repeating: tp[32 &+ ic]), w)
                        c5 = c5.addingProduct(SIMD16(repeating: tp[40 &+ ic]), w)
                        c6 = c6.addingProduct(SIMD16(repeating: tp[48 &+ ic]), w)
                        c7 = c7.addingProduct(SIMD16(repeating: tp[56 &+ ic]), w)
                        c8 = c8.addingProduct(SIMD16(repeating: tp[64 &+ ic]), w)
                        c9 = c9.addingProduct(SIMD16(repeating: tp[72 &+ ic]), w)
                        c10 = c10.addingProduct(SIMD16(repeating: tp[80 &+ ic]), w)
                        c11 = c11.addingProduct(SIMD16(repeating: tp[88 &+ ic]), w)
                        c12 = c12.addingProduct(SIMD16(repeating: tp[96 &+ ic]), w)
                        c13 = c13.addingProduct(SIMD16(repeating: tp[104 &+ ic]), w)
                        c14 = c14.addingProduct(SIMD16(repeating: tp[112 &+ ic]), w)
                        c15 = c15.addingProduct(SIMD16(repeating: tp[120 &+ ic]), w)
                    }
                    tp = tp.advanced(by: 8)
                }
                rp = rp.advanced(by: rowStride)
            }
            bp = bp.advanced(by: inBlockStride)
        }
    }
    @inline(__always) func put(_ p: Int, _ v: SIMD16<Float>) {
        st16(output + ops &* p, outBlockStride, finish && relu ? relu16(v) : v)
    }
    put(0, c0); put(1, c1); put(2, c2); put(3, c3); put(4, c4); put(5, c5); put(6, c6); put(7, c7)
    put(8, c8); put(9, c9); put(10, c10); put(11, c11); put(12, c12); put(13, c13); put(14, c14); put(15, c15)
}

/// Calls `run(kh, accumulate, finish, relu)` with literal arguments, one call per combination
/// (ReLU only when finishing), so that each inlined copy of the row loop is specialised for it.
@inline(__always)
func withLiteralFlags(kh: Int, accumulate: Bool, finish: Bool, relu: Bool,
                      _ run: (Int, Bool, Bool, Bool) -> Void) {
    switch (kh == 3, accumulate, finish, relu && finish) {
    case (true, false, true, true): run(3, false, true, true)
    case (true, false, true, false): run(3, false, true, false)
    case (true, false, false, _): run(3, false, false, false)
    case (true, true, true, true): run(3, true, true, true)
    case (true, true, true, false): run(3, true, true, false)
    case (true, true, false, _): run(3, true, false, false)
    case (false, false, true, true): run(1, false, true, true)
    case (false, false, true, false): run(1, false, true, false)
    case (false, false, false, _): run(1, false, false, false)
    case (false, true, true, true): run(1, true, true, true)
    case (false, true, true, false): run(1, true, true, false)
    case (false, true, false, _): run(1, true, false, false)
    }
}

/// The first pixels of one output row segment of `width` for one 16-channel pair, kernel kh x kw
/// (3 x 3 or 1 x 1, stride 1; output pixel p at + p * outPixelStride: 8, or 16 for the
/// interleaved outputs of the transposed conv): 16-pixel tiles, then a 12-pixel one if 12...15 pixels are left.
/// Returns the pixels done; the caller computes the rest (0...11) with the AVX2 tiles. `relu`:
/// the activation applied when `finish` (none otherwise). One specialisation per (kernel,
/// flags), each with literal loop bounds.
@inline(never)
public func directRowPair16AVX512(
    kh: Int, width: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride: Int = 8, accumulate: Bool,
    finish: Bool, relu: Bool
) -> Int {
    let wide = width >> 4, x16 = 16 &* wide
    let narrow = width &- x16 >= 12 ? 1 : 0
    @inline(__always) func run(_ k: Int, _ acc: Bool, _ fin: Bool, _ r: Bool) {
        for t in 0..<wide {
            tile16x16(kh: k, kw: k, input: input + t &* 128, inBlockStride: inBlockStride, rowStride: rowStride,
                      blocks: blocks, weights: weights, bias: bias, output: output + t &* 16 &* outPixelStride,
                      outBlockStride: outBlockStride, outPixelStride: outPixelStride, accumulate: acc, finish: fin,
                      relu: r)
        }
        if narrow > 0 {
            tile12x16(kh: k, kw: k, input: input + x16 &* 8, inBlockStride: inBlockStride, rowStride: rowStride,
                      blocks: blocks, weights: weights, bias: bias, output: output + x16 &* outPixelStride,
                      outBlockStride: outBlockStride, outPixelStride: outPixelStride, accumulate: acc, finish: fin,
                      relu: r)
        }
    }
    withLiteralFlags(kh: kh, accumulate: accumulate, finish: finish, relu: relu, run)
    return x16 &+ 12 &* narrow
}

/// 6 output pixels x 32 output channels (two packed pairs: weights at `w0` and `w1`, output
/// blocks at output + j * outBlockStride, j = 0...3, bias 32 floats) in 12 zmm accumulators: per
/// (input block, tap, input channel) two 16-wide weight loads, 6 broadcasts and 12 FMAs (fewer
/// loads per FMA than the 12 x 16 tile). Same summation order.
@inline(__always)
func tile6x32(
    kh: Int, kw: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    w0: UnsafePointer<Float>, w1: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride ops: Int,
    accumulate: Bool, finish: Bool, relu: Bool
) {
    let s = outBlockStride
    let o1 = output + s, o2 = output + 2 &* s, o3 = output + 3 &* s
    let p1 = ops, p2 = 2 &* ops, p3 = 3 &* ops, p4 = 4 &* ops, p5 = 5 &* ops
    var a0, a1, a2, a3, a4, a5, b0, b1, b2, b3, b4, b5: SIMD16<Float>
    if accumulate {
        a0 = load16(output, o1); a1 = load16(output + p1, o1 + p1); a2 = load16(output + p2, o1 + p2)
        a3 = load16(output + p3, o1 + p3); a4 = load16(output + p4, o1 + p4); a5 = load16(output + p5, o1 + p5)
        b0 = load16(o2, o3); b1 = load16(o2 + p1, o3 + p1); b2 = load16(o2 + p2, o3 + p2)
        b3 = load16(o2 + p3, o3 + p3); b4 = load16(o2 + p4, o3 + p4); b5 = load16(o2 + p5, o3 + p5)
    } else {
        let x = ld16(bias), y = ld16(bias + 16)
        a0 = x; a1 = x; a2 = x; a3 = x; a4 = x; a5 = x
        b0 = y; b1 = y; b2 = y; b3 = y; b4 = y; b5 = y
    }
    var wp = w0, wq = w1
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<kh {
            var tp = rp
            for _ in 0..<kw {
                for ic in 0..<8 {
                    let u = ld16(wp), v = ld16(wq)
                    wp = wp.advanced(by: 16)
                    wq = wq.advanced(by: 16)
                    let x0 = SIMD16<Float>(repeating: tp[ic]); a0 = a0.addingProduct(x0, u); b0 = b0.addingProduct(x0, v)
                    let x1 = SIMD16<Float>(repeating: tp[8 &+ ic]); a1 = a1.addingProduct(x1, u); b1 = b1.addingProduct(x1, v)
                    let x2 = SIMD16<Float>(repeating: tp[16 &+ ic]); a2 = a2.addingProduct(x2, u); b2 = b2.addingProduct(x2, v)
                    let x3 = SIMD16<Float>(repeating: tp[24 &+ ic]); a3 = a3.addingProduct(x3, u); b3 = b3.addingProduct(x3, v)
                    let x4 = SIMD16<Float>(repeating: tp[32 &+ ic]); a4 = a4.addingProduct(x4, u); b4 = b4.addingProduct(x4, v)
                    let x5 = SIMD16<Float>(repeating: tp[40 &+ ic]); a5 = a5.addingProduct(x5, u); b5 = b5.addingProduct(x5, v)
                }
                tp = tp.advanced(by: 8)
            }
            rp = rp.advanced(by: rowStride)
        }
        bp = bp.advanced(by: inBlockStride)
    }
    @inline(__always) func put(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
        st16(p, s, finish && relu ? relu16(v) : v)
    }
    put(output, a0); put(output + p1, a1); put(output + p2, a2)
    put(output + p3, a3); put(output + p4, a4); put(output + p5, a5)
    put(o2, b0); put(o2 + p1, b1); put(o2 + p2, b2)
    put(o2 + p3, b3); put(o2 + p4, b4); put(o2 + p5, b5)
}

/// 4 output pixels x 32 output channels in 8 zmm accumulators: the 6 x 32 tile narrowed for rows
/// of 4 or 5 pixels (the transposed conv at a 4 x 4 bottleneck: 128 -> 64 @4 ran the AVX2 pair
/// tiles at 43 % of the peak). 8 independent FMA chains just cover the latency of two FMA pipes.
/// Same order as `microTile`, so the same bits.
@inline(__always)
func tile4x32(
    kh: Int, kw: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    w0: UnsafePointer<Float>, w1: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride ops: Int,
    accumulate: Bool, finish: Bool, relu: Bool
) {
    let s = outBlockStride
    let o1 = output + s, o2 = output + 2 &* s, o3 = output + 3 &* s
    var a0, a1, a2, a3, b0, b1, b2, b3: SIMD16<Float>
    if accumulate {
        a0 = load16(output, o1); a1 = load16(output + ops, o1 + ops)
        a2 = load16(output + 2 &* ops, o1 + 2 &* ops); a3 = load16(output + 3 &* ops, o1 + 3 &* ops)
        b0 = load16(o2, o3); b1 = load16(o2 + ops, o3 + ops)
        b2 = load16(o2 + 2 &* ops, o3 + 2 &* ops); b3 = load16(o2 + 3 &* ops, o3 + 3 &* ops)
    } else {
        let x = ld16(bias), y = ld16(bias + 16)
        a0 = x; a1 = x; a2 = x; a3 = x
        b0 = y; b1 = y; b2 = y; b3 = y
    }
    var wp = w0, wq = w1
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<kh {
            var tp = rp
            for _ in 0..<kw {
                for ic in 0..<8 {
                    let u = ld16(wp), v = ld16(wq)
                    wp = wp.advanced(by: 16)
                    wq = wq.advanced(by: 16)
                    let x0 = SIMD16<Float>(repeating: tp[ic]); a0 = a0.addingProduct(x0, u); b0 = b0.addingProduct(x0, v)
                    let x1 = SIMD16<Float>(repeating: tp[8 &+ ic]); a1 = a1.addingProduct(x1, u); b1 = b1.addingProduct(x1, v)
                    let x2 = SIMD16<Float>(repeating: tp[16 &+ ic]); a2 = a2.addingProduct(x2, u); b2 = b2.addingProduct(x2, v)
                    let x3 = SIMD16<Float>(repeating: tp[24 &+ ic]); a3 = a3.addingProduct(x3, u); b3 = b3.addingProduct(x3, v)
                }
                tp = tp.advanced(by: 8)
            }
            rp = rp.advanced(by: rowStride)
        }
        bp = bp.advanced(by: inBlockStride)
    }
    @inline(__always) func put(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
        st16(p, s, finish && relu ? relu16(v) : v)
    }
    put(output, a0); put(output + ops, a1); put(output + 2 &* ops, a2); put(output + 3 &* ops, a3)
    put(o2, b0); put(o2 + ops, b1); put(o2 + 2 &* ops, b2); put(o2 + 3 &* ops, b3)
}

/// 8 output pixels x 32 output channels in 16 zmm accumulators: the 6 x 32 tile widened so that
/// rows whose width is a multiple of 8 (every layer of the paper's networks) need no AVX2
/// remainder tiles (128 = 21 x 6 + 2, 32 = 5 x 6 + 2), with fewer loads per FMA (10 per 16
/// against 8 per 12). Same order as `microTile`, so the same bits.
@inline(__always)
func tile8x32(
    kh: Int, kw: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    w0: UnsafePointer<Float>, w1: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride ops: Int,
    accumulate: Bool, finish: Bool, relu: Bool
) {
    let s = outBlockStride
    let o1 = output + s, o2 = output + 2 &* s, o3 = output + 3 &* s
    var a0, a1, a2, a3, a4, a5, a6, a7, b0, b1, b2, b3, b4, b5, b6, b7: SIMD16<Float>
    if accumulate {
        a0 = load16(output, o1); a1 = load16(output + ops, o1 + ops)
        a2 = load16(output + 2 &* ops, o1 + 2 &* ops); a3 = load16(output + 3 &* ops, o1 + 3 &* ops)
        a4 = load16(output + 4 &* ops, o1 + 4 &* ops); a5 = load16(output + 5 &* ops, o1 + 5 &* ops)
        a6 = load16(output + 6 &* ops, o1 + 6 &* ops); a7 = load16(output + 7 &* ops, o1 + 7 &* ops)
        b0 = load16(o2, o3); b1 = load16(o2 + ops, o3 + ops)
        b2 = load16(o2 + 2 &* ops, o3 + 2 &* ops); b3 = load16(o2 + 3 &* ops, o3 + 3 &* ops)
        b4 = load16(o2 + 4 &* ops, o3 + 4 &* ops); b5 = load16(o2 + 5 &* ops, o3 + 5 &* ops)
        b6 = load16(o2 + 6 &* ops, o3 + 6 &* ops); b7 = load16(o2 + 7 &* ops, o3 + 7 &* ops)
    } else {
        let x = ld16(bias), y = ld16(bias + 16)
        a0 = x; a1 = x; a2 = x; a3 = x; a4 = x; a5 = x; a6 = x; a7 = x
        b0 = y; b1 = y; b2 = y; b3 = y; b4 = y; b5 = y; b6 = y; b7 = y
    }
    var wp = w0, wq = w1
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<kh {
            var tp = rp
            for _ in 0..<kw {
                for ic in 0..<8 {
                    let u = ld16(wp), v = ld16(wq)
                    wp = wp.advanced(by: 16)
                    wq = wq.advanced(by: 16)
                    let x0 = SIMD16<Float>(repeating: tp[ic]); a0 = a0.addingProduct(x0, u); b0 = b0.addingProduct(x0, v)
                    let x1 = SIMD16<Float>(repeating: tp[8 &+ ic]); a1 = a1.addingProduct(x1, u); b1 = b1.addingProduct(x1, v)
                    let x2 = SIMD16<Float>(repeating: tp[16 &+ ic]); a2 = a2.addingProduct(x2, u); b2 = b2.addingProduct(x2, v)
                    let x3 = SIMD16<Float>(repeating: tp[24 &+ ic]); a3 = a3.addingProduct(x3, u); b3 = b3.addingProduct(x3, v)
                    let x4 = SIMD16<Float>(repeating: tp[32 &+ ic]); a4 = a4.addingProduct(x4, u); b4 = b4.addingProduct(x4, v)
                    let x5 = SIMD16<Float>(repeating: tp[40 &+ ic]); a5 = a5.addingProduct(x5, u); b5 = b5.addingProduct(x5, v)
                    let x6 = SIMD16<Float>(repeating: tp[48 &+ ic]); a6 = a6.addingProduct(x6, u); b6 = b6.addingProduct(x6, v)
                    let x7 = SIMD16<Float>(repeating: tp[56 &+ ic]); a7 = a7.addingProduct(x7, u); b7 = b7.addingProduct(x7, v)
                }
                tp = tp.advanced(by: 8)
            }
            rp = rp.advanced(by: rowStride)
        }
        bp = bp.advanced(by: inBlockStride)
    }
    @inline(__always) func put(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
        st16(p, s, finish && relu ? relu16(v) : v)
    }
    put(output, a0); put(output + ops, a1); put(output + 2 &* ops, a2); put(output + 3 &* ops, a3)
    put(output + 4 &* ops, a4); put(output + 5 &* ops, a5); put(output + 6 &* ops, a6); put(output + 7 &* ops, a7)
    put(o2, b0); put(o2 + ops, b1); put(o2 + 2 &* ops, b2); put(o2 + 3 &* ops, b3)
    put(o2 + 4 &* ops, b4); put(o2 + 5 &* ops, b5); put(o2 + 6 &* ops, b6); put(o2 + 7 &* ops, b7)
}

/// The first pixels of one output row segment of `width` for two 16-channel pairs (32 output
/// channels: the pair at `weights`, the next at weights + pairStride, their bias 32 floats,
/// output blocks at output + j * outBlockStride, output pixel p at + p * outPixelStride: 8, or
/// 16 for the interleaved outputs of the transposed conv): 8-pixel tiles, then a 6-pixel one if
/// 6 or 7 pixels are left, a 4-pixel one if 4 or 5 are. Returns the pixels done (the caller's
/// AVX2 tiles do the 0...3 left).
/// Otherwise as `directRowPair16AVX512`.
@inline(never)
public func directRowQuad32AVX512(
    kh: Int, width: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, pairStride: Int, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outBlockStride: Int, outPixelStride: Int,
    accumulate: Bool, finish: Bool, relu: Bool
) -> Int {
    let wide = width >> 3, x8 = 8 &* wide
    let narrow = width &- x8 >= 6 ? 6 : width &- x8 >= 4 ? 4 : 0
    @inline(__always) func run(_ k: Int, _ acc: Bool, _ fin: Bool, _ r: Bool) {
        for t in 0..<wide {
            tile8x32(kh: k, kw: k, input: input + t &* 64, inBlockStride: inBlockStride, rowStride: rowStride,
                     blocks: blocks, w0: weights, w1: weights + pairStride, bias: bias,
                     output: output + t &* 8 &* outPixelStride, outBlockStride: outBlockStride,
                     outPixelStride: outPixelStride, accumulate: acc, finish: fin, relu: r)
        }
        if narrow == 6 {
            tile6x32(kh: k, kw: k, input: input + x8 &* 8, inBlockStride: inBlockStride, rowStride: rowStride,
                     blocks: blocks, w0: weights, w1: weights + pairStride, bias: bias,
                     output: output + x8 &* outPixelStride, outBlockStride: outBlockStride,
                     outPixelStride: outPixelStride, accumulate: acc, finish: fin, relu: r)
        } else if narrow == 4 {
            tile4x32(kh: k, kw: k, input: input + x8 &* 8, inBlockStride: inBlockStride, rowStride: rowStride,
                     blocks: blocks, w0: weights, w1: weights + pairStride, bias: bias,
                     output: output + x8 &* outPixelStride, outBlockStride: outBlockStride,
                     outPixelStride: outPixelStride, accumulate: acc, finish: fin, relu: r)
        }
    }
    withLiteralFlags(kh: kh, accumulate: accumulate, finish: finish, relu: relu, run)
    return x8 &+ narrow
}
