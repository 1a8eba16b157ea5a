// The direct 3x3 conv's AVX-512 tile for a single 8-channel output block (8-channel outputs:
// the built-in model's largest layers): 16 output pixels of one row in 16 zmm accumulators,
// one per pixel, holding its 8 output channels twice: lane 2k the partial sum of channel k over
// the even input channels, lane 2k + 1 over the odd ones; the two are added at the end.
//
// Why: an 8-channel block fills half a zmm, so the AVX2 tile's operand (one input value in
// every lane, `microTileShared3`) would need two input values per zmm (pixels q and q + 1),
// which costs a shuffle per operand (a vpermps or vpermt2ps tile ran at 62-78 % of the FMA
// peak). Input channels 2j and 2j + 1 of one pixel are adjacent in NCHWc8, so the operand here
// is one 64-bit broadcast load, no shuffle. Per (input block, ky, channel pair j): 18 operands,
// three weight vectors (kx = 0, 1, 2) and 48 FMAs: pixel q feeds accumulator q (kx 0), q - 1
// (kx 1) and q - 2 (kx 2), as in `microTileShared3`.
//
// Not bitwise the AVX2 tiles: each channel sums its even and its odd input channels apart
// (both in the order (input block, ky, j, kx)), so results differ from the AVX2 path in the
// last bits (ConvAVX512Tests bounds it against the reference). They do not depend on how rows
// are split between threads.
//
// input    first tap of output pixel 0 in input block 0 (padded NCHWc8: pixel stride 8, row
//          stride rowStride, block b at + b * inBlockStride)
// weights  the block's packed weights [blocks][3][3][8 ic][8]; bias 8 floats
// output   pixel p at output + 8 p (one 8-channel block)
// accumulate: start from the partial sums in output; finish: apply the activation (relu)

/// Input channels 2j (even lanes) and 2j + 1 (odd lanes) of pixel q of the row at rp.
@inline(__always)
func channelPair(_ rp: UnsafePointer<Float>, _ q: Int, _ j: Int) -> SIMD16<Float> {
    let bits = UnsafeRawPointer(rp + (q &* 8 &+ 2 &* j)).loadUnaligned(as: UInt64.self)
    return unsafeBitCast(SIMD8<UInt64>(repeating: bits), to: SIMD16<Float>.self)
}

/// a[k] in lane 2k, b[k] in lane 2k + 1.
@inline(__always)
func interleave(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD16<Float> {
    SIMD16(a[0], b[0], a[1], b[1], a[2], b[2], a[3], b[3], a[4], b[4], a[5], b[5], a[6], b[6], a[7], b[7])
}

/// Two pixels' accumulators to their 8 channels each (even + odd lanes): lanes 0...7 from x,
/// 8...15 from y. The odd lanes shifted onto the even ones as 64-bit integers (vpsrlq) and
/// added, then the even lanes of both gathered (one vpermt2ps): written as even + odd lanes,
/// LLVM made it 256-bit halves, vhaddps and reassembly (6 instructions per pixel pair, 3 % of
/// the tile's time).
@inline(__always)
func foldPair(_ x: SIMD16<Float>, _ y: SIMD16<Float>) -> SIMD16<Float> {
    @inline(__always) func pairSums(_ v: SIMD16<Float>) -> SIMD16<Float> {
        v + unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt64>.self) &>> 32, to: SIMD16<Float>.self)
    }
    let a = pairSums(x), b = pairSums(y)
    return SIMD16(a[0], a[2], a[4], a[6], a[8], a[10], a[12], a[14], b[0], b[2], b[4], b[6], b[8], b[10], b[12], b[14])
}

