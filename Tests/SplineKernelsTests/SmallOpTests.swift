// Fast transposed conv, pools and channel copy vs their reference twins, and the
// vector tanh against libm.

import XCTest

@testable import SplineKernels

final class SmallOpTests: XCTestCase {
    func testConvTransposeFastMatchesReference() throws {
        var n = 0
        for c in [1, 3, 8, 12, 20] {
            for k in [1, 8, 12, 16, 20, 24] {
                for w in Shapes.widths {
                    let h = Shapes.heights[(c + k + w) % 9]
                    try checkConvTranspose(c: c, k: k, h: h, w: w, seed: UInt64(c * 131 + k * 7 + w))
                    n += 1
                }
            }
        }
        XCTAssertEqual(n, 150)
        // 8 output channels (one block, MicroTileWide.swift's tiles) over widths 1...26.
        for w in 1...26 {
            try checkConvTranspose(c: 12, k: 8, h: 1 + w % 2, w: w, seed: UInt64(1000 + w))
        }
    }

    /// The fast transposed conv, run as two calls (two "threads") covering the rows, against
    /// its reference on whole buffers (halo and padding channels included).
    func checkConvTranspose(c: Int, k: Int, h: Int, w: Int, seed: UInt64) throws {
        var rng = TestRandom(seed)
        let packed = try packConvTranspose2x2(
            weights: rng.array(c * k * 4), bias: rng.array(k), channels: c, outChannels: k)
        let input = packNCHWc8(rng.array(c * h * w), ActShape(channels: c, height: h, width: w))
        let outShape = ActShape(channels: k, height: 2 * h, width: 2 * w)
        var fast = sentinelOutput(outShape), ref = sentinelOutput(outShape)
        withBuffers(input, packed, &fast) { i, wt, b, o in
            let mid = h / 2
            f32_convt2x2s2_gemm_c8_6x16_avx2(i, o, weights: wt, bias: b, channels: c, outChannels: k, height: h, width: w, rows: mid..<h)
            f32_convt2x2s2_gemm_c8_6x16_avx2(i, o, weights: wt, bias: b, channels: c, outChannels: k, height: h, width: w, rows: 0..<mid)
        }
        withBuffers(input, packed, &ref) {
            f32_convt2x2s2_naive_c8_1x1_ref($0, $3, weights: $1, bias: $2, channels: c, outChannels: k, height: h, width: w, rows: 0..<h)
        }
        assertClose(fast, ref, tol: 1e-5 + 2e-6 * Float(c), "convt \(c)->\(k) \(h)x\(w)")
    }

