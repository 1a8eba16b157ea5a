import XCTest
@testable import SplineKernels

// The Winograd kernels with fused 2x2 stride-2 pooling (`*_relu_pool2x2s2_avx2`) against their
// plain twin: the unfused ReLU kernel followed by `f32_maxpool2x2s2_direct_c8_1x8_avx2` and
// `f32_avgpool_direct_c8_1x8_avx2` (kernel 2). Tolerance: none. The fused epilogue applies the
// same operations in the same order, so pooled values and the optional full output must be
// bitwise equal. Shapes: H, W even, full and partial 4x4 / 6x6 tiles, one- and many-block
// layers, a last half panel of 8 output channels, any split of the work units. The plain twin
// runs on the AVX2 tiles; on a CPU with AVX-512 the fused kernel runs on both instruction sets
// (the AVX-512 GEMM and two-tile output transform), each compared bitwise with it.
final class WinogradPoolTests: XCTestCase {
    /// Padded NCHWc8 buffer: interior of the real channels NaN (so a pixel the kernel fails to
    /// write shows up), halo and padding channels zero, and a guard page after its end.
    private func poisoned(_ shape: ActShape) -> WinoGuardedBuffer {
        let b = WinoGuardedBuffer(count: shape.count, fill: 0)
        var v = [Float](repeating: 0, count: shape.count)
        for cb in 0..<shape.blocks {
            for y in 0..<shape.height { for x in 0..<shape.width { for l in 0..<8 { v[shape.offset(channel: cb * 8 + l, y: y, x: x)] = .nan } } }
        }
        b.copy(from: v)
        return b
    }

    private func fused(_ algo: WinoAlgo, _ i: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>?,
                       _ mx: UnsafeMutablePointer<Float>?, _ av: UnsafeMutablePointer<Float>?, _ w: UnsafePointer<Float>,
                       _ s: UnsafeMutablePointer<Float>, _ c: Int, _ k: Int, _ h: Int, _ wd: Int, _ r: Range<Int>,
                       phase: WinogradPhase = .whole) {
        if algo == .f43 {
            f32_conv3x3_winograd4x4_c8_6x16_relu_pool2x2s2_avx2(
                input: i, output: o, maxPooled: mx, avgPooled: av, weights: w, scratch: s,
                inChannels: c, outChannels: k, height: h, width: wd, blocks: r,
                phase: phase, sharedScratch: phase == .whole ? nil : s)
        } else {
            f32_conv3x3_winograd6x6_c8_6x16_relu_pool2x2s2_avx2(
                input: i, output: o, maxPooled: mx, avgPooled: av, weights: w, scratch: s,
                inChannels: c, outChannels: k, height: h, width: wd, blocks: r)
        }
    }