@inline(__always)
func ld8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
func tile16x8(
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    accumulate: Bool, finish: Bool, relu: Bool
) {
    let zero = SIMD8<Float>()
    @inline(__always) func start(_ p: Int) -> SIMD16<Float> {
        interleave(accumulate ? ld8(output + 8 &* p) : ld8(bias), zero)
    }
    var c0 = start(0), c1 = start(1), c2 = start(2), c3 = start(3), c4 = start(4), c5 = start(5)
    var c6 = start(6), c7 = start(7), c8 = start(8), c9 = start(9), c10 = start(10), c11 = start(11)
    var c12 = start(12), c13 = start(13), c14 = start(14), c15 = start(15)
    var wp = weights
    var bp = input
    for _ in 0..<blocks {
        var rp = bp
        for _ in 0..<3 {
            for j in 0..<4 {
                // Weights [kx][ic][8]: channels 2j and 2j + 1 of kx at wp + 64 kx + 16 j.
                let wj = wp + 16 &* j
                let w0 = interleave(ld8(wj), ld8(wj + 8))
                let w1 = interleave(ld8(wj + 64), ld8(wj + 72))
                let w2 = interleave(ld8(wj + 128), ld8(wj + 136))
                var v = channelPair(rp, 0, j)
                c0 = c0.addingProduct(v, w0)
                v = channelPair(rp, 1, j)
                c0 = c0.addingProduct(v, w1); c1 = c1.addingProduct(v, w0)
                v = channelPair(rp, 2, j)
                c0 = c0.addingProduct(v, w2); c1 = c1.addingProduct(v, w1); c2 = c2.addingProduct(v, w0)
                v = channelPair(rp, 3, j)
                c1 = c1.addingProduct(v, w2); c2 = c2.addingProduct(v, w1); c3 = c3.addingProduct(v, w0)
                v = channelPair(rp, 4, j)
                c2 = c2.addingProduct(v, w2); c3 = c3.addingProduct(v, w1); c4 = c4.addingProduct(v, w0)
                v = channelPair(rp, 5, j)
                c3 = c3.addingProduct(v, w2); c4 = c4.addingProduct(v, w1); c5 = c5.addingProduct(v, w0)
                v = channelPair(rp, 6, j)
                c4 = c4.addingProduct(v, w2); c5 = c5.addingProduct(v, w1); c6 = c6.addingProduct(v, w0)
                v = channelPair(rp, 7, j)
                c5 = c5.addingProduct(v, w2); c6 = c6.addingProduct(v, w1); c7 = c7.addingProduct(v, w0)
                v = channelPair(rp, 8, j)
                c6 = c6.addingProduct(v, w2); c7 = c7.addingProduct(v, w1); c8 = c8.addingProduct(v, w0)
                v = channelPair(rp, 9, j)
                c7 = c7.addingProduct(v, w2); c8 = c8.addingProduct(v, w1); c9 = c9.addingProduct(v, w0)
                v = channelPair(rp, 10, j)
                c8 = c8.addingProduct(v, w2); c9 = c9.addingProduct(v, w1); c10 = c10.addingProduct(v, w0)
                v = channelPair(rp, 11, j)
                c9 = c9.addingProduct(v, w2); c10 = c10.addingProduct(v, w1); c11 = c11.addingProduct(v, w0)
                v = channelPair(rp, 12, j)
                c10 = c10.addingProduct(v, w2); c11 = c11.addingProduct(v, w1); c12 = c12.addingProduct(v, w0)
                v = channelPair(rp, 13, j)
                c11 = c11.addingProduct(v, w2); c12 = c12.addingProduct(v, w1); c13 = c13.addingProduct(v, w0)
                v = channelPair(rp, 14, j)
                c12 = c12.addingProduct(v, w2); c13 = c13.addingProduct(v, w1); c14 = c14.addingProduct(v, w0)
                v = channelPair(rp, 15, j)
                c13 = c13.addingProduct(v, w2); c14 = c14.addingProduct(v, w1); c15 = c15.addingProduct(v, w0)
                v = channelPair(rp, 16, j)
                c14 = c14.addingProduct(v, w2); c15 = c15.addingProduct(v, w1)
                v = channelPair(rp, 17, j)
                c15 = c15.addingProduct(v, w2)
            }
            wp = wp + 192
            rp = rp + rowStride
        }
        bp = bp + inBlockStride
    }
    @inline(__always) func put(_ p: Int, _ x: SIMD16<Float>, _ y: SIMD16<Float>) {
        let v = foldPair(x, y)
        UnsafeMutableRawPointer(output + 8 &* p).storeBytes(of: finish && relu ? relu16(v) : v, as: SIMD16<Float>.self)
    }
    put(0, c0, c1); put(2, c2, c3); put(4, c4, c5); put(6, c6, c7)
    put(8, c8, c9); put(10, c10, c11); put(12, c12, c13); put(14, c14, c15)
}

/// The first `tiles` 16-pixel tiles of one output row segment for one 8-channel output block of
/// a 3x3 conv (8-lane input blocks); the caller computes the remaining pixels with the AVX2
/// tiles. Shapes as `tile16x8`; `relu` as in `directRowPair16AVX512`. One specialisation per
/// flag combination.
@inline(never)
public func directRow16x8AVX512(
    tiles: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, accumulate: Bool, finish: Bool, relu: Bool
) {
    @inline(__always) func run(_ k: Int, _ acc: Bool, _ fin: Bool, _ r: Bool) {
        for t in 0..<tiles {
            tile16x8(input: input + t &* 128, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
                     weights: weights, bias: bias, output: output + t &* 128, accumulate: acc, finish: fin, relu: r)
        }
    }
    withLiteralFlags(kh: 3, accumulate: accumulate, finish: finish, relu: relu, run)
}
