import CSpinHint

// The 1-input-channel 3x3 conv (the network's first layer) on AVX-512, for one 8-channel output
// block: 32 output pixels of one row in 16 zmm accumulators, each holding two adjacent pixels'
// 8 channels interleaved (lane 2k channel k of pixel 2m, lane 2k + 1 of pixel 2m + 1).
//
// Why interleaved: the input is a dense plane, so input pixels q and q + 1 are adjacent and one
// 64-bit broadcast load (vbroadcastsd) puts pixel q in the even lanes and q + 1 in the odd ones:
// with tap dx it is pixel 2m's input for accumulator m when q = 2m + dx, and pixel 2m + 1's too.
// No shuffle per operand (an 8-channel zmm pair split in halves would need one); the weights of a
// tap, each channel's twice (lanes 2k, 2k + 1), are prepared once per call. Per tap row: 33
// operands, 3 weight vectors, 48 FMAs; an operand at even q feeds accumulators q / 2 (dx 0) and
// q / 2 - 1 (dx 2), at odd q (q - 1) / 2 (dx 1), as in `c1RowSingle` (MicroTileC1.swift). At the
// end one vpermps per accumulator puts each pixel's 8 channels in order, in the register, behind
// an optimisation barrier (`splineseg_value_barrier16`, CSpinHint/value_barrier.h).
//
// Bitwise: each output value sums the bias, then the taps in the order (dy, dx), as
// `c1RowSingle` does, so the same bits (ConvAVX512Tests).
//
// input    the row's first tap: padded plane row y, column 0 (row stride rowStride)
// weights  tap t = dy * 3 + dx at weights + t * tapStride, 8 floats; bias 8 floats
// output   pixel 0 of the row (padded NCHWc8, one 8-channel block), pixel p at output + 8 p

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

