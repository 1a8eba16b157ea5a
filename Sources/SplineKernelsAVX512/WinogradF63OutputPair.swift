// The F(6x6,3x3) output transform Y = A^T M A + bias (+ ReLU, + the fused 2x2 pools) for TWO
// adjacent tiles at once, for CPUs with AVX-512 (see WinogradGemm6x32.swift for how this module
// is compiled and chosen): M holds tiles i and i + 1 of one 8-channel block side by side
// (M[p][kb][i][8]), so one zmm load takes both, and every transform step does the work of two
// SIMD8 steps of the AVX2 path (`_winogradF63Conv`, WinogradF63.swift). Only whole tiles (6 x 6
// inside the output); the caller keeps the AVX2 path for clipped tiles.
//
// Bitwise: per lane the same operations in the same order as the AVX2 transform (the same
// sums, FMAs, bias add, ReLU and pool reductions), so the results are the same bits
// (WinogradAVX512Tests).
//
// m        M of tile i, position 0 (tile i + 1 at m + 8); position p at m + p * mP
// t        scratch for 4 rows of T = A^T M: 32 SIMD16 (512 floats, the AVX2 path's `tmp`): T is
//          computed in two passes, rows 0...3 then 4...5 (M is read twice)
// bias     8 floats (this channel block)
// dst0/1   the tiles' first output pixels (padded NCHWc8 (oy + 1, ox + 1)), row stride rs; nil:
//          no full-resolution output
// max0/1, avg0/1   the tiles' first pooled pixels (row stride prs), or nil

/// The pool kernels' max (`b > a ? b : a`), per SIMD8 half (see `relu16`).
@inline(__always)
func max16(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
    let al = a.lowHalf, ah = a.highHalf, bl = b.lowHalf, bh = b.highHalf
    return SIMD16(lowHalf: al.replacing(with: bl, where: bl .> al), highHalf: ah.replacing(with: bh, where: bh .> ah))
}

typealias Row6 = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

/// Row r of Y: the row pass over T's row q (8 SIMD16), plus the bias, ReLU if `relu`.
@_transparent
func outputRow(_ q: UnsafePointer<SIMD16<Float>>, _ bk: SIMD16<Float>, _ relu: Bool) -> Row6 {
    let c2 = SIMD16<Float>(repeating: 2), c4 = SIMD16<Float>(repeating: 4)
    let c8 = SIMD16<Float>(repeating: 8), c16 = SIMD16<Float>(repeating: 16)
    let c32 = SIMD16<Float>(repeating: 32), h2 = SIMD16<Float>(repeating: 0.5)
    let h4 = SIMD16<Float>(repeating: 0.25), h8 = SIMD16<Float>(repeating: 0.125)
    let h16 = SIMD16<Float>(repeating: 0.0625), h32 = SIMD16<Float>(repeating: 0.03125)
    let m0 = q[0], m1 = q[1], m2 = q[2], m3 = q[3], m4 = q[4], m5 = q[5], m6 = q[6], m7 = q[7]
    let a1 = m1 + m2, b1 = m1 - m2, a2 = m3 + m4, b2 = m3 - m4, a3 = m5 + m6, b3 = m5 - m6
    var y0 = (m0 + a1 + a2 + a3) + bk
    var y1 = b1.addingProduct(b2, c2).addingProduct(b3, h2) + bk
    var y2 = a1.addingProduct(a2, c4).addingProduct(a3, h4) + bk
    var y3 = b1.addingProduct(b2, c8).addingProduct(b3, h8) + bk
    var y4 = a1.addingProduct(a2, c16).addingProduct(a3, h16) + bk
    var y5 = (b1 + m7).addingProduct(b2, c32).addingProduct(b3, h32) + bk
    if relu {
        y0 = relu16(y0); y1 = relu16(y1); y2 = relu16(y2)
        y3 = relu16(y3); y4 = relu16(y4); y5 = relu16(y5)
    }
    return (y0, y1, y2, y3, y4, y5)
}

@inline(__always)
func storeRow(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ y: Row6) {
    split16(a, b, y.0); split16(a + 8, b + 8, y.1); split16(a + 16, b + 16, y.2)
    split16(a + 24, b + 24, y.3); split16(a + 32, b + 32, y.4); split16(a + 40, b + 40, y.5)
}

