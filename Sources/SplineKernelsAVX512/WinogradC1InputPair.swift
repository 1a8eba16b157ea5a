// The fused first conv's input transform (WinogradC1Prologue.swift) on AVX-512 for two channel
// blocks at once: the first conv's 16 output channels of one patch pixel are one SIMD16 (block
// c in lanes 0...7, c + 1 in 8...15), fed by ONE broadcast of each input pixel, so the 9 FMAs
// per patch value and the F(6,3) row and column transforms run at twice the AVX2 width.
//
// Why: in the fused step the patch values cost 9 FMAs each and (8/6)^2 of them per output
// value, as much as the 16 -> 16 GEMMs behind them: UNet f16's first step (1 -> 16 -> 16 at
// 256 or 512 pixels, then pooled) was its slowest, 458-567 GFLOP/s against 1100+ elsewhere.
//
// Bitwise: each lane computes what the AVX2 path computes for its channel: the patch value
// (bias, then the taps dy-major, ReLU as `v < 0 ? 0 : v`) and `_wInputTransform8`'s operations
// in its order, so V is the same (WinogradC1PrologueTests compares the two paths).
//
// c1w     the first conv's packed weights of block c ([10][8]: 9 taps dy * 3 + dx, then the
//         bias), block c + 1's at c1w + 80
// window  the input plane at the 3x3 window of the patch's pixel (0, 0): padded (y0 - 1, x0 - 1)
//         of an interior patch (every patch value an image pixel); row stride rs
// tmp     1024 floats of scratch (the row-pass results)
// dst0    V of block c for this tile (position p at dst0 + p * vP), dst1 that of block c + 1

/// One row / column of B^T d B for F(6,3), as `_wInputTransform8` (same operations per lane).
@_transparent
func inputTransform16(
    _ d0: SIMD16<Float>, _ d1: SIMD16<Float>, _ d2: SIMD16<Float>, _ d3: SIMD16<Float>,
    _ d4: SIMD16<Float>, _ d5: SIMD16<Float>, _ d6: SIMD16<Float>, _ d7: SIMD16<Float>
) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
      SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
    let c525 = SIMD16<Float>(repeating: 5.25), cm425 = SIMD16<Float>(repeating: -4.25)
    let c025 = SIMD16<Float>(repeating: 0.25), cm125 = SIMD16<Float>(repeating: -1.25)
    let c05 = SIMD16<Float>(repeating: 0.5), cm25 = SIMD16<Float>(repeating: -2.5)
    let c2 = SIMD16<Float>(repeating: 2), c4 = SIMD16<Float>(repeating: 4)
    let r0 = (d0 - d6).addingProduct(d4 - d2, c525)
    let r7 = (d7 - d1).addingProduct(d3 - d5, c525)
    let t1 = (d2 + d6).addingProduct(d4, cm425)
    let t2 = (d1 + d5).addingProduct(d3, cm425)
    let t3 = d6.addingProduct(d2, c025).addingProduct(d4, cm125)
    let t4 = (d1 * c05).addingProduct(d3, cm25).addingProduct(d5, c2)
    let t5 = d6.addingProduct(d2.addingProduct(d4, cm125), c4)
    let t6 = (d1 * c2).addingProduct(d3, cm25).addingProduct(d5, c05)
    return (r0, t1 + t2, t1 - t2, t3 + t4, t3 - t4, t5 + t6, t5 - t6, r7)
}

@inline(never)
public func wF63C1InputPairAVX512(
    _ c1w: UnsafePointer<Float>, _ window: UnsafePointer<Float>, _ rs: Int, _ tmp: UnsafeMutablePointer<Float>,
    _ dst0: UnsafeMutablePointer<Float>, _ dst1: UnsafeMutablePointer<Float>, _ vP: Int
) {
    @inline(__always) func w(_ t: Int) -> SIMD16<Float> {
        SIMD16(lowHalf: ld8(c1w + 8 &* t), highHalf: ld8(c1w + (80 &+ 8 &* t)))
    }
    let w0 = w(0), w1 = w(1), w2 = w(2), w3 = w(3), w4 = w(4), w5 = w(5), w6 = w(6), w7 = w(7), w8 = w(8)
    let b = w(9)
    // Patch value at the window starting at s: ReLU(bias + taps, dy-major).
    @inline(__always) func value(_ s: UnsafePointer<Float>) -> SIMD16<Float> {
        var a = b
        a = a.addingProduct(SIMD16(repeating: s[0]), w0)
        a = a.addingProduct(SIMD16(repeating: s[1]), w1)
        a = a.addingProduct(SIMD16(repeating: s[2]), w2)
        let s1 = s + rs
        a = a.addingProduct(SIMD16(repeating: s1[0]), w3)
        a = a.addingProduct(SIMD16(repeating: s1[1]), w4)
        a = a.addingProduct(SIMD16(repeating: s1[2]), w5)
        let s2 = s1 + rs
        a = a.addingProduct(SIMD16(repeating: s2[0]), w6)
        a = a.addingProduct(SIMD16(repeating: s2[1]), w7)
        a = a.addingProduct(SIMD16(repeating: s2[2]), w8)
        return relu16(a)
    }
    // Row pass: row r's 8 results at tmp + 128 r + 16 k.
    for r in 0..<8 {
        let s = window + r &* rs
        storeRowPair8(tmp + 128 &* r, inputTransform16(value(s), value(s + 1), value(s + 2), value(s + 3),
                                                       value(s + 4), value(s + 5), value(s + 6), value(s + 7)))
    }
    inputColumnsPair8(tmp, dst0, dst1, vP)
}

/// One row's 8 row-pass results of the F(6x6) pair transforms at t, t + 16, ..., t + 112.
@inline(__always)
func storeRowPair8(
    _ t: UnsafeMutablePointer<Float>,
    _ o: (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
          SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
) {
    @inline(__always) func put(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
    put(t, o.0); put(t + 16, o.1); put(t + 32, o.2); put(t + 48, o.3)
    put(t + 64, o.4); put(t + 80, o.5); put(t + 96, o.6); put(t + 112, o.7)
}

/// Column pass of the F(6x6) pair transforms: tmp's 8 columns (row r at tmp + 128 r) to the
/// tile's 64 positions p = 8 k + j of both blocks (dst0 + p * vP: lanes 0...7, dst1: 8...15).
@inline(__always)
func inputColumnsPair8(
    _ tmp: UnsafeMutablePointer<Float>, _ dst0: UnsafeMutablePointer<Float>, _ dst1: UnsafeMutablePointer<Float>, _ vP: Int
) {
    for j in 0..<8 {
        let q = UnsafePointer(tmp + 16 &* j)
        let o = inputTransform16(ld16(q), ld16(q + 128), ld16(q + 256), ld16(q + 384),
                                 ld16(q + 512), ld16(q + 640), ld16(q + 768), ld16(q + 896))
        @inline(__always) func out(_ k: Int, _ v: SIMD16<Float>) {
            let p = (8 &* k &+ j) &* vP
            split16(dst0 + p, dst1 + p, v)
        }
        out(0, o.0); out(1, o.1); out(2, o.2); out(3, o.3); out(4, o.4); out(5, o.5); out(6, o.6); out(7, o.7)
    }
}
