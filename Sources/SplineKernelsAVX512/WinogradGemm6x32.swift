// The Winograd GEMMs' micro-kernel for CPUs with AVX-512 (x86-64-v4): this module alone is
// compiled with -march=x86-64-v4 (Package.swift), so its SIMD16<Float> code runs on 512-bit
// registers; SplineKernels calls it only when `splineseg_cpu_has_x86_64_v4()` says the CPU and
// OS run that code (`kernelsUseAVX512`, ISA.swift; `_wBatchedGemm`, WinogradF43.swift). Never inlined into the x86-64-v3 modules.
//
// Why: on a Zen 5 (EPYC Turin) with full-width AVX-512, a 512-bit FMA costs what a 256-bit one
// does, so the AVX2 6x16 micro-kernel (`_wMicro6x16`) reaches only half the FMA peak; this one
// does the work of two of them (two adjacent 16-channel panels of U) at the same speed.
//
// Bitwise: each M value is the sum over c of V * U, from zero, one FMA per c in the same order
// as `_wMicro6x16`, so both kernels give the same bits (WinogradAVX512Tests).
//
// a    V micro-panel: [cblocks][6 tiles][8 channels], aStride floats between channel blocks
// b    U panel [c = 8 cblocks][16]; the second panel at b + panelStride
// c    M of the first panel's first 8-channel block, tile 0: [kb][tiles][8], cStride floats
//      between kb and kb + 1; the four 8-channel blocks of the two panels at c + j * cStride
// pf   pfPerBlock cache lines prefetched after each channel block (0: none), as `_wMicro6x16`
import CSpinHint

@inline(__always)
func ld16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
func st8(_ p: UnsafeMutablePointer<Float>, _ v: SIMD8<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
}

/// Lanes 0...7 at a, lanes 8...15 at b.
@inline(__always)
func split16(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ v: SIMD16<Float>) {
    st8(a, v.lowHalf)
    st8(b, v.highHalf)
}

/// 16 output channels of one tile: the low 8 to kb, the high 8 to kb + 1 (stride s).
@inline(__always)
func st16(_ p: UnsafeMutablePointer<Float>, _ s: Int, _ v: SIMD16<Float>) {
    split16(p, p + s, v)
}

/// 6 tiles x 32 output channels (12 zmm accumulators): M[i][k0 ..< k0 + 32] = sum over
/// cblocks * 8 channels of V[c][i] * U[c][k].
@inline(never)
public func wMicro6x32AVX512(
    _ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>, _ panelStride: Int,
    _ cblocks: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int,
    _ pf: UnsafePointer<Float>, _ pfPerBlock: Int
) {
    var pfp = pf
    var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
    var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
    var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
    var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
    var c40 = SIMD16<Float>(), c41 = SIMD16<Float>()
    var c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
    var ap = a
    var bp = b
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let b0 = ld16(bp), b1 = ld16(bp + panelStride)
            let a0 = SIMD16<Float>(repeating: ap[l])
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            let a1 = SIMD16<Float>(repeating: ap[8 &+ l])
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
            let a2 = SIMD16<Float>(repeating: ap[16 &+ l])
            c20 = c20.addingProduct(a2, b0); c21 = c21.addingProduct(a2, b1)
            let a3 = SIMD16<Float>(repeating: ap[24 &+ l])
            c30 = c30.addingProduct(a3, b0); c31 = c31.addingProduct(a3, b1)
            let a4 = SIMD16<Float>(repeating: ap[32 &+ l])
            c40 = c40.addingProduct(a4, b0); c41 = c41.addingProduct(a4, b1)
            let a5 = SIMD16<Float>(repeating: ap[40 &+ l])
            c50 = c50.addingProduct(a5, b0); c51 = c51.addingProduct(a5, b1)
            bp = bp.advanced(by: 16)
        }
        for _ in 0..<pfPerBlock {
            splineseg_prefetch(pfp)
            pfp = pfp.advanced(by: 16)
        }
        ap = ap.advanced(by: aStride)
    }
    let s = cStride, e = c + 2 &* cStride
    st16(c, s, c00); st16(c + 8, s, c10); st16(c + 16, s, c20)
    st16(c + 24, s, c30); st16(c + 32, s, c40); st16(c + 40, s, c50)
    st16(e, s, c01); st16(e + 8, s, c11); st16(e + 16, s, c21)
    st16(e + 24, s, c31); st16(e + 32, s, c41); st16(e + 40, s, c51)
}

/// 12 tiles x 16 output channels (one panel; 12 zmm accumulators), for layers or halves with a
/// single full panel: tiles 0...5 from the V micro-panel at a0, 6...11 from the one at a1.
/// M[i][k0 ..< k0 + 16] = sum over cblocks * 8 channels, the same order as `_wMicro6x16`;
/// tile i's two 8-channel blocks at c + 8 i and c + cStride + 8 i.
@inline(never)
public func wMicro12x16AVX512(
    _ a0: UnsafePointer<Float>, _ a1: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
    _ cblocks: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int,
    _ pf: UnsafePointer<Float>, _ pfPerBlock: Int
) {
    var pfp = pf
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
    var c4 = SIMD16<Float>(), c5 = SIMD16<Float>(), c6 = SIMD16<Float>(), c7 = SIMD16<Float>()
    var c8 = SIMD16<Float>(), c9 = SIMD16<Float>(), c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
    var ap = a0, aq = a1
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
            c6 = c6.addingProduct(SIMD16(repeating: aq[l]), w)
            c7 = c7.addingProduct(SIMD16(repeating: aq[8 &+ l]), w)
            c8 = c8.addingProduct(SIMD16(repeating: aq[16 &+ l]), w)
            c9 = c9.addingProduct(SIMD16(repeating: aq[24 &+ l]), w)
            c10 = c10.addingProduct(SIMD16(repeating: aq[32 &+ l]), w)
            c11 = c11.addingProduct(SIMD16(repeating: aq[40 &+ l]), w)
            bp = bp.advanced(by: 16)
        }
        for _ in 0..<pfPerBlock {
            splineseg_prefetch(pfp)
            pfp = pfp.advanced(by: 16)
        }
        ap = ap.advanced(by: aStride)
        aq = aq.advanced(by: aStride)
    }
    let s = cStride
    st16(c, s, c0); st16(c + 8, s, c1); st16(c + 16, s, c2); st16(c + 24, s, c3)
    st16(c + 32, s, c4); st16(c + 40, s, c5); st16(c + 48, s, c6); st16(c + 56, s, c7)
    st16(c + 64, s, c8); st16(c + 72, s, c9); st16(c + 80, s, c10); st16(c + 88, s, c11)
}