@inline(__always)
func outputPair(
    m: UnsafePointer<Float>, mP: Int, t: UnsafeMutablePointer<SIMD16<Float>>, bias: UnsafePointer<Float>,
    relu: Bool, pooling: Bool,
    dst0: UnsafeMutablePointer<Float>?, dst1: UnsafeMutablePointer<Float>?, rs: Int,
    max0: UnsafeMutablePointer<Float>?, max1: UnsafeMutablePointer<Float>?,
    avg0: UnsafeMutablePointer<Float>?, avg1: UnsafeMutablePointer<Float>?, prs: Int
) {
    let c2 = SIMD16<Float>(repeating: 2), c4 = SIMD16<Float>(repeating: 4)
    let c8 = SIMD16<Float>(repeating: 8), c16 = SIMD16<Float>(repeating: 16)
    let c32 = SIMD16<Float>(repeating: 32), h2 = SIMD16<Float>(repeating: 0.5)
    let h4 = SIMD16<Float>(repeating: 0.25), h8 = SIMD16<Float>(repeating: 0.125)
    let h16 = SIMD16<Float>(repeating: 0.0625), h32 = SIMD16<Float>(repeating: 0.03125)
    let b8 = UnsafeRawPointer(bias).loadUnaligned(as: SIMD8<Float>.self)
    let bk = SIMD16(lowHalf: b8, highHalf: b8)
    let s8 = 8 &* mP
    let quarter = SIMD16<Float>(repeating: 0.25)
    for half in 0..<2 {
        // T's rows 0...3 (half 0) or 4...5 (half 1) into t[(r - r0) * 8 + j].
        for j in 0..<8 {
            let q = m + j &* mP
            let m0 = ld16(q), m1 = ld16(q + s8), m2 = ld16(q + 2 &* s8)
            let m3 = ld16(q + 3 &* s8), m4 = ld16(q + 4 &* s8), m5 = ld16(q + 5 &* s8)
            let m6 = ld16(q + 6 &* s8), m7 = ld16(q + 7 &* s8)
            let a1 = m1 + m2, b1 = m1 - m2, a2 = m3 + m4, b2 = m3 - m4, a3 = m5 + m6, b3 = m5 - m6
            if half == 0 {
                t[j] = m0 + a1 + a2 + a3
                t[8 &+ j] = b1.addingProduct(b2, c2).addingProduct(b3, h2)
                t[16 &+ j] = a1.addingProduct(a2, c4).addingProduct(a3, h4)
                t[24 &+ j] = b1.addingProduct(b2, c8).addingProduct(b3, h8)
            } else {
                t[j] = a1.addingProduct(a2, c16).addingProduct(a3, h16)
                t[8 &+ j] = (b1 + m7).addingProduct(b2, c32).addingProduct(b3, h32)
            }
        }
        let r0 = half &* 4, rows = half == 0 ? 4 : 2
        if !pooling {
            let d0 = dst0.unsafelyUnwrapped, d1 = dst1.unsafelyUnwrapped
            for r in 0..<rows {
                storeRow(d0 + (r0 &+ r) &* rs, d1 + (r0 &+ r) &* rs, outputRow(t + r &* 8, bk, relu))
            }
            continue
        }
        // Row pairs, then the 2x2 windows' max and mean in the AVX2 path's operation order.
        var r = 0
        while r < rows {
            let y = outputRow(t + r &* 8, bk, relu)
            let ry = r0 &+ r
            if let d0 = dst0, let d1 = dst1 { storeRow(d0 + ry &* rs, d1 + ry &* rs, y) }
            let mx0 = max16(y.0, y.1), mx1 = max16(y.2, y.3), mx2 = max16(y.4, y.5)
            let s0 = y.0 + y.1, s1 = y.2 + y.3, s2 = y.4 + y.5
            let z = outputRow(t + (r &+ 1) &* 8, bk, relu)
            if let d0 = dst0, let d1 = dst1 { storeRow(d0 + (ry &+ 1) &* rs, d1 + (ry &+ 1) &* rs, z) }
            let pr = (ry >> 1) &* prs
            if let a = max0, let b = max1 {
                split16(a + pr, b + pr, max16(mx0, max16(z.0, z.1)))
                split16(a + pr + 8, b + pr + 8, max16(mx1, max16(z.2, z.3)))
                split16(a + pr + 16, b + pr + 16, max16(mx2, max16(z.4, z.5)))
            }
            if let a = avg0, let b = avg1 {
                split16(a + pr, b + pr, ((s0 + z.0) + z.1) * quarter)
                split16(a + pr + 8, b + pr + 8, ((s1 + z.2) + z.3) * quarter)
                split16(a + pr + 16, b + pr + 16, ((s2 + z.4) + z.5) * quarter)
            }
            r &+= 2
        }
    }
}

/// Two whole adjacent tiles of one 8-channel block (contract above).
@inline(never)
public func wF63OutputPairAVX512(
    m: UnsafePointer<Float>, mP: Int, t: UnsafeMutableRawPointer, bias: UnsafePointer<Float>, relu: Bool,
    dst0: UnsafeMutablePointer<Float>?, dst1: UnsafeMutablePointer<Float>?, rs: Int,
    max0: UnsafeMutablePointer<Float>?, max1: UnsafeMutablePointer<Float>?,
    avg0: UnsafeMutablePointer<Float>?, avg1: UnsafeMutablePointer<Float>?, prs: Int
) {
    let tz = t.assumingMemoryBound(to: SIMD16<Float>.self)
    // One copy with runtime flags (branches per row, predictable): with a specialised copy per
    // (relu, pooling) the row pass was not inlined (a call per row, its 6 zmm results through memory).
    outputPair(m: m, mP: mP, t: tz, bias: bias, relu: relu, pooling: max0 != nil || avg0 != nil,
               dst0: dst0, dst1: dst1, rs: rs, max0: max0, max1: max1, avg0: avg0, avg1: avg1, prs: prs)
}
