// The Winograd GEMMs' AVX-512 micro-kernels for a single output panel: the 6-row tile of one
// 16-channel panel (after the 12-row tiles of `wMicro12x16AVX512`) and the 12-row tile of a last
// half panel (8 channels, Kp % 16 == 8). Until session 19 these ran as the AVX2 tiles
// (`_wMicro6x16`, `_wMicro6x8`). The gain is small: both tiles are bound by their broadcast
// loads (one scalar V load per 8 output lanes in the half panel, however the lanes are packed),
// not by the FMA width. Built-in-size model, 1 thread, alternating: 0.503 -> 0.496 ms median
// (decoder.3.conv1, 16 -> 8 and all half panel, 39.5 -> 39.1 us; decoder.2.conv1, 32 -> 16,
// 21.5 -> 20.8 us). The single-panel 2- and 4-row tails stay AVX2: with 2 or 4 zmm
// accumulators they are bound by the FMA latency, as the AVX2 tails with 4 or 8 ymm ones are.
//
// Bitwise: each M value is the sum over c of V * U from zero, one FMA per c in the order of the
// AVX2 tile it replaces, so the results are the same bits (WinogradAVX512Tests).
//
// a, a0, a1  V micro-panels [cblocks][6 tiles][8 channels], aStride floats between channel blocks
// b          U panel [c][16] (one panel) or [c][8] (half panel)
// c          M of tile 0: [kb][tiles][8], cStride floats between kb and kb + 1 (a half panel:
//            one 8-channel block, tile i at c + 8 i)
import CSpinHint

/// 6 tiles x 16 output channels of one panel (6 zmm accumulators), as `_wMicro6x16`.
@inline(never)
public func wMicro6x16AVX512(
    _ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
    _ cblocks: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int,
    _ pf: UnsafePointer<Float>, _ pfPerBlock: Int
) {
    var pfp = pf
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
    var ap = a
    var bp = b
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let w = ld16(bp)
            c0 = c0.addingProduct(SIMD16(repeating: ap[l]), w)
            c1 = c1.addingProduct(SIMD16(repeating: ap[8 &+ l]), w)
            c2 = c2.addingProduct(SIMD16(repeating: ap[16 &+ l]), w)
            c3 = c3.addingProduct(SIMD16(repeating: ap[24 &+ l]), w)
            c4 = c4.addingProduct(SIMD16(repeating: ap[32 &+ l]), w)
            c5 = c5.addingProduct(SIMD16(repeating: ap[40 &+ l]), w)
            bp = bp.advanced(by: 16)
        }
        for _ in 0..<pfPerBlock {
            splineseg_prefetch(pfp)
            pfp = pfp.advanced(by: 16)
        }
        ap = ap.advanced(by: aStride)
    }
    let s = cStride
    st16(c, s, c0); st16(c + 8, s, c1); st16(c + 16, s, c2)
    st16(c + 24, s, c3); st16(c + 32, s, c4); st16(c + 40, s, c5)
}

/// 12 tiles x the 8 channels of a half panel (6 zmm accumulators, tile i in the low lanes and
/// tile i + 6 in the high lanes of accumulator i): tiles 0...5 from the V micro-panel at a0,
/// 6...11 from a1; M of tile i at c + 8 i. As two `_wMicro6x8` calls.
@inline(never)
public func wMicro12x8AVX512(
    _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
    _ cblocks: Int, _ c: UnsafeMutablePointer<Float>
) {
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
    var ap = a0, aq = a1
    var bp = b
    /// V of tile t (0...5) of both micro-panels, each broadcast over its 8 lanes (two scalar
    /// loads and one vpermt2ps; a masked broadcast needs a mask Swift builds at run time, and
    /// timed the same in a microbenchmark: 206 vs 209-213 ns per 128 channels).
    @inline(__always) func pair(_ o: Int) -> SIMD16<Float> {
        var v = SIMD16(repeating: ap[o])
        v.highHalf = SIMD8(repeating: aq[o])
        return v
    }
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let u = UnsafeRawPointer(bp).loadUnaligned(as: SIMD8<Float>.self)
            let w = SIMD16(lowHalf: u, highHalf: u)
            c0 = c0.addingProduct(pair(l), w)
            c1 = c1.addingProduct(pair(8 &+ l), w)
            c2 = c2.addingProduct(pair(16 &+ l), w)
            c3 = c3.addingProduct(pair(24 &+ l), w)
            c4 = c4.addingProduct(pair(32 &+ l), w)
            c5 = c5.addingProduct(pair(40 &+ l), w)
            bp = bp.advanced(by: 8)
        }
        ap = ap.advanced(by: aStride)
        aq = aq.advanced(by: aStride)
    }
    split16(c, c + 48, c0); split16(c + 8, c + 56, c1); split16(c + 16, c + 64, c2)
    split16(c + 24, c + 72, c3); split16(c + 32, c + 80, c4); split16(c + 40, c + 88, c5)
}
