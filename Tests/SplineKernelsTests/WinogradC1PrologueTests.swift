import XCTest
@testable import SplineKernels

// The fused first-layer kernels (`f32_conv3x3c1conv3x3_winograd6x6_*`, WinogradC1Prologue.swift)
// against
// (a) their plain twin, the two unfused kernels: `f32_conv3x3c1_direct_p1c8_6x16_relu_avx2` into a
//     stored C-channel tensor, then the F(6x6,3x3) ReLU (or ReLU + pools) kernel. Tolerance: none;
//     the patch values are computed in the same order, so every output must be bitwise equal;
// (b) the naive references of the two convs (conv3x3c1 then conv3x3, Float): max |fast - ref| /
//     max |ref| <= 2e-4, the F63-vs-direct tolerance of WinogradTests.
// Shapes: H, W not multiples of 6 (partial tiles), 1x1 and 2x2 images, interior tiles (H, W >= 14),
// a last half panel (K = 24, 40), 1 and 3 channel blocks of the first conv (C = 8, 24, not a
// multiple of 16), many tile blocks, and split work-unit ranges.
/// A padded input plane and the weights of a first conv (1 -> c, taps / 3) and of a second
/// (c -> k, scaled 1 / sqrt(9c)), biases * 0.1, all from one seeded LCG (also
/// Conv3x3C1Conv3x3DirectTests).
func randomFirstTwoConvs(c: Int, k: Int, h: Int, w: Int, seed: UInt64)
    -> (x: [Float], w1: [Float], b1: [Float], w2: [Float], b2: [Float]) {
    var rng = WinoLCG(state: seed)
    let x = packPlane((0..<(h * w)).map { _ in rng.next() }, PlaneShape(height: h, width: w))
    let w1 = (0..<(c * 9)).map { _ in rng.next() / 3 }
    let b1 = (0..<c).map { _ in rng.next() * 0.1 }
    let scale = 1 / Float(9 * c).squareRoot()
    let w2 = (0..<(k * c * 9)).map { _ in rng.next() * scale }
    let b2 = (0..<k).map { _ in rng.next() * 0.1 }
    return (x, w1, b1, w2, b2)
}

/// The naive references of both convs (conv3x3c1 + ReLU, then conv3x3 + ReLU) on the padded plane x.
func naiveFirstTwoConvs(_ x: [Float], _ p1: PackedConv, _ p2: PackedConv, c: Int, k: Int, h: Int, w: Int) -> [Float] {
    var refMid = [Float](repeating: 0, count: ActShape(channels: c, height: h, width: w).count)
    var ref = [Float](repeating: 0, count: ActShape(channels: k, height: h, width: w).count)
    x.withUnsafeBufferPointer { xp in
        f32_conv3x3c1_naive_p1c8_1x1_relu_ref(xp.baseAddress!, &refMid, weights: p1.weights, bias: p1.bias, outChannels: c,
                                            height: h, width: w, rows: 0..<h)
    }
    refMid.withUnsafeBufferPointer { mp in
        f32_conv3x3_naive_c8_1x1_relu_ref(mp.baseAddress!, &ref, weights: p2.weights, bias: p2.bias, channels: c,
                                          outChannels: k, height: h, width: w, rows: 0..<h)
    }
    return ref
}

final class WinogradC1PrologueTests: XCTestCase {
    private func check(c: Int, k: Int, h: Int, w: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let imgShape = PlaneShape(height: h, width: w)
        let midShape = ActShape(channels: c, height: h, width: w)
        let outShape = ActShape(channels: k, height: h, width: w)
        let (x, w1, b1, w2, b2) = randomFirstTwoConvs(c: c, k: k, h: h, w: w, seed: seed)

        let img = WinoGuardedBuffer(count: imgShape.count, fill: 0)
        img.copy(from: x)
        let p1 = try! packConv3x3C1(weights: w1, bias: b1, outChannels: c)
        let pro = winogradC1PackPrologue(weights: w1, bias: b1, channels: c)
        let packed = winogradF63PackWeights(weights: w2, bias: b2, inChannels: c, outChannels: k)
        let units = winogradF63BlockCount(inChannels: c, outChannels: k, height: h, width: w)
        let scratch = WinoGuardedBuffer(count: winogradF63ScratchCount(inChannels: c, outChannels: k, height: h, width: w), fill: .nan)
        let i = UnsafePointer(img.pointer)
        let what = "C\(c) K\(k) \(h)x\(w)"

        // Plain twin: the first conv stored, then the Winograd kernel.
        let mid = WinoGuardedBuffer(count: midShape.count, fill: 0)
        f32_conv3x3c1_direct_p1c8_6x16_relu_avx2(i, mid.pointer, weights: p1.weights, bias: p1.bias, outChannels: c,
                                                height: h, width: w, rows: 0..<h)
        let twin = WinoGuardedBuffer(count: outShape.count, fill: 0)
        packed.withUnsafeBufferPointer { wp in
            f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: UnsafePointer(mid.pointer), output: twin.pointer, weights: wp.baseAddress!,
                                                      scratch: scratch.pointer, inChannels: c, outChannels: k, height: h, width: w, blocks: 0..<units)
        }
        let splits: [[Range<Int>]] = units > 1 ? [[0..<units], [0..<1, 1..<units]] : [[0..<units]]
        for split in splits {
            let out = WinoGuardedBuffer(count: outShape.count, fill: 0)
            pro.withUnsafeBufferPointer { cp in packed.withUnsafeBufferPointer { wp in
                for r in split {
                    f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_avx2(
                        input: i, output: out.pointer, c1Weights: cp.baseAddress!, weights: wp.baseAddress!, scratch: scratch.pointer,
                        midChannels: c, outChannels: k, height: h, width: w, blocks: r)
                }
            } }
            XCTAssertEqual(out.array.map(\.bitPattern), twin.array.map(\.bitPattern), "fused vs unfused, \(what) split \(split)",
                           file: file, line: line)
        }

