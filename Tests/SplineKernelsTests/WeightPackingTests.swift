// Weight packing errors and BatchNorm folding.

import XCTest

@testable import SplineKernels

final class WeightPackingTests: XCTestCase {
    func testPackingRejectsWrongSizes() {
        XCTAssertThrowsError(try packConv3x3(weights: [Float](repeating: 0, count: 8 * 3 * 9 - 1), bias: [Float](repeating: 0, count: 8), outChannels: 8, channels: 3)) {
            XCTAssertEqual(($0 as? KernelShapeError)?.expected, 216)
        }
        XCTAssertThrowsError(try packConv1x1(weights: [Float](repeating: 0, count: 12), bias: [1], outChannels: 4, channels: 3))
        XCTAssertThrowsError(try packConv3x3C1(weights: [Float](repeating: 0, count: 18), bias: [1, 2, 3], outChannels: 2))
        XCTAssertThrowsError(try packConvTranspose2x2(weights: [Float](repeating: 0, count: 15), bias: [0], channels: 2, outChannels: 2))
        XCTAssertNoThrow(try packConv1x1(weights: [Float](repeating: 0, count: 12), bias: [0, 0, 0, 0], outChannels: 4, channels: 3))
    }

    func testPackedIndexIsABijectionOntoRealWeights() {
        // Every (k, c, tap) gets its own slot and the padding slots are the rest.
        for (k, c, taps, ic) in [(20, 12, 9, 8), (24, 3, 1, 8), (8, 1, 9, 1), (1, 72, 1, 8)] {
            var seen = Set<Int>()
            for o in 0..<k { for i in 0..<c { for t in 0..<taps {
                seen.insert(packedWeightIndex(k: o, c: i, tap: t, outChannels: k, channels: c, taps: taps, icCount: ic))
            } } }
            XCTAssertEqual(seen.count, k * c * taps)
            XCTAssertLessThan(seen.max()!, packedWeightCount(outChannels: k, channels: c, taps: taps, icCount: ic))
        }
    }

    /// conv -> BatchNorm (inference) computed directly equals the folded conv.
    func testBatchNormFolding() throws {
        let k = 5, c = 3, h = 4, w = 6
        var rng = TestRandom(7)
        let wt = rng.array(k * c * 9), b = rng.array(k), x = rng.array(c * h * w)
        let gamma = rng.array(k), beta = rng.array(k), mean = rng.array(k)
        let variance = rng.array(k).map { abs($0) + 0.1 }
        let conv = naiveConvCHW(x, c: c, h: h, w: w, weight: wt, bias: b, k: k, kernel: 3, act: .none)
        var expect = conv
        for o in 0..<k {
            for p in 0..<(h * w) {
                expect[o * h * w + p] = (conv[o * h * w + p] - mean[o]) / (variance[o] + 1e-5).squareRoot() * gamma[o] + beta[o]
            }
        }
        let folded = try foldBatchNorm(weights: wt, bias: b, outChannels: k, gamma: gamma, beta: beta, mean: mean, variance: variance)
        let got = naiveConvCHW(x, c: c, h: h, w: w, weight: folded.weights, bias: folded.bias, k: k, kernel: 3, act: .none)
        assertClose(got, expect, tol: 1e-5, "folded conv")
        // Without a conv bias.
        let f0 = try foldBatchNorm(weights: wt, bias: nil, outChannels: k, gamma: gamma, beta: beta, mean: mean, variance: variance)
        let scale = gamma[0] / (variance[0] + 1e-5).squareRoot()
        XCTAssertEqual(f0.bias[0], beta[0] - mean[0] * scale, accuracy: 1e-6)
        XCTAssertThrowsError(try foldBatchNorm(weights: wt, bias: b, outChannels: k, gamma: [1], beta: beta, mean: mean, variance: variance))
    }
}