/// One tile. `doubledTaps`: the 9 taps' weights and then the bias, each channel's value twice
/// (`doubled`), prepared by the caller: with the doubling visible here, LLVM saw that the even
/// and odd lanes never mix and split the whole tile back into 256-bit halves, building each
/// operand with vmovsd, vbroadcastss and vpermps (35 % of peak, below the AVX2 tile's 47 %).
@inline(never)
func tileC1x32(
    input: UnsafePointer<Float>, rowStride rs: Int, doubledTaps dw: UnsafePointer<SIMD16<Float>>,
    output: UnsafeMutablePointer<Float>, relu: Bool
) {
    let b = dw[9]
    var c0 = b, c1 = b, c2 = b, c3 = b, c4 = b, c5 = b, c6 = b, c7 = b
    var c8 = b, c9 = b, c10 = b, c11 = b, c12 = b, c13 = b, c14 = b, c15 = b
    var r = input
    var k = dw
    for _ in 0..<3 {
        let w0 = k[0], w1 = k[1], w2 = k[2]
        // Operand 2m feeds c_m (dx 0) and c_(m-1) (dx 2); operand 2m + 1 feeds c_m (dx 1).
        var v = planePair(r, 0); c0 = c0.addingProduct(v, w0)
        v = planePair(r, 1); c0 = c0.addingProduct(v, w1)
        v = planePair(r, 2); c0 = c0.addingProduct(v, w2); c1 = c1.addingProduct(v, w0)
        v = planePair(r, 3); c1 = c1.addingProduct(v, w1)
        v = planePair(r, 4); c1 = c1.addingProduct(v, w2); c2 = c2.addingProduct(v, w0)
        v = planePair(r, 5); c2 = c2.addingProduct(v, w1)
        v = planePair(r, 6); c2 = c2.addingProduct(v, w2); c3 = c3.addingProduct(v, w0)
        v = planePair(r, 7); c3 = c3.addingProduct(v, w1)
        v = planePair(r, 8); c3 = c3.addingProduct(v, w2); c4 = c4.addingProduct(v, w0)
        v = planePair(r, 9); c4 = c4.addingProduct(v, w1)
        v = planePair(r, 10); c4 = c4.addingProduct(v, w2); c5 = c5.addingProduct(v, w0)
        v = planePair(r, 11); c5 = c5.addingProduct(v, w1)
        v = planePair(r, 12); c5 = c5.addingProduct(v, w2); c6 = c6.addingProduct(v, w0)
        v = planePair(r, 13); c6 = c6.addingProduct(v, w1)
        v = planePair(r, 14); c6 = c6.addingProduct(v, w2); c7 = c7.addingProduct(v, w0)
        v = planePair(r, 15); c7 = c7.addingProduct(v, w1)
        v = planePair(r, 16); c7 = c7.addingProduct(v, w2); c8 = c8.addingProduct(v, w0)
        v = planePair(r, 17); c8 = c8.addingProduct(v, w1)
        v = planePair(r, 18); c8 = c8.addingProduct(v, w2); c9 = c9.addingProduct(v, w0)
        v = planePair(r, 19); c9 = c9.addingProduct(v, w1)
        v = planePair(r, 20); c9 = c9.addingProduct(v, w2); c10 = c10.addingProduct(v, w0)
        v = planePair(r, 21); c10 = c10.addingProduct(v, w1)
        v = planePair(r, 22); c10 = c10.addingProduct(v, w2); c11 = c11.addingProduct(v, w0)
        v = planePair(r, 23); c11 = c11.addingProduct(v, w1)
        v = planePair(r, 24); c11 = c11.addingProduct(v, w2); c12 = c12.addingProduct(v, w0)
        v = planePair(r, 25); c12 = c12.addingProduct(v, w1)
        v = planePair(r, 26); c12 = c12.addingProduct(v, w2); c13 = c13.addingProduct(v, w0)
        v = planePair(r, 27); c13 = c13.addingProduct(v, w1)
        v = planePair(r, 28); c13 = c13.addingProduct(v, w2); c14 = c14.addingProduct(v, w0)
        v = planePair(r, 29); c14 = c14.addingProduct(v, w1)
        v = planePair(r, 30); c14 = c14.addingProduct(v, w2); c15 = c15.addingProduct(v, w0)
        v = planePair(r, 31); c15 = c15.addingProduct(v, w1)
        v = planePair(r, 32); c15 = c15.addingProduct(v, w2)
        r = r + rs
        k = k + 3
    }
    // Each accumulator reordered in its register (one vpermps) behind `splineseg_value_barrier16`:
    // without the barrier LLVM moved the reorder back through the FMAs onto the operands and split
    // the tile into 256-bit halves (35 % of peak); stored interleaved and reordered in place by a
    // second pass it reached 60-62 %.
    @inline(__always) func put(_ m: Int, _ a: SIMD16<Float>) {
        let v = deinterleave(splineseg_value_barrier16(a))
        UnsafeMutableRawPointer(output + 16 &* m).storeBytes(of: relu ? relu16(v) : v, as: SIMD16<Float>.self)
    }
    put(0, c0); put(1, c1); put(2, c2); put(3, c3); put(4, c4); put(5, c5); put(6, c6); put(7, c7)
    put(8, c8); put(9, c9); put(10, c10); put(11, c11); put(12, c12); put(13, c13); put(14, c14); put(15, c15)
}

/// The first `tiles` 32-pixel tiles of `rows` output rows (input and output rows `rowStride` and
/// `outRowStride` floats apart) for one 8-channel output block of the 1-input-channel 3x3 conv;
/// the caller computes the remaining pixels with `c1RowSingle` (same bits). Shapes as `tileC1x32`;
/// `relu`: ReLU, else no activation.
@inline(never)
public func directRowsC1x32x8AVX512(
    rows: Int, tiles: Int, input: UnsafePointer<Float>, rowStride: Int, weights: UnsafePointer<Float>,
    tapStride: Int, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, outRowStride: Int,
    relu: Bool
) {
    withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: 10) { buffer in
        let dw = buffer.baseAddress!
        for t in 0..<9 { (dw + t).initialize(to: doubled(weights + t &* tapStride)) }
        (dw + 9).initialize(to: doubled(bias))
        for r in 0..<rows {
            let i = input + r &* rowStride, o = output + r &* outRowStride
            for t in 0..<tiles {
                tileC1x32(input: i + 32 &* t, rowStride: rowStride, doubledTaps: dw, output: o + 256 &* t, relu: relu)
            }
        }
    }
}
