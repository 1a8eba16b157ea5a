import XCTest
@testable import SplineKernels

// The fused first conv + direct conv (`f32_conv3x3c1conv3x3_direct_*`, Conv3x3C1Conv3x3Direct.swift)
// against
// (a) its plain twin, the unfused kernels: `f32_conv3x3c1_direct_p1c8_6x16_relu_avx2` into a stored
//     C-channel tensor, then `f32_conv3x3_direct_c8_6x16_relu_avx2` (and the pool kernels).
//     Tolerance: none; every output float, halos included, must be bitwise equal, on each ISA;
// (b) the naive references of the two convs: max |fast - ref| / max |ref| <= 1e-5.
// Shapes: bands of 16 rows full, partial and single (H = 1, 16, 17, 33, 40, 128), widths with and
// without a 16-pixel tile remainder (1, 5, 7, 16, 17, 31, 48, 128), 1-3 blocks of the first conv's
// channels (C = 8, 16, 24) and of the output (K = 8, 16, 24), and the rows split into 1, 2 and 3
// parts run last part first on one scratch that starts as NaN (a part must not read what an
// earlier part left there).
final class Conv3x3C1Conv3x3DirectTests: XCTestCase {
    private var isas: [Bool] { cpuHasAVX512 ? [false, true] : [false] }

