// Each reference kernel (on packed weights and the padded NCHWc8 layout or input plane) against an
// independent naive CHW implementation with PyTorch weight layouts (TestSupport):
// this checks the references, the weight packing and pack/unpack together.

import XCTest

@testable import SplineKernels

final class ReferenceTests: XCTestCase {
    func testConvReferencesMatchNaiveCHW() throws {
        var count = 0
        for kind in ConvKind.allCases {
            for c in kind == .conv3x3c1 ? [1] : [1, 3, 12, 20] {
                for k in [1, 8, 12, 20] {
                    for act in Activation.allCases {
                        let h = 1 + (c + k) % 5, w = [1, 5, 7][(c + k) % 3]
                        var rng = TestRandom(UInt64(c * 1000 + k * 10 + count))
                        let (packed, wt, bias) = try randomPacked(kind, c: c, k: k, &rng)
                        let x = rng.array(c * h * w)
                        let outShape = ActShape(channels: k, height: h, width: w)
                        var out = sentinelOutput(outShape)
                        withBuffers(packConvInput(kind, x, c: c, h: h, w: w), packed, &out) {
                            convFunctions(kind, act).ref($0, $3, $1, $2, c, k, h, w, 0..<h)
                        }
                        let expect = naiveConvCHW(
                            x, c: c, h: h, w: w, weight: wt, bias: bias, k: k, kernel: kind == .conv1x1 ? 1 : 3, act: act)
                        assertClose(unpackNCHWc8(out, outShape), expect, tol: 1e-5, "\(kind) \(act) \(c)->\(k)")
                        // Halo and padding channels: exactly the packed form of the result.
                        assertClose(out, packNCHWc8(unpackNCHWc8(out, outShape), outShape), tol: 0, "\(kind) halo")
                        count += 1
                    }
                }
            }
        }
        XCTAssertEqual(count, 2 * 4 * 4 * 3 + 4 * 3)
    }

    func testConvTransposeReferenceMatchesNaiveCHW() throws {
        for (c, k, h, w) in [(1, 1, 1, 1), (3, 8, 2, 5), (12, 20, 3, 7), (16, 8, 1, 6)] {
            var rng = TestRandom(UInt64(c * 31 + k))
            let wt = rng.array(c * k * 4), bias = rng.array(k), x = rng.array(c * h * w)
            let packed = try packConvTranspose2x2(weights: wt, bias: bias, channels: c, outChannels: k)
            let outShape = ActShape(channels: k, height: 2 * h, width: 2 * w)
            var out = sentinelOutput(outShape)
            withBuffers(packNCHWc8(x, ActShape(channels: c, height: h, width: w)), packed, &out) {
                f32_convt2x2s2_naive_c8_1x1_ref($0, $3, weights: $1, bias: $2, channels: c, outChannels: k, height: h, width: w, rows: 0..<h)
            }
            let expect = naiveConvTransposeCHW(x, c: c, h: h, w: w, weight: wt, bias: bias, k: k)
            assertClose(unpackNCHWc8(out, outShape), expect, tol: 1e-5, "convt \(c)->\(k)")
            assertClose(out, packNCHWc8(expect, outShape), tol: 1e-5, "convt halo/padding")
        }
    }

    func testPoolReferencesMatchNaiveCHW() {
        for (c, h, w, k) in [(1, 2, 2, 2), (3, 5, 7, 2), (12, 8, 6, 2), (20, 9, 9, 3), (8, 8, 8, 4), (5, 4, 4, 1)] {
            var rng = TestRandom(UInt64(c * 7 + h))
            let x = rng.array(c * h * w)
            let input = packNCHWc8(x, ActShape(channels: c, height: h, width: w))
            let outShape = ActShape(channels: c, height: h / k, width: w / k)
            for useMax in k == 2 ? [true, false] : [false] {
                var out = [Float](repeating: 0, count: outShape.count)
                input.withUnsafeBufferPointer { i in
                    out.withUnsafeMutableBufferPointer { o in
                        if useMax {
                            f32_maxpool2x2s2_naive_c8_1x1_ref(i.baseAddress!, o.baseAddress!, channels: c, height: h, width: w, rows: 0..<(h / 2))
                        } else {
                            f32_avgpool_naive_c8_1x1_ref(i.baseAddress!, o.baseAddress!, channels: c, height: h, width: w, kernel: k, rows: 0..<(h / k))
                        }
                    }
                }
                let expect = naivePoolCHW(x, c: c, h: h, w: w, k: k, max: useMax)
                assertClose(out, packNCHWc8(expect, outShape), tol: 1e-6, "pool \(useMax ? "max" : "avg") \(c) \(h)x\(w) k\(k)")
            }
        }
    }
}
