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

/// Where the tile's weight operands for (ky, channel pair j) come from: kx = 0, 1, 2, input
/// channels 2j and 2j + 1 interleaved; wp at the ky's 192 floats. A generic parameter, not a flag:
/// with a runtime branch the tile grew past what the inliner inlines (32 % of peak).
protocol Operands16x8 {
    static func weights(_ wp: UnsafePointer<Float>, _ j: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
}

/// The packed layout [kx][ic 8][8]: two 8-float loads and a shuffle per operand.
enum PackedOperands16x8: Operands16x8 {
    @inline(__always)
    static func weights(_ wp: UnsafePointer<Float>, _ j: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        let wj = wp + 16 &* j
        return (interleave(ld8(wj), ld8(wj + 8)), interleave(ld8(wj + 64), ld8(wj + 72)),
                interleave(ld8(wj + 128), ld8(wj + 136)))
    }
}

/// Staged by `stageWeights16x8`: [j][kx][16], one load per operand.
enum StagedOperands16x8: Operands16x8 {
    @inline(__always)
    static func weights(_ wp: UnsafePointer<Float>, _ j: Int) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        let ws = wp + 48 &* j
        return (ld16(ws), ld16(ws + 16), ld16(ws + 32))
    }
}

@inline(__always)
func tile16x8<O: Operands16x8>(
    input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
    accumulate: Bool, finish: Bool, relu: Bool, operands: O.Type = PackedOperands16x8.self
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
                let (w0, w1, w2) = O.weights(wp, j)
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

/// Most input blocks `directRows16x8AVX512` stages (one chunk of the 3x3 driver).
public let directRows16x8MaxBlocks = 4

/// The packed weights of `blocks` input blocks ([blocks][ky][kx][ic 8][8], 576 floats each)
/// rewritten as the tile's operands, [blocks][ky][j][kx][16]: what `PackedOperands16x8` builds
/// (input channels 2j and 2j + 1 interleaved), stored, so the tile loads them instead of
/// shuffling 3 vectors per 48 FMAs, and `StagedOperands16x8` reads the same operands.
@inline(__always)
func stageWeights16x8(_ weights: UnsafePointer<Float>, blocks: Int, into staged: UnsafeMutablePointer<Float>) {
    @inline(__always) func put(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
    for t in 0..<(blocks &* 3) {                     // (block, ky): 192 floats each, both layouts
        let src = weights + 192 &* t, dst = staged + 192 &* t
        for j in 0..<4 {
            let (w0, w1, w2) = PackedOperands16x8.weights(src, j), d = dst + 48 &* j
            put(d, w0)
            put(d + 16, w1)
            put(d + 32, w2)
        }
    }
}

/// The 16-pixel tiles (`tiles` per row) of `rows` consecutive output rows for one 8-channel
/// output block, when its whole reduction is one chunk (`blocks` <= `directRows16x8MaxBlocks`):
/// the weights are staged once per call instead of shuffled in every tile (8 -> 8 @128, kernel-bench,
/// 2 threads: about +2 points of peak). Same operands in the same order as `directRow16x8AVX512`
/// with accumulate off and finish on: the same bits. input: row 0's first tap (rows rowStride
/// apart); output: row 0's pixel 0 (rows outRowStride apart).
@inline(never)
public func directRows16x8AVX512(
    rows: Int, tiles: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outRowStride: Int, relu: Bool
) {
    precondition(blocks >= 1 && blocks <= directRows16x8MaxBlocks, "directRows16x8AVX512: 1...4 input blocks")
    var stage = InlineArray<144, SIMD16<Float>>(repeating: .zero)   // 4 blocks x 576 floats, on the stack
    withUnsafeMutablePointer(to: &stage) { sp in
        let staged = UnsafeMutableRawPointer(sp).assumingMemoryBound(to: Float.self)
        stageWeights16x8(weights, blocks: blocks, into: staged)
        rows16x8Staged(rows: rows, tiles: tiles, input: input, inBlockStride: inBlockStride, rowStride: rowStride,
                       blocks: blocks, staged: staged, bias: bias, output: output, outRowStride: outRowStride, relu: relu)
    }
}

/// `directRows16x8AVX512`'s tiles on weights already staged. Its own function: written inside the
/// pointer closure, the tile was inlined there and compiled to 256-bit code (32 % of peak).
@inline(never)
func rows16x8Staged(
    rows: Int, tiles: Int, input: UnsafePointer<Float>, inBlockStride: Int, rowStride: Int, blocks: Int,
    staged: UnsafePointer<Float>, bias: UnsafePointer<Float>,
    output: UnsafeMutablePointer<Float>, outRowStride: Int, relu: Bool
) {
    @inline(__always) func run(_ r: Bool) {
        for y in 0..<rows {
            let ip = input + y &* rowStride, op = output + y &* outRowStride
            for t in 0..<tiles {
                tile16x8(input: ip + t &* 128, inBlockStride: inBlockStride, rowStride: rowStride, blocks: blocks,
                         weights: staged, bias: bias, output: op + t &* 128, accumulate: false, finish: true,
                         relu: r, operands: StagedOperands16x8.self)
            }
        }
    }
    if relu { run(true) } else { run(false) }
}