    private func check(c: Int, k: Int, h: Int, w: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) throws {
        let imgShape = PlaneShape(height: h, width: w)
        let midShape = ActShape(channels: c, height: h, width: w)
        let outShape = ActShape(channels: k, height: h, width: w)
        let (x, w1, b1, w2, b2) = randomFirstTwoConvs(c: c, k: k, h: h, w: w, seed: seed)
        let p1 = try packConv3x3C1(weights: w1, bias: b1, outChannels: c)
        let p1d = try packConv3x3C1Direct(weights: w1, bias: b1, midChannels: c)
        XCTAssertEqual(p1d, p1.weights + p1.bias)
        XCTAssertEqual(p1d.count, c1DirectWeightCount(midChannels: c))
        let p2 = try packConv3x3(weights: w2, bias: b2, outChannels: k, channels: c)
        let img = WinoGuardedBuffer(count: imgShape.count, fill: 0)
        img.copy(from: x)
        let i = UnsafePointer(img.pointer)
        let what = "C\(c) K\(k) \(h)x\(w)"
        let pooling = h % 2 == 0 && w % 2 == 0
        let half = pooling ? ActShape(channels: k, height: h / 2, width: w / 2) : outShape

        for avx512 in isas {
            withKernelISA(avx512: avx512) {
                // The twin: the first conv stored, then the direct conv, then the pools.
                let mid = WinoGuardedBuffer(count: midShape.count, fill: 0)
                f32_conv3x3c1_direct_p1c8_6x16_relu_avx2(i, mid.pointer, weights: p1.weights, bias: p1.bias, outChannels: c,
                                                        height: h, width: w, rows: 0..<h)
                let twin = WinoGuardedBuffer(count: outShape.count, fill: 0)
                f32_conv3x3_direct_c8_6x16_relu_avx2(UnsafePointer(mid.pointer), twin.pointer, weights: p2.weights, bias: p2.bias,
                                                     channels: c, outChannels: k, height: h, width: w, rows: 0..<h)
                for parts in [1, 2, 3] where parts <= h {
                    let scratch = WinoGuardedBuffer(count: c1DirectScratchCount(midChannels: c, width: w), fill: .nan)
                    let out = WinoGuardedBuffer(count: outShape.count, fill: 0)
                    p1d.withUnsafeBufferPointer { cp in
                        for p in (0..<parts).reversed() {
                            f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2(
                                input: i, output: out.pointer, c1Weights: cp.baseAddress!, weights: p2.weights, bias: p2.bias,
                                scratch: scratch.pointer, midChannels: c, outChannels: k, height: h, width: w,
                                rows: rowRange(rows: h, part: p, of: parts))
                        }
                    }
                    assertSameBits(out.array, twin.array,
                                   "fused vs unfused, \(what) avx512 \(avx512) in \(parts) parts", file: file, line: line)
                }
                guard pooling else { return }
                let refMax = WinoGuardedBuffer(count: half.count, fill: 0), refAvg = WinoGuardedBuffer(count: half.count, fill: 0)
                f32_maxpool2x2s2_direct_c8_1x8_avx2(UnsafePointer(twin.pointer), refMax.pointer, channels: k, height: h, width: w, rows: 0..<h / 2)
                f32_avgpool_direct_c8_1x8_avx2(UnsafePointer(twin.pointer), refAvg.pointer, channels: k, height: h, width: w, kernel: 2, rows: 0..<h / 2)
                for parts in [1, 2, 3] where parts <= h / 2 {
                    let scratch = WinoGuardedBuffer(count: c1DirectScratchCount(midChannels: c, width: w), fill: .nan)
                    let out = WinoGuardedBuffer(count: outShape.count, fill: 0)
                    let mx = WinoGuardedBuffer(count: half.count, fill: 0), av = WinoGuardedBuffer(count: half.count, fill: 0)
                    p1d.withUnsafeBufferPointer { cp in
                        for p in (0..<parts).reversed() {
                            f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_pool2x2s2_avx2(
                                input: i, output: out.pointer, maxPooled: mx.pointer, avgPooled: p == 1 ? nil : av.pointer,
                                c1Weights: cp.baseAddress!, weights: p2.weights, bias: p2.bias, scratch: scratch.pointer,
                                midChannels: c, outChannels: k, height: h, width: w, rows: rowRange(rows: h / 2, part: p, of: parts))
                        }
                    }
                    let tag = "\(what) avx512 \(avx512) in \(parts) parts"
                    assertSameBits(out.array, twin.array, "pool variant output, \(tag)", file: file, line: line)
                    assertSameBits(mx.array, refMax.array, "max pool, \(tag)", file: file, line: line)
                    // Part 1 was given no mean-pooled output: its rows stay as they were (0).
                    var expectAvg = refAvg.array
                    if parts > 1 {
                        let r = rowRange(rows: h / 2, part: 1, of: parts)
                        for b in 0..<half.blocks { for y in r { for x in 0..<half.width { for l in 0..<8 {
                            expectAvg[half.offset(channel: 8 * b + l, y: y, x: x)] = 0
                        } } } }
                    }
                    assertSameBits(av.array, expectAvg, "avg pool, \(tag)", file: file, line: line)
                }
            }
        }

        // (b) The naive references of both convs.
        let ref = naiveFirstTwoConvs(x, p1, p2, c: c, k: k, h: h, w: w)
        let scratch = WinoGuardedBuffer(count: c1DirectScratchCount(midChannels: c, width: w), fill: .nan)
        let fast = WinoGuardedBuffer(count: outShape.count, fill: 0)
        p1d.withUnsafeBufferPointer { cp in
            f32_conv3x3c1conv3x3_direct_p1c8_6x16_relu_avx2(
                input: i, output: fast.pointer, c1Weights: cp.baseAddress!, weights: p2.weights, bias: p2.bias,
                scratch: scratch.pointer, midChannels: c, outChannels: k, height: h, width: w, rows: 0..<h)
        }
        var num: Float = 0, den: Float = 0
        for (a, b) in zip(fast.array, ref) { num = max(num, abs(a - b)); den = max(den, abs(b)) }
        XCTAssertGreaterThan(den, 0, "reference all zero, \(what)", file: file, line: line)
        XCTAssertLessThanOrEqual(num / den, 1e-5, "fused vs naive references, \(what)", file: file, line: line)
    }

    /// Bitwise equality, reported as the first differing float and how many differ.
    private func assertSameBits(_ a: [Float], _ b: [Float], _ what: String, file: StaticString, line: UInt) {
        XCTAssertEqual(a.count, b.count, what, file: file, line: line)
        let diff = zip(a, b).enumerated().filter { $0.element.0.bitPattern != $0.element.1.bitPattern }
        if let f = diff.first {
            XCTFail("\(what): \(diff.count) of \(a.count) floats differ, first at \(f.offset): \(f.element.0) vs \(f.element.1)",
                    file: file, line: line)
        }
    }

    func testFusedFirstConvEqualsUnfusedKernels() throws {
        // (C, K, H, W)
        let shapes = [(8, 8, 128, 128), (8, 8, 40, 17), (16, 8, 33, 31), (24, 16, 18, 16), (8, 24, 16, 7),
                      (8, 8, 1, 1), (16, 16, 2, 5), (8, 8, 17, 48), (8, 16, 34, 20)]
        for (n, s) in shapes.enumerated() { try check(c: s.0, k: s.1, h: s.2, w: s.3, seed: UInt64(700 + n)) }
    }
}