/// The 2- or 4-row tail of a micro-panel for two or four full panels (`rows` x 16 `panels`
/// output channels, 4 to 16 zmm accumulators): as `wMicro6x32AVX512` for rows 0..<rows, no
/// prefetch; panel j's U at b + j * panelStride, its M blocks at c + 2 j cStride and + 1. Each M
/// value the same sum in the same order as `_wMicroTail` (the AVX2 tail it replaces, one panel
/// at a time), so the same bits. Small layers' GEMMs are all tail (8x8 pixels in F(4x4): 4
/// tiles); four panels when there are: 8 accumulators only just cover the FMA latency (4 cycles
/// x 2 pipes).
@inline(never)
public func wMicroTailAVX512(
    rows: Int, panels: Int, _ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
    _ panelStride: Int, _ cblocks: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int
) {
    switch (rows, panels) {
    case (4, 4): tailPanels(4, 4, a, aStride, b, panelStride, cblocks, c, cStride)
    case (2, 4): tailPanels(2, 4, a, aStride, b, panelStride, cblocks, c, cStride)
    case (4, _): tailPanels(4, 2, a, aStride, b, panelStride, cblocks, c, cStride)
    default: tailPanels(2, 2, a, aStride, b, panelStride, cblocks, c, cStride)
    }
}

/// `rows` (2 or 4) x `panels` (2 or 4) full panels, literals at each call (the `if`s vanish).
@inline(__always)
func tailPanels(_ rows: Int, _ panels: Int, _ a: UnsafePointer<Float>, _ aStride: Int, _ b: UnsafePointer<Float>,
                _ panelStride: Int, _ cblocks: Int, _ c: UnsafeMutablePointer<Float>, _ cStride: Int) {
    var c00 = SIMD16<Float>(), c01 = SIMD16<Float>(), c02 = SIMD16<Float>(), c03 = SIMD16<Float>()
    var c10 = SIMD16<Float>(), c11 = SIMD16<Float>(), c12 = SIMD16<Float>(), c13 = SIMD16<Float>()
    var c20 = SIMD16<Float>(), c21 = SIMD16<Float>(), c22 = SIMD16<Float>(), c23 = SIMD16<Float>()
    var c30 = SIMD16<Float>(), c31 = SIMD16<Float>(), c32 = SIMD16<Float>(), c33 = SIMD16<Float>()
    var ap = a
    var bp = b
    for _ in 0..<cblocks {
        for l in 0..<8 {
            let b0 = ld16(bp), b1 = ld16(bp + panelStride)
            let b2 = panels == 4 ? ld16(bp + 2 &* panelStride) : SIMD16(), b3 = panels == 4 ? ld16(bp + 3 &* panelStride) : SIMD16()
            let a0 = SIMD16<Float>(repeating: ap[l])
            c00 = c00.addingProduct(a0, b0); c01 = c01.addingProduct(a0, b1)
            if panels == 4 { c02 = c02.addingProduct(a0, b2); c03 = c03.addingProduct(a0, b3) }
            let a1 = SIMD16<Float>(repeating: ap[8 &+ l])
            c10 = c10.addingProduct(a1, b0); c11 = c11.addingProduct(a1, b1)
            if panels == 4 { c12 = c12.addingProduct(a1, b2); c13 = c13.addingProduct(a1, b3) }
            if rows == 4 {
                let a2 = SIMD16<Float>(repeating: ap[16 &+ l])
                c20 = c20.addingProduct(a2, b0); c21 = c21.addingProduct(a2, b1)
                if panels == 4 { c22 = c22.addingProduct(a2, b2); c23 = c23.addingProduct(a2, b3) }
                let a3 = SIMD16<Float>(repeating: ap[24 &+ l])
                c30 = c30.addingProduct(a3, b0); c31 = c31.addingProduct(a3, b1)
                if panels == 4 { c32 = c32.addingProduct(a3, b2); c33 = c33.addingProduct(a3, b3) }
            }
            bp = bp.advanced(by: 16)
        }
        ap = ap.advanced(by: aStride)
    }
    let s = cStride
    @inline(__always) func put(_ j: Int, _ r0: SIMD16<Float>, _ r1: SIMD16<Float>, _ r2: SIMD16<Float>,
                               _ r3: SIMD16<Float>) {
        let p = c + 2 &* j &* s
        st16(p, s, r0); st16(p + 8, s, r1)
        if rows == 4 { st16(p + 16, s, r2); st16(p + 24, s, r3) }
    }
    put(0, c00, c10, c20, c30); put(1, c01, c11, c21, c31)
    if panels == 4 { put(2, c02, c12, c22, c32); put(3, c03, c13, c23, c33) }
}
