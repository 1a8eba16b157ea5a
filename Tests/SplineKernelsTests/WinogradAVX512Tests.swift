import XCTest
@testable import SplineKernels
import SplineKernelsAVX512

// The AVX-512 GEMM micro-kernel (SplineKernelsAVX512) against the AVX2 one, bitwise: same sums
// in the same order, so a machine with AVX-512 gives exactly the results of one without.
// These tests need a CPU with x86-64-v4 (the kernel's instructions fault elsewhere); on other
// CPUs they are skipped with the reason, and the AVX2 path is what every other test checks.
final class WinogradAVX512Tests: XCTestCase {
    /// How many positions differ in their bits (NaN payloads included).
    private func bitwiseMismatches(_ a: [Float], _ b: [Float]) -> Int {
        zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count + abs(a.count - b.count)
    }

    private func requireAVX512() throws {
        try XCTSkipUnless(cpuHasAVX512, "this CPU has no AVX-512 (x86-64-v4): the AVX-512 kernel cannot run here")
    }

    /// One micro-tile: 6 tiles x 2 panels of 16 channels = two `_wMicro6x16` calls.
    func testMicroKernelMatchesTwoAVX2Tiles() throws {
        try requireAVX512()
        var rng = WinoLCG(state: 5)
        for cblocks in [1, 2, 3, 8, 33] {
            let cp = cblocks * 8
            let aStride = 48 + 8                         // a gap between channel blocks of V
            let a = (0..<(cblocks * aStride)).map { _ in rng.next() }
            let b = (0..<(2 * 16 * cp + 16)).map { _ in rng.next() }   // two panels + 16 spare
            let cStride = 56                             // 6 tiles x 8 + a gap
            let pf = [Float](repeating: 0, count: 16 * 4 * cblocks)
            for pfPerBlock in [0, 1, 4] {
                var fast = [Float](repeating: .nan, count: 4 * cStride)
                var ref = fast
                a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in pf.withUnsafeBufferPointer { pf in
                    fast.withUnsafeMutableBufferPointer { c in
                        wMicro6x32AVX512(a.baseAddress!, aStride, b.baseAddress!, 16 * cp, cblocks,
                                         c.baseAddress!, cStride, pf.baseAddress!, pfPerBlock)
                    }
                    ref.withUnsafeMutableBufferPointer { c in
                        _wMicro6x16(a.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress!, cStride,
                                    pf.baseAddress!, 0)
                        _wMicro6x16(a.baseAddress!, aStride, b.baseAddress! + 16 * cp, cblocks,
                                    c.baseAddress! + 2 * cStride, cStride, pf.baseAddress!, 0)
                    }
                } } }
                // The gaps stay NaN in both (nothing written outside the 4 x 6 x 8 outputs).
                XCTAssertEqual(bitwiseMismatches(fast, ref), 0, "cblocks \(cblocks) prefetch \(pfPerBlock)")
                XCTAssertEqual(fast.filter { !$0.isNaN }.count, 4 * 48)
            }
        }
    }

    /// The single-panel 12-tile micro-kernel = `_wMicro6x16` on its two V micro-panels.
    func testMicroKernel12x16MatchesTwoAVX2Tiles() throws {
        try requireAVX512()
        var rng = WinoLCG(state: 6)
        for cblocks in [1, 3, 8, 33] {
            let cp = cblocks * 8
            let aStride = 48 + 8
            let a0 = (0..<(cblocks * aStride)).map { _ in rng.next() }, a1 = (0..<(cblocks * aStride)).map { _ in rng.next() }
            let b = (0..<(16 * cp)).map { _ in rng.next() }
            let cStride = 104                            // 12 tiles x 8 + a gap
            let pf = [Float](repeating: 0, count: 16 * 8 * cblocks)
            for pfPerBlock in [0, 2] {
                var fast = [Float](repeating: .nan, count: 2 * cStride)
                var ref = fast
                a0.withUnsafeBufferPointer { a0 in a1.withUnsafeBufferPointer { a1 in b.withUnsafeBufferPointer { b in
                    pf.withUnsafeBufferPointer { pf in
                        fast.withUnsafeMutableBufferPointer { c in
                            wMicro12x16AVX512(a0.baseAddress!, a1.baseAddress!, aStride, b.baseAddress!, cblocks,
                                              c.baseAddress!, cStride, pf.baseAddress!, pfPerBlock)
                        }
                        ref.withUnsafeMutableBufferPointer { c in
                            _wMicro6x16(a0.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress!, cStride,
                                        pf.baseAddress!, 0)
                            _wMicro6x16(a1.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress! + 48, cStride,
                                        pf.baseAddress!, 0)
                        }
                    }
                } } }
                XCTAssertEqual(bitwiseMismatches(fast, ref), 0, "cblocks \(cblocks) prefetch \(pfPerBlock)")
                XCTAssertEqual(fast.filter { !$0.isNaN }.count, 2 * 96)
            }
        }
    }

    /// The single-panel 6-tile micro-kernel = `_wMicro6x16`; the half-panel 12-tile one = two
    /// `_wMicro6x8` calls (tile i in the low lanes, tile i + 6 in the high lanes of a register).
    func testSinglePanelKernelsMatchAVX2Tiles() throws {
        try requireAVX512()
        var rng = WinoLCG(state: 7)
        for cblocks in [1, 2, 3, 8, 33] {
            let cp = cblocks * 8
            let aStride = 48 + 8
            let a0 = (0..<(cblocks * aStride)).map { _ in rng.next() }, a1 = (0..<(cblocks * aStride)).map { _ in rng.next() }
            let b = (0..<(16 * cp)).map { _ in rng.next() }
            let cStride = 56
            let pf = [Float](repeating: 0, count: 16 * 4 * cblocks)
            for pfPerBlock in [0, 2] {
                var fast = [Float](repeating: .nan, count: 2 * cStride), ref = fast
                a0.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in pf.withUnsafeBufferPointer { pf in
                    fast.withUnsafeMutableBufferPointer { c in
                        wMicro6x16AVX512(a.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress!, cStride,
                                         pf.baseAddress!, pfPerBlock)
                    }
                    ref.withUnsafeMutableBufferPointer { c in
                        _wMicro6x16(a.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress!, cStride, pf.baseAddress!, 0)
                    }
                } } }
                XCTAssertEqual(bitwiseMismatches(fast, ref), 0, "6x16, cblocks \(cblocks) prefetch \(pfPerBlock)")
                XCTAssertEqual(fast.filter { !$0.isNaN }.count, 96)
            }
            // Half panel: U [c][8]; M one 8-channel block, 12 tiles at c + 8 i, then a NaN gap.
            var fast = [Float](repeating: .nan, count: 104), ref = fast
            a0.withUnsafeBufferPointer { a0 in a1.withUnsafeBufferPointer { a1 in b.withUnsafeBufferPointer { b in
                fast.withUnsafeMutableBufferPointer { c in
                    wMicro12x8AVX512(a0.baseAddress!, a1.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress!)
                }
                ref.withUnsafeMutableBufferPointer { c in
                    _wMicro6x8(a0.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress!)
                    _wMicro6x8(a1.baseAddress!, aStride, b.baseAddress!, cblocks, c.baseAddress! + 48)
                }
            } } }
            XCTAssertEqual(bitwiseMismatches(fast, ref), 0, "12x8, cblocks \(cblocks)")
            XCTAssertEqual(fast.filter { !$0.isNaN }.count, 96)
        }
    }

    /// Whole layers, both algorithms, with AVX-512 on and off: panel pairs, a single last
    /// panel, a last half panel, 2- and 4-row GEMM tails, streamed U with prefetch and the
    /// output-channel halves (kParts 2), on 1 and 2 threads.
    func testLayersBitwiseAcrossISAs() throws {
        try requireAVX512()
        for algo in WinoAlgo.allCases {
            // (C, K, H, W): K = 40 -> panels 16 + 16 + 8; 48 -> a pair and one panel; 64 -> two
            // pairs; 16 -> one panel; 512 -> 256 @ 24x24: in F63, U > 24 MB (streamed, prefetched), and kParts 2;
            // 512 -> 368: U streamed in both, 23 panels in halves of 12 + 11 (a single last panel
            // with 16 tiles: a 12-row micro-tile, prefetching). 12+ tiles per block: 12-row single-panel tiles.
            // GEMMs of under 6 rows (all tail): 64 -> 128 @ 8x8 (4 tiles, halves of 4 panels:
            // 4-row x 64-channel tiles), 24 -> 160 @ 4x5 (2 rows: 4 panels, then one), 16 -> 256 @ 3x3.
            // Tails after 6-row tiles, done after all panels' micro-tiles: 32 -> 128 @ 12x20 (F43:
            // 15 tiles, 16 rows = 12 + 4, four panels per half), 32 -> 96 @ 8x16 (8 rows = 6 + 2,
            // three panels per half: a pair, then one). K = 8: a half panel alone (12-row AVX-512
            // tiles, then 6-row and tail AVX2 ones); 32 -> 24 @ 20x26: a panel and a half panel.
            for (c, k, h, w) in [(64, 40, 37, 45), (20, 64, 33, 58), (16, 48, 20, 14), (24, 16, 13, 9),
                                 (16, 16, 40, 40), (512, 256, 24, 24), (512, 368, 24, 24),
                                 (64, 128, 8, 8), (24, 160, 4, 5), (16, 256, 3, 3), (32, 128, 12, 20),
                                 (32, 96, 8, 16), (16, 8, 40, 40), (32, 24, 20, 26)] {
                var rng = WinoLCG(state: 91)
                let input = (0..<(c * h * w)).map { _ in rng.next() }
                let weights = (0..<(k * c * 9)).map { _ in rng.next() * 0.1 }
                let bias = (0..<k).map { _ in rng.next() }
                let packed = algo.pack(weights, bias, c, k)
                let nb = algo.blockCount(c, k, h, w)
                let avx2 = withKernelISA(avx512: false) {
                    winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: true)
                }
                for (splits, threads) in [([0..<nb], 1), ([0..<(nb / 2), (nb / 2)..<nb], 2)] {
                    let avx512 = withKernelISA(avx512: true) {
                        winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: true,
                                    splits: splits, threads: threads)
                    }
                    XCTAssertEqual(avx512.count, avx2.count)
                    XCTAssertEqual(bitwiseMismatches(avx512, avx2), 0,
                                   "values differing in bits: \(algo) C\(c) K\(k) \(h)x\(w) threads \(threads)")
                }
            }
        }
    }
}
