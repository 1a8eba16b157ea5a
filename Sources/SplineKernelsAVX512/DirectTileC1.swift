import CSpinHint

// The 1-input-channel 3x3 conv (the network's first layer) on AVX-512, for one 8-channel output
// block: tiles of 16 output pixels in two adjacent rows, 16 zmm accumulators (8 per row), each
// holding two adjacent pixels' 8 channels interleaved (lane 2k channel k of pixel 2m, lane 2k + 1
// of pixel 2m + 1).
//
// Why interleaved: the input is a dense plane, so input pixels q and q + 1 are adjacent and one
// 64-bit broadcast load (vbroadcastsd) puts pixel q in the even lanes and q + 1 in the odd ones:
// with tap dx it is pixel 2m's input for accumulator m when q = 2m + dx, and pixel 2m + 1's too.
// No shuffle per operand (an 8-channel zmm pair split in halves would need one); the weights of a
// tap, each channel's twice (lanes 2k, 2k + 1), are prepared once per call. An operand at even q
// feeds accumulators q / 2 (dx 0) and q / 2 - 1 (dx 2), at odd q (q - 1) / 2 (dx 1), as in
// `c1RowSingle` (MicroTileC1.swift). Why two rows: input rows 1 and 2 of the tile's 4 feed both
// output rows (tap rows dy and dy - 1), so each operand load serves up to 6 FMAs: 68 loads for
// 144 FMAs, where one 32-pixel row took 99 (with the output cycling through L2, as in a layer,
// a microbenchmark ran 2-3 % faster). At the end one vpermps per accumulator puts each pixel's
// 8 channels in order, in the register, behind an optimisation barrier
// (`splineseg_value_barrier16`, CSpinHint/value_barrier.h).
//
// Bitwise: each output value sums the bias, then the taps in the order (dy, dx), as
// `c1RowSingle` does, so the same bits (ConvAVX512Tests).
//
// input    the tile's first tap: padded plane row y, column x (row stride rowStride)
// weights  tap t = dy * 3 + dx at weights + t * tapStride, 8 floats; bias 8 floats
// output   pixel x of output row y (padded NCHWc8, one 8-channel block), pixel x + p at output + 8 p

/// Input pixels q (even lanes) and q + 1 (odd lanes) of a plane row.
@inline(__always)
func planePair(_ r: UnsafePointer<Float>, _ q: Int) -> SIMD16<Float> {
    let bits = UnsafeRawPointer(r + q).loadUnaligned(as: Double.self)
    return unsafeBitCast(SIMD8<Double>(repeating: bits), to: SIMD16<Float>.self)
}

/// Each of the 8 floats at p twice (lanes 2k and 2k + 1).
@inline(__always)
func doubled(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    let w = ld8(p)
    return SIMD16(w[0], w[0], w[1], w[1], w[2], w[2], w[3], w[3], w[4], w[4], w[5], w[5], w[6], w[6], w[7], w[7])
}

/// Accumulator m (pixels 2m, 2m + 1 interleaved) as the two pixels' 8 channels, in order.
@inline(__always)
func deinterleave(_ a: SIMD16<Float>) -> SIMD16<Float> {
    SIMD16(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14], a[1], a[3], a[5], a[7], a[9], a[11], a[13], a[15])
}

typealias C1Acc8 = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                    SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

/// Accumulator x (pixels 2m, 2m + 1 interleaved) stored as the two pixels' 8 channels at o + 16m,
/// reordered in its register (one vpermps) behind `splineseg_value_barrier16`: without it LLVM
/// moved the reorder back through the FMAs onto the operands and split the tile into 256-bit
/// halves (35 % of peak); stored interleaved and reordered by a second pass through memory,
/// sessions 16-17 reached 60-62 %. One accumulator per call: a helper taking a tile's 8 as a
/// tuple compiled the tile to 128-bit pieces and spills (28 %).
@inline(__always)
func c1Put(_ o: UnsafeMutablePointer<Float>, _ m: Int, _ x: SIMD16<Float>, relu: Bool) {
    let v = deinterleave(splineseg_value_barrier16(x))
    UnsafeMutableRawPointer(o + 16 &* m).storeBytes(of: relu ? relu16(v) : v, as: SIMD16<Float>.self)
}

/// One input row's taps w0, w1, w2 (dx 0, 1, 2) into the 8 accumulators of one output row.
@inline(__always)
func c1RowTaps(_ r: UnsafePointer<Float>, _ w0: SIMD16<Float>, _ w1: SIMD16<Float>, _ w2: SIMD16<Float>,
               _ a: inout C1Acc8) {
    var v = planePair(r, 0); a.0 = a.0.addingProduct(v, w0)
    v = planePair(r, 1); a.0 = a.0.addingProduct(v, w1)
    v = planePair(r, 2); a.0 = a.0.addingProduct(v, w2); a.1 = a.1.addingProduct(v, w0)
    v = planePair(r, 3); a.1 = a.1.addingProduct(v, w1)
    v = planePair(r, 4); a.1 = a.1.addingProduct(v, w2); a.2 = a.2.addingProduct(v, w0)
    v = planePair(r, 5); a.2 = a.2.addingProduct(v, w1)
    v = planePair(r, 6); a.2 = a.2.addingProduct(v, w2); a.3 = a.3.addingProduct(v, w0)
    v = planePair(r, 7); a.3 = a.3.addingProduct(v, w1)
    v = planePair(r, 8); a.3 = a.3.addingProduct(v, w2); a.4 = a.4.addingProduct(v, w0)
    v = planePair(r, 9); a.4 = a.4.addingProduct(v, w1)
    v = planePair(r, 10); a.4 = a.4.addingProduct(v, w2); a.5 = a.5.addingProduct(v, w0)
    v = planePair(r, 11); a.5 = a.5.addingProduct(v, w1)
    v = planePair(r, 12); a.5 = a.5.addingProduct(v, w2); a.6 = a.6.addingProduct(v, w0)
    v = planePair(r, 13); a.6 = a.6.addingProduct(v, w1)
    v = planePair(r, 14); a.6 = a.6.addingProduct(v, w2); a.7 = a.7.addingProduct(v, w0)
    v = planePair(r, 15); a.7 = a.7.addingProduct(v, w1)
    v = planePair(r, 16); a.7 = a.7.addingProduct(v, w2)
}

