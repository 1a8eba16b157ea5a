// The F(4x4,3x3) output transform Y = A^T M A + bias (+ ReLU, + the fused 2x2 pools) for TWO
// adjacent whole tiles at once: `wF63OutputPairAVX512` (WinogradF63OutputPair.swift) for the
// 6x6-position, 4x4-output transform of `_winogradF43Conv` (WinogradF43.swift). M holds tiles
// i and i + 1 of one 8-channel block side by side, so one zmm load takes both and every step
// does the work of two SIMD8 steps. Only whole tiles (4 x 4 inside the output); the caller keeps
// the AVX2 path for clipped ones.
//
// Why: the F(4x4) layers carry most of the small models' time (the built-in model's 16 x 16 and
// 32 x 32 levels, UNet f16 @256), where the transforms weigh as much as the GEMMs.
//
// Bitwise: per lane the AVX2 transform's operations in its order (sums, FMAs, bias add, ReLU,
// pool reductions), so the same bits (WinogradAVX512Tests).
//
// m        M of tile i, position 0 (tile i + 1 at m + 8); position p at m + p * mP
// t        scratch for two rows of T = A^T M: 12 SIMD16 (192 floats; the AVX2 path's `tmp` has
//          288): T is computed in two passes, rows 0...1 then 2...3 (M is read twice)
// bias     8 floats (this channel block)
// dst0/1   the tiles' first output pixels (padded NCHWc8 (oy + 1, ox + 1)), row stride rs; nil:
//          no full-resolution output
// max0/1, avg0/1   the tiles' first pooled pixels (row stride prs), or nil

typealias Row4 = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

/// Row r of Y: the row pass over T's row at q (6 SIMD16), plus the bias, ReLU if `relu`.
@_transparent
func outputRow4(_ q: UnsafePointer<Float>, _ bk: SIMD16<Float>, _ relu: Bool) -> Row4 {
    let two = SIMD16<Float>(repeating: 2), four = SIMD16<Float>(repeating: 4)
    let eight = SIMD16<Float>(repeating: 8)
    let m0 = ld16(q), m1 = ld16(q + 16), m2 = ld16(q + 32), m3 = ld16(q + 48), m4 = ld16(q + 64), m5 = ld16(q + 80)
    let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
    var y0 = (m0 + s12 + s34) + bk
    var y1 = d12.addingProduct(d34, two) + bk
    var y2 = s12.addingProduct(s34, four) + bk
    var y3 = (d12 + m5).addingProduct(d34, eight) + bk
    if relu {
        y0 = relu16(y0); y1 = relu16(y1); y2 = relu16(y2); y3 = relu16(y3)
    }
    return (y0, y1, y2, y3)
}

@inline(__always)
func storeRow4(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ y: Row4) {
    split16(a, b, y.0); split16(a + 8, b + 8, y.1); split16(a + 16, b + 16, y.2); split16(a + 24, b + 24, y.3)
}

/// Two whole adjacent tiles of one 8-channel block (contract above).
@inline(never)
public func wF43OutputPairAVX512(
    m: UnsafePointer<Float>, mP: Int, t: UnsafeMutableRawPointer, bias: UnsafePointer<Float>, relu: Bool,
    dst0: UnsafeMutablePointer<Float>?, dst1: UnsafeMutablePointer<Float>?, rs: Int,
    max0: UnsafeMutablePointer<Float>?, max1: UnsafeMutablePointer<Float>?,
    avg0: UnsafeMutablePointer<Float>?, avg1: UnsafeMutablePointer<Float>?, prs: Int
) {
    let tz = t.assumingMemoryBound(to: Float.self)
    let two = SIMD16<Float>(repeating: 2), four = SIMD16<Float>(repeating: 4)
    let eight = SIMD16<Float>(repeating: 8), quarter = SIMD16<Float>(repeating: 0.25)
    let b8 = UnsafeRawPointer(bias).loadUnaligned(as: SIMD8<Float>.self)
    let bk = SIMD16(lowHalf: b8, highHalf: b8)
    let pooling = max0 != nil || avg0 != nil
    @inline(__always) func put(_ o: Int, _ v: SIMD16<Float>) {
        UnsafeMutableRawPointer(tz + o).storeBytes(of: v, as: SIMD16<Float>.self)
    }
    let s6 = 6 &* mP
    for half in 0..<2 {
        // T's rows 0...1 (half 0) or 2...3 (half 1) into tz + 96 (r - r0) + 16 j.
        for j in 0..<6 {
            let q = m + j &* mP
            let m0 = ld16(q), m1 = ld16(q + s6), m2 = ld16(q + 2 &* s6)
            let m3 = ld16(q + 3 &* s6), m4 = ld16(q + 4 &* s6), m5 = ld16(q + 5 &* s6)
            let s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4
            if half == 0 {
                put(16 &* j, m0 + s12 + s34)
                put(96 &+ 16 &* j, d12.addingProduct(d34, two))
            } else {
                put(16 &* j, s12.addingProduct(s34, four))
                put(96 &+ 16 &* j, (d12 + m5).addingProduct(d34, eight))
            }
        }
        let r = 2 &* half
        let y = outputRow4(tz, bk, relu)
        let z = outputRow4(tz + 96, bk, relu)
        if let d0 = dst0, let d1 = dst1 {
            storeRow4(d0 + r &* rs, d1 + r &* rs, y)
            storeRow4(d0 + (r &+ 1) &* rs, d1 + (r &+ 1) &* rs, z)
        }
        if !pooling { continue }
        // The 2x2 windows' max and mean in the AVX2 path's operation order.
        let pr = half &* prs
        if let a = max0, let b = max1 {
            let mx0 = max16(y.0, y.1), mx1 = max16(y.2, y.3)
            split16(a + pr, b + pr, max16(mx0, max16(z.0, z.1)))
            split16(a + pr + 8, b + pr + 8, max16(mx1, max16(z.2, z.3)))
        }
        if let a = avg0, let b = avg1 {
            let s0 = y.0 + y.1, s1 = y.2 + y.3
            split16(a + pr, b + pr, ((s0 + z.0) + z.1) * quarter)
            split16(a + pr + 8, b + pr + 8, ((s1 + z.2) + z.3) * quarter)
        }
    }
}