        // Naive references of both convs.
        let p2 = try! packConv3x3(weights: w2, bias: b2, outChannels: k, channels: c)
        let ref = naiveFirstTwoConvs(x, p1, p2, c: c, k: k, h: h, w: w)
        let fast = twin.array
        var num: Float = 0, den: Float = 0
        for j in ref.indices { num = max(num, abs(fast[j] - ref[j])); den = max(den, abs(ref[j])) }
        XCTAssertGreaterThan(den, 0, "reference all zero, \(what)", file: file, line: line)
        XCTAssertLessThanOrEqual(num / den, 2e-4, "fused vs naive references, \(what)", file: file, line: line)

        // The pooled variant (H, W even): bitwise the pools of the twin's full output.
        guard h % 2 == 0 && w % 2 == 0 else { return }
        let half = ActShape(channels: k, height: h / 2, width: w / 2)
        let refMax = WinoGuardedBuffer(count: half.count, fill: 0), refAvg = WinoGuardedBuffer(count: half.count, fill: 0)
        f32_maxpool2x2s2_direct_c8_1x8_avx2(UnsafePointer(twin.pointer), refMax.pointer, channels: k, height: h, width: w, rows: 0..<h / 2)
        f32_avgpool_direct_c8_1x8_avx2(UnsafePointer(twin.pointer), refAvg.pointer, channels: k, height: h, width: w, kernel: 2, rows: 0..<h / 2)
        for split in splits {
            let mx = WinoGuardedBuffer(count: half.count, fill: 0), av = WinoGuardedBuffer(count: half.count, fill: 0)
            pro.withUnsafeBufferPointer { cp in packed.withUnsafeBufferPointer { wp in
                for r in split {
                    f32_conv3x3c1conv3x3_winograd6x6_p1c8_6x16_relu_pool2x2s2_avx2(
                        input: i, output: nil, maxPooled: mx.pointer, avgPooled: av.pointer, c1Weights: cp.baseAddress!,
                        weights: wp.baseAddress!, scratch: scratch.pointer, midChannels: c, outChannels: k, height: h, width: w, blocks: r)
                }
            } }
            XCTAssertEqual(mx.array.map(\.bitPattern), refMax.array.map(\.bitPattern), "max pool, \(what) split \(split)", file: file, line: line)
            XCTAssertEqual(av.array.map(\.bitPattern), refAvg.array.map(\.bitPattern), "avg pool, \(what) split \(split)", file: file, line: line)
        }
    }

    func testFusedFirstLayerEqualsTwoKernels() {
        // (C, K, H, W)
        let shapes = [(8, 16, 12, 12), (16, 24, 13, 7), (24, 40, 20, 26), (16, 16, 1, 1), (8, 8, 2, 2),
                      (64, 64, 24, 24), (16, 32, 31, 44), (24, 16, 6, 9)]
        for (n, s) in shapes.enumerated() { check(c: s.0, k: s.1, h: s.2, w: s.3, seed: UInt64(300 + n)) }
    }

    func testPackedPrologueLayout() {
        // Channel k, tap t at (k / 8) * 80 + t * 8 + k % 8; bias at + 72; channels beyond C zero.
        let c = 11
        let w = (0..<(c * 9)).map { Float($0 + 1) }, b = (0..<c).map { Float(-$0 - 1) }
        let p = winogradC1PackPrologue(weights: w, bias: b, channels: c)
        XCTAssertEqual(p.count, 160)
        XCTAssertEqual(p[80 + 4 * 8 + 2], w[10 * 9 + 4])
        XCTAssertEqual(p[80 + 72 + 2], b[10])
        XCTAssertEqual(p[72 + 7], b[7])
        XCTAssertEqual(p[80 + 8 * 8 + 3], 0)
        XCTAssertEqual(p[80 + 72 + 7], 0)
    }
}