/// One tile of two output rows (out0: row y, out1: row y + 1), input rows y ... y + 3 from
/// `input`. `doubledTaps`: the 9 taps' weights and then the bias, each channel's value twice
/// (`doubled`), prepared by the caller: with the doubling visible here, LLVM saw that the even
/// and odd lanes never mix and split the whole tile back into 256-bit halves, building each
/// operand with vmovsd, vbroadcastss and vpermps (35 % of peak, below the AVX2 tile's 47 %).
@inline(never)
func tileC1x16Rows2(
    input: UnsafePointer<Float>, rowStride rs: Int, doubledTaps w: UnsafePointer<SIMD16<Float>>,
    out0: UnsafeMutablePointer<Float>, out1: UnsafeMutablePointer<Float>, relu: Bool
) {
    let b = w[9]
    var a: C1Acc8 = (b, b, b, b, b, b, b, b), c: C1Acc8 = (b, b, b, b, b, b, b, b)
    let w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8]
    // Input row j: output row 0 with tap row j, output row 1 with tap row j - 1, so each
    // accumulator still sums in the order (dy, dx). Input rows 1 and 2 feed both rows: LLVM
    // loads each of their operands once (no store in between), 68 loads for 144 FMAs.
    c1RowTaps(input, w0, w1, w2, &a)
    c1RowTaps(input + rs, w3, w4, w5, &a)
    c1RowTaps(input + rs, w0, w1, w2, &c)
    c1RowTaps(input + 2 &* rs, w6, w7, w8, &a)
    c1RowTaps(input + 2 &* rs, w3, w4, w5, &c)
    c1RowTaps(input + 3 &* rs, w6, w7, w8, &c)
    c1Put(out0, 0, a.0, relu: relu); c1Put(out0, 1, a.1, relu: relu); c1Put(out0, 2, a.2, relu: relu)
    c1Put(out0, 3, a.3, relu: relu); c1Put(out0, 4, a.4, relu: relu); c1Put(out0, 5, a.5, relu: relu)
    c1Put(out0, 6, a.6, relu: relu); c1Put(out0, 7, a.7, relu: relu)
    c1Put(out1, 0, c.0, relu: relu); c1Put(out1, 1, c.1, relu: relu); c1Put(out1, 2, c.2, relu: relu)
    c1Put(out1, 3, c.3, relu: relu); c1Put(out1, 4, c.4, relu: relu); c1Put(out1, 5, c.5, relu: relu)
    c1Put(out1, 6, c.6, relu: relu); c1Put(out1, 7, c.7, relu: relu)
}

/// One tile of a single output row (a part's last row when it has an odd number of rows).
@inline(never)
func tileC1x16(
    input: UnsafePointer<Float>, rowStride rs: Int, doubledTaps w: UnsafePointer<SIMD16<Float>>,
    output: UnsafeMutablePointer<Float>, relu: Bool
) {
    let b = w[9]
    var a: C1Acc8 = (b, b, b, b, b, b, b, b)
    c1RowTaps(input, w[0], w[1], w[2], &a)
    c1RowTaps(input + rs, w[3], w[4], w[5], &a)
    c1RowTaps(input + 2 &* rs, w[6], w[7], w[8], &a)
    c1Put(output, 0, a.0, relu: relu); c1Put(output, 1, a.1, relu: relu); c1Put(output, 2, a.2, relu: relu)
    c1Put(output, 3, a.3, relu: relu); c1Put(output, 4, a.4, relu: relu); c1Put(output, 5, a.5, relu: relu)
    c1Put(output, 6, a.6, relu: relu); c1Put(output, 7, a.7, relu: relu)
}

/// The first `tiles` 16-pixel tiles of `rows` output rows (input and output rows `rowStride` and
/// `outRowStride` floats apart), two rows at a time, for one 8-channel output block of the
/// 1-input-channel 3x3 conv; the caller computes the remaining pixels with `c1RowSingle` (same
/// bits). Shapes as `tileC1x16Rows2`; `relu`: ReLU, else no activation.
@inline(never)
public func directRowsC1x16x8AVX512(
    rows: Int, tiles: Int, input: UnsafePointer<Float>, rowStride: Int, weights: UnsafePointer<Float>,
    tapStride: Int, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, outRowStride: Int,
    relu: Bool
) {
    withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: 10) { buffer in
        let dw = buffer.baseAddress!
        for t in 0..<9 { (dw + t).initialize(to: doubled(weights + t &* tapStride)) }
        (dw + 9).initialize(to: doubled(bias))
        var r = 0
        while r &+ 1 < rows {
            let i = input + r &* rowStride, o = output + r &* outRowStride
            for t in 0..<tiles {
                tileC1x16Rows2(input: i + 16 &* t, rowStride: rowStride, doubledTaps: dw, out0: o + 128 &* t,
                               out1: o + (outRowStride &+ 128 &* t), relu: relu)
            }
            r = r &+ 2
        }
        if r < rows {
            let i = input + r &* rowStride, o = output + r &* outRowStride
            for t in 0..<tiles {
                tileC1x16(input: i + 16 &* t, rowStride: rowStride, doubledTaps: dw, output: o + 128 &* t, relu: relu)
            }
        }
    }
}