    private func check(_ algo: WinoAlgo, c: Int, k: Int, h: Int, w: Int, seed: UInt64,
                       file: StaticString = #filePath, line: UInt = #line) {
        var rng = WinoLCG(state: seed)
        let inShape = ActShape(channels: c, height: h, width: w)
        let outShape = ActShape(channels: k, height: h, width: w)
        let half = ActShape(channels: k, height: h / 2, width: w / 2)
        let x = packNCHWc8((0..<(c * h * w)).map { _ in rng.next() }, inShape)
        let scale = 1 / Float(9 * c).squareRoot()
        let weights = (0..<(k * c * 9)).map { _ in rng.next() * scale }
        let bias = (0..<k).map { _ in rng.next() * 0.1 }
        let packed = algo.pack(weights, bias, c, k)
        let units = algo.blockCount(c, k, h, w)
        let input = WinoGuardedBuffer(count: inShape.count, fill: 0)
        input.copy(from: x)
        let wts = WinoGuardedBuffer(count: packed.count, fill: 0)
        wts.copy(from: packed)
        let scratch = WinoGuardedBuffer(count: algo.scratchCount(c, k, h, w), fill: .nan)
        let i = UnsafePointer(input.pointer), wp = UnsafePointer(wts.pointer)

        // Plain twin: full ReLU output, then the two pool kernels.
        let full = poisoned(outShape), refMax = poisoned(half), refAvg = poisoned(half)
        withKernelISA(avx512: false) {
            algo.run(i, full.pointer, wp, scratch.pointer, c, k, h, w, 0..<units, true)
        }
        f32_maxpool2x2s2_direct_c8_1x8_avx2(UnsafePointer(full.pointer), refMax.pointer, channels: k, height: h, width: w, rows: 0..<h / 2)
        f32_avgpool_direct_c8_1x8_avx2(UnsafePointer(full.pointer), refAvg.pointer, channels: k, height: h, width: w, kernel: 2, rows: 0..<h / 2)
        XCTAssertFalse(refMax.array.contains { $0.isNaN }, "reference max pool incomplete", file: file, line: line)

        // Every combination of outputs; the units split in two uneven ranges (run in order). An
        // F(4x4) layer of one block split by output channels also as the two phases
        // (`WinogradPhase`: the shared transform, then the GEMMs; the one scratch is the shared one,
        // NaN again first, so the phases cannot read a V that an earlier run left there).
        let splits: [[Range<Int>]] = units > 1 ? [[0..<units], [0..<1, 1..<units]] : [[0..<units]]
        let halves = algo == .f43 && _wF43Blocking(inChannels: c, outChannels: k, height: h, width: w).kParts == 2
        let phaseRuns: [[WinogradPhase]] = halves ? [[.whole], [.transform, .gemm]] : [[.whole]]
        for (wantFull, wantMax, wantAvg) in [(false, true, true), (true, true, true), (false, true, false), (false, false, true), (true, false, true)] {
            for split in splits { for phases in phaseRuns { for avx512 in cpuHasAVX512 ? [false, true] : [false] {
                let o = wantFull ? poisoned(outShape) : nil
                let mx = wantMax ? poisoned(half) : nil
                let av = wantAvg ? poisoned(half) : nil
                if phases != [.whole] { scratch.copy(from: [Float](repeating: .nan, count: algo.scratchCount(c, k, h, w))) }
                withKernelISA(avx512: avx512) {
                    for phase in phases {
                        for r in split { fused(algo, i, o?.pointer, mx?.pointer, av?.pointer, wp, scratch.pointer, c, k, h, w, r, phase: phase) }
                    }
                }
                let what = "\(algo) C\(c) K\(k) \(h)x\(w) full \(wantFull) max \(wantMax) avg \(wantAvg) split \(split) phases \(phases) avx512 \(avx512)"
                if let o { XCTAssertEqual(o.array.map(\.bitPattern), full.array.map(\.bitPattern), "full output, \(what)", file: file, line: line) }
                if let mx { XCTAssertEqual(mx.array.map(\.bitPattern), refMax.array.map(\.bitPattern), "max pool, \(what)", file: file, line: line) }
                if let av { XCTAssertEqual(av.array.map(\.bitPattern), refAvg.array.map(\.bitPattern), "avg pool, \(what)", file: file, line: line) }
            } } }
        }
    }

    func testFusedPoolsEqualConvThenPools() {
        // (C, K, H, W): 6x6 / 4x4 full and partial tiles (H, W even), a half panel (K = 40, 24),
        // 1-channel-block input, 2x2 images, many blocks.
        let shapes = [(16, 16, 12, 12), (20, 40, 10, 14), (8, 24, 6, 8), (16, 16, 2, 2), (32, 16, 4, 26),
                      (24, 32, 30, 18), (64, 64, 24, 24)]
        // (20, 40, 10, 14) is one F(4x4) block split by output channels: also run as the two phases.
        XCTAssertEqual(_wF43Blocking(inChannels: 20, outChannels: 40, height: 10, width: 14).kParts, 2)
        for algo in WinoAlgo.allCases {
            for (n, s) in shapes.enumerated() { check(algo, c: s.0, k: s.1, h: s.2, w: s.3, seed: UInt64(100 + n)) }
        }
    }

    func testFusedPoolsLargeWeightBlocking() {
        // Transformed weights over 24 MB: large blocks (see WinogradTests.testLargeWeightBlocking).
        check(.f43, c: 448, k: 456, h: 6, w: 14, seed: 7)
    }
}
