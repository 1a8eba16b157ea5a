// The one-output-channel 1x1 kernel (f32_conv1x1_dot_c8_8x1_*) against its reference twin
// over awkward shapes, and its row-split invariance (bitwise).

import XCTest

@testable import SplineKernels

final class Conv1x1DotTests: XCTestCase {
    private func dot(_ act: Activation) -> ConvFn {
        switch act {
        case .none: return { f32_conv1x1_dot_c8_8x1_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) }
        case .relu: return { f32_conv1x1_dot_c8_8x1_relu_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) }
        case .tanh: return { f32_conv1x1_dot_c8_8x1_tanh_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) }
        }
    }

    /// Whole buffers (halo and lanes 1...7 included) from a sentinel interior: lane 0 within
    /// `1e-5 + 2e-6 * C` of the reference (a sum of C products in another order), lanes 1...7 0.
    private func check(c: Int, h: Int, w: Int, act: Activation, seed: UInt64) throws {
        var rng = TestRandom(seed)
        let (packed, _, _) = try randomPacked(.conv1x1, c: c, k: 1, &rng)
        let outShape = ActShape(channels: 1, height: h, width: w)
        let input = packConvInput(.conv1x1, rng.array(c * h * w), c: c, h: h, w: w)
        var fast = sentinelOutput(outShape), ref = sentinelOutput(outShape)
        let f = dot(act), r = convFunctions(.conv1x1, act).ref
        withBuffers(input, packed, &fast) { f($0, $3, $1, $2, c, 1, h, w, 0..<h) }
        withBuffers(input, packed, &ref) { r($0, $3, $1, $2, c, 1, h, w, 0..<h) }
        assertClose(fast, ref, tol: 1e-5 + 2e-6 * Float(c), "dot \(act) \(c)->1 \(h)x\(w)")
        // Any row split gives the same bits.
        var split = sentinelOutput(outShape)
        withBuffers(input, packed, &split) { x, wt, b, o in
            for p in 0..<3 { f(x, o, wt, b, c, 1, h, w, rowRange(rows: h, part: p, of: 3)) }
        }
        XCTAssertEqual(split, fast, "dot \(act) \(c)->1 \(h)x\(w): a 3-part row split changed bits")
    }

    /// Widths 1...17 (no full group, one group + 1...7 pixels, two groups) and 64 (the built-in
    /// head); channels 1...64 (1...8 input blocks, padding channels) and 72 (9 blocks: the GEMM
    /// kernel); every activation.
    func testMatchesReference() throws {
        var n = 0
        for c in [1, 3, 8, 9, 16, 20, 64, 72] {
            for w in Array(1...17) + [64] {
                let act = Activation.allCases[(c + w) % 3]
                try check(c: c, h: 1 + (c + w) % 4, w: w, act: act, seed: UInt64(c * 100 + w))
                n += 1
            }
        }
        for act in Activation.allCases { try check(c: 8, h: 5, w: 64, act: act, seed: 7) }
        XCTAssertEqual(n, 8 * 18)
    }

    /// Each output pixel's sum is formed in one order whatever its position in its 8-pixel
    /// group or the tail: the same input pixel at every x gives the same bits.
    func testSameBitsAtEveryPosition() throws {
        var rng = TestRandom(11)
        let c = 20, h = 2, w = 23
        let (packed, _, _) = try randomPacked(.conv1x1, c: c, k: 1, &rng)
        let pixel = rng.array(c)
        var chw = [Float](repeating: 0, count: c * h * w)
        for ch in 0..<c { for i in 0..<(h * w) { chw[ch * h * w + i] = pixel[ch] } }
        let input = packConvInput(.conv1x1, chw, c: c, h: h, w: w)
        let shape = ActShape(channels: 1, height: h, width: w)
        var out = sentinelOutput(shape)
        withBuffers(input, packed, &out) { f32_conv1x1_dot_c8_8x1_avx2($0, $3, weights: $1, bias: $2, channels: c, outChannels: 1, height: h, width: w, rows: 0..<h) }
        let first = out[(1 * (w + 2) + 1) * 8]
        for y in 0..<h {
            for x in 0..<w {
                XCTAssertEqual(out[((y + 1) * (w + 2) + x + 1) * 8].bitPattern, first.bitPattern, "pixel (\(y), \(x))")
            }
        }
    }
}
