// The F(6x6, 3x3) input transform V = B^T d B on AVX-512 for two channel blocks of one interior
// 8x8 patch at once: block c in lanes 0...7, c + 1 in lanes 8...15 of each SIMD16, so the row and
// column passes run at twice the AVX2 width (`inputTransform16`, `_wInputTransform8`'s operations
// per lane: the same V bits, WinogradAVX512Tests compares whole layers across the two paths).
//
// Why: in VGG-Implicit2 @512 the AVX2 input transform was about a tenth of the Winograd layers'
// time (`perf`: the F(6x6) kernels' own code 8 % of the run, the GEMM micro-kernel 56 %); the
// 256-channel layers at 128x128, with the least GEMM work per transformed value, ran at 2.8x
// the direct conv's FLOP rate against 3.4x for the 512-channel ones.
//
// patch   pixel (0, 0) of block c's 8x8 patch (padded NCHWc8: rows rs floats apart, every patch
//         pixel inside the padded image); block c + 1's patch at patch + bs
// tmp     1024 floats of scratch (the row-pass results)
// dst0    V of block c for this tile (position p at dst0 + p * vP), dst1 that of block c + 1

@inline(never)
public func wF63InputPairAVX512(
    _ patch: UnsafePointer<Float>, _ bs: Int, _ rs: Int, _ tmp: UnsafeMutablePointer<Float>,
    _ dst0: UnsafeMutablePointer<Float>, _ dst1: UnsafeMutablePointer<Float>, _ vP: Int
) {
    // Row pass: row r's 8 results at tmp + 128 r + 16 k.
    for r in 0..<8 {
        let s0 = patch + r &* rs, s1 = s0 + bs
        @inline(__always) func d(_ x: Int) -> SIMD16<Float> {
            SIMD16(lowHalf: ld8(s0 + 8 &* x), highHalf: ld8(s1 + 8 &* x))
        }
        storeRowPair8(tmp + 128 &* r, inputTransform16(d(0), d(1), d(2), d(3), d(4), d(5), d(6), d(7)))
    }
    inputColumnsPair8(tmp, dst0, dst1, vP)
}

/// One row / column of B^T d B for F(4,3), as `_wInputTransform6` (same operations per lane).
@_transparent
func inputTransform6x16(
    _ d0: SIMD16<Float>, _ d1: SIMD16<Float>, _ d2: SIMD16<Float>,
    _ d3: SIMD16<Float>, _ d4: SIMD16<Float>, _ d5: SIMD16<Float>
) -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
    let four = SIMD16<Float>(repeating: 4), mfive = SIMD16<Float>(repeating: -5)
    let two = SIMD16<Float>(repeating: 2), mfour = SIMD16<Float>(repeating: -4)
    let mtwo = SIMD16<Float>(repeating: -2)
    let r0 = d4.addingProduct(d0, four).addingProduct(d2, mfive)
    let r1 = (d3 + d4).addingProduct(d1 + d2, mfour)
    let r2 = (d4 - d3).addingProduct(d1 - d2, four)
    let a = d4 - d2, b = d1 - d3
    let r3 = a.addingProduct(b, mtwo)
    let r4 = a.addingProduct(b, two)
    let r5 = d5.addingProduct(d1, four).addingProduct(d3, mfive)
    return (r0, r1, r2, r3, r4, r5)
}

/// The F(4x4, 3x3) input transform of two channel blocks of one interior 6x6 patch: as
/// `wF63InputPairAVX512` (same arguments; 36 positions, p = 6 k + j).
@inline(never)
public func wF43InputPairAVX512(
    _ patch: UnsafePointer<Float>, _ bs: Int, _ rs: Int, _ tmp: UnsafeMutablePointer<Float>,
    _ dst0: UnsafeMutablePointer<Float>, _ dst1: UnsafeMutablePointer<Float>, _ vP: Int
) {
    @inline(__always) func put(_ p: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }
    // Row pass: row r's 6 results at tmp + 96 r + 16 k.
    for r in 0..<6 {
        let s0 = patch + r &* rs, s1 = s0 + bs
        @inline(__always) func d(_ x: Int) -> SIMD16<Float> {
            SIMD16(lowHalf: ld8(s0 + 8 &* x), highHalf: ld8(s1 + 8 &* x))
        }
        let o = inputTransform6x16(d(0), d(1), d(2), d(3), d(4), d(5))
        let t = tmp + 96 &* r
        put(t, o.0); put(t + 16, o.1); put(t + 32, o.2); put(t + 48, o.3); put(t + 64, o.4); put(t + 80, o.5)
    }
    // Column pass: column j's results to positions p = 6 k + j of both blocks.
    for j in 0..<6 {
        let q = UnsafePointer(tmp + 16 &* j)
        let o = inputTransform6x16(ld16(q), ld16(q + 96), ld16(q + 192), ld16(q + 288), ld16(q + 384), ld16(q + 480))
        @inline(__always) func out(_ k: Int, _ v: SIMD16<Float>) {
            let p = (6 &* k &+ j) &* vP
            split16(dst0 + p, dst1 + p, v)
        }
        out(0, o.0); out(1, o.1); out(2, o.2); out(3, o.3); out(4, o.4); out(5, o.5)
    }
}