    func testPoolsFastMatchReference() {
        var n = 0
        for c in [1, 3, 8, 12, 20] {
            for h in Shapes.heights {
                for w in Shapes.widths {
                    var rng = TestRandom(UInt64(c * 100 + h * 10 + w))
                    let input = packNCHWc8(rng.array(c * h * w), ActShape(channels: c, height: h, width: w))
                    for k in 1...3 where h >= k && w >= k {
                        let outShape = ActShape(channels: c, height: h / k, width: w / k)
                        var fast = sentinelOutput(outShape), ref = sentinelOutput(outShape)
                        input.withUnsafeBufferPointer { i in
                            fast.withUnsafeMutableBufferPointer { o in
                                f32_avgpool_direct_c8_1x8_avx2(i.baseAddress!, o.baseAddress!, channels: c, height: h, width: w, kernel: k, rows: 0..<(h / k))
                            }
                            ref.withUnsafeMutableBufferPointer { o in
                                f32_avgpool_naive_c8_1x1_ref(i.baseAddress!, o.baseAddress!, channels: c, height: h, width: w, kernel: k, rows: 0..<(h / k))
                            }
                        }
                        // Padding channels: the reference leaves the sentinel there, the fast
                        // kernel averages zeros; compare real channels, then check zeros.
                        assertClose(unpackNCHWc8(fast, outShape), unpackNCHWc8(ref, outShape), tol: 1e-6, "avg \(c) \(h)x\(w) k\(k)")
                        XCTAssertEqual(fast, packNCHWc8(unpackNCHWc8(fast, outShape), outShape), "avg padding/halo \(c) \(h)x\(w)")
                        n += 1
                    }
                    if h >= 2 && w >= 2 {
                        let outShape = ActShape(channels: c, height: h / 2, width: w / 2)
                        var fast = sentinelOutput(outShape), ref = sentinelOutput(outShape)
                        input.withUnsafeBufferPointer { i in
                            fast.withUnsafeMutableBufferPointer { o in
                                f32_maxpool2x2s2_direct_c8_1x8_avx2(i.baseAddress!, o.baseAddress!, channels: c, height: h, width: w, rows: 0..<(h / 2))
                            }
                            ref.withUnsafeMutableBufferPointer { o in
                                f32_maxpool2x2s2_naive_c8_1x1_ref(i.baseAddress!, o.baseAddress!, channels: c, height: h, width: w, rows: 0..<(h / 2))
                            }
                        }
                        XCTAssertEqual(unpackNCHWc8(fast, outShape), unpackNCHWc8(ref, outShape), "max \(c) \(h)x\(w)")
                        XCTAssertEqual(fast, packNCHWc8(unpackNCHWc8(fast, outShape), outShape), "max padding/halo \(c) \(h)x\(w)")
                        n += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(n, 300)
    }

    func testChannelCopyFastMatchesReferenceAndBuildsConcat() {
        // concat([a (5 ch), b (11 ch)]) -> 16 ch: b lands at the unaligned offset 5.
        for (h, w) in [(1, 1), (3, 7), (9, 13)] {
            var rng = TestRandom(UInt64(h * w))
            let a = rng.array(5 * h * w), b = rng.array(11 * h * w)
            let dstShape = ActShape(channels: 16, height: h, width: w)
            let pa = packNCHWc8(a, ActShape(channels: 5, height: h, width: w))
            let pb = packNCHWc8(b, ActShape(channels: 11, height: h, width: w))
            var fast = [Float](repeating: 0, count: dstShape.count), ref = fast
            for (src, count, offset) in [(pa, 5, 0), (pb, 11, 5)] {
                src.withUnsafeBufferPointer { s in
                    fast.withUnsafeMutableBufferPointer { d in
                        f32_chcopy_direct_c8_1x1_scalar(s.baseAddress!, d.baseAddress!, channels: count, dstOffset: offset, height: h, width: w, rows: 0..<h)
                    }
                    ref.withUnsafeMutableBufferPointer { d in
                        f32_chcopy_naive_c8_1x1_ref(s.baseAddress!, d.baseAddress!, channels: count, dstOffset: offset, height: h, width: w, rows: 0..<h)
                    }
                }
            }
            XCTAssertEqual(fast, ref)
            XCTAssertEqual(unpackNCHWc8(fast, dstShape), a + b, "concat \(h)x\(w)")
        }
    }

    func testHaloZeroPartsMatchReference() {
        // A buffer full of nonzero values: the parts together must zero exactly the halo (what
        // the reference zeroes) and leave every interior float as it was, for splits with empty
        // parts (more parts than rows), one row, and uneven parts.
        var cases = 0
        for (blocks, h, w) in [(1, 1, 1), (2, 3, 7), (1, 5, 16), (3, 9, 13)] {
            for parts in [1, 2, 3, 4, 8] {
                let n = blocks * (h + 2) * (w + 2) * 8
                var rng = TestRandom(UInt64(n * 31 + parts))
                let start = rng.array(n).map { $0 + 2 }  // in [1, 3]: never zero
                var fast = start, ref = start
                fast.withUnsafeMutableBufferPointer { p in
                    for part in 0..<parts {
                        f32_halozero_direct_c8_1x8_scalar(p.baseAddress!, blocks: blocks, height: h, width: w,
                                                          rows: rowRange(rows: h, part: part, of: parts))
                    }
                }
                ref.withUnsafeMutableBufferPointer { p in f32_halozero_naive_c8_1x1_ref(p.baseAddress!, blocks: blocks, height: h, width: w) }
                let differ = zip(fast, ref).filter { $0 != $1 }.count
                XCTAssertEqual(differ, 0, "\(blocks) blocks \(h)x\(w), \(parts) parts: \(differ) floats differ from the reference")
                let zeroed = ref.indices.filter { ref[$0] == 0 }.count
                XCTAssertEqual(zeroed, blocks * 8 * ((h + 2) * (w + 2) - h * w), "reference zeroes the halo only")
                cases += 1
            }
        }
        XCTAssertEqual(cases, 20)
    }

    func testVectorTanhMatchesLibm() {
        var worst: Float = 0
        var x: Float = -12
        while x <= 12 {
            let v = tanh8(SIMD8<Float>(x, -x, x * 0.5, x * 1e-3, x * 1e-5, x * 0.1, x * 0.25, x * 0.75))
            for (i, s) in [x, -x, x * 0.5, x * 1e-3, x * 1e-5, x * 0.1, x * 0.25, x * 0.75].enumerated() {
                worst = max(worst, abs(v[i] - tanhf(s)))
            }
            x += 0.001_3
        }
        XCTAssertLessThan(worst, 1e-6, "max |tanh8 - tanhf|")
        XCTAssertEqual(tanh8(SIMD8(repeating: 0)), SIMD8(repeating: 0))
        XCTAssertEqual(tanh8(SIMD8(repeating: 100)), SIMD8(repeating: 1))
    }
}
