import XCTest
@testable import SplineKernels

// The direct and 1x1 convs with their AVX-512 tiles (SplineKernelsAVX512) against the same
// kernels on AVX2 only, bitwise, whole buffers (halo and padding channels included): the
// 12 x 16 and 6 x 32 tiles add the same terms in the same order. The 16 x 8 tile of a trailing
// 8-channel block does not (even and odd input channels summed apart): close there, and
// against the reference in its own test. Widths with 0, 1, 2 and 3 12-pixel tiles and
// 0...11 pixels left for the AVX2 tiles, and 8-pixel x 32-channel tiles followed by none, a
// 6-pixel one (14, 31), a 4-pixel one (4, 5, 12, 13) or 1...3 pixels for the AVX2 tiles; several input chunks (partial sums in the output);
// a trailing odd 8-channel block; every activation (tanh keeps the AVX2 tiles). Needs a CPU
// with x86-64-v4, else skipped with the reason (the AVX2 path is what the other tests check).
final class ConvAVX512Tests: XCTestCase {
    func testDirectAndPointwiseBitwiseAcrossISAs() throws {
        try XCTSkipUnless(cpuHasAVX512, "this CPU has no AVX-512 (x86-64-v4): the AVX-512 tiles cannot run here")
        for kind in [ConvKind.conv3x3, .conv1x1] {
            // (C, K): 40 = two chunks of the 3x3 (4 blocks each), 72 = two of the 1x1; K = 24 and
            // 40 end with a single 8-channel block.
            for (c, k) in [(8, 16), (40, 24), (16, 48), (72, 40)] {
                for w in [4, 5, 7, 12, 13, 14, 24, 31, 35, 41] {
                    let h = 4
                    var rng = TestRandom(UInt64(c * 1000 + k * 10 + w))
                    let (packed, _, _) = try randomPacked(kind, c: c, k: k, &rng)
                    let input = packConvInput(kind, rng.array(c * h * w), c: c, h: h, w: w)
                    let outShape = ActShape(channels: k, height: h, width: w)
                    for act in Activation.allCases {
                        let fast = convFunctions(kind, act).fast
                        var avx2 = sentinelOutput(outShape), avx512 = sentinelOutput(outShape)
                        withKernelISA(avx512: false) {
                            withBuffers(input, packed, &avx2) { fast($0, $3, $1, $2, c, k, h, w, 0..<h) }
                        }
                        withKernelISA(avx512: true) {
                            withBuffers(input, packed, &avx512) { fast($0, $3, $1, $2, c, k, h, w, 0..<h) }
                        }
                        // Two 3x3 tiles sum in another order on AVX-512 from 16 pixels up: the
                        // 16 x 16 tile of a 16-channel pair (`tile16x16` for 3x3: (ky, ic, kx),
                        // the blocks after the 32-channel quads when K / 8 % 4 >= 2) and the
                        // 16 x 8 tile of a trailing 8-channel block (not tanh; even and odd
                        // input channels apart). Close to the AVX2 bits there, bitwise elsewhere.
                        let kb = k / 8, blockStride = (h + 2) * (w + 2) * 8
                        func reordered(_ b: Int) -> Bool {
                            guard kind == .conv3x3 && w >= 16 else { return false }
                            let pairStart = kb / 4 * 4
                            if kb % 4 >= 2 && (b == pairStart || b == pairStart + 1) { return true }
                            return kb % 2 == 1 && b == kb - 1 && act != .tanh
                        }
                        for b in 0..<kb {
                            let r = b * blockStride..<(b + 1) * blockStride
                            if reordered(b) {
                                assertClose(Array(avx512[r]), Array(avx2[r]), tol: 1e-5 + 2e-6 * Float(c * 9),
                                            "reordered block \(b) \(kind) \(act) \(c)->\(k) width \(w)")
                            } else {
                                let differing = zip(avx2[r], avx512[r]).filter { $0.bitPattern != $1.bitPattern }.count
                                XCTAssertEqual(differing, 0, "values differing in bits: block \(b) \(kind) \(act) \(c)->\(k) width \(w)")
                            }
                        }
                        XCTAssertEqual(avx2.count, kb * blockStride)
                    }
                }
            }
        }
    }

    /// The 1-input-channel conv's 16-pixel two-row tiles (`directRowsC1x16x8AVX512`; a last odd
    /// row takes the one-row tile): bitwise the AVX2 tiles' results. Widths of one or more tiles,
    /// with 1...7 pixels left (the AVX2 tile then covers the row's last 8, overlapping) and 8+; a
    /// single block, a packed pair and a pair plus a trailing block; every activation (tanh keeps
    /// the AVX2 tiles).
    func testFirstConvBitwiseAcrossISAs() throws {
        try XCTSkipUnless(cpuHasAVX512, "this CPU has no AVX-512 (x86-64-v4): the AVX-512 tiles cannot run here")
        for k in [8, 16, 24] {
            for w in [8, 15, 16, 17, 31, 32, 33, 39, 40, 64, 77, 128] {
                let h = 4 + w % 2
                var rng = TestRandom(UInt64(k * 1000 + w))
                let (packed, _, _) = try randomPacked(.conv3x3c1, c: 1, k: k, &rng)
                let input = packConvInput(.conv3x3c1, rng.array(h * w), c: 1, h: h, w: w)
                let outShape = ActShape(channels: k, height: h, width: w)
                for act in Activation.allCases {
                    let fast = convFunctions(.conv3x3c1, act).fast
                    var avx2 = sentinelOutput(outShape), avx512 = sentinelOutput(outShape)
                    withKernelISA(avx512: false) {
                        withBuffers(input, packed, &avx2) { fast($0, $3, $1, $2, 1, k, h, w, 0..<h) }
                    }
                    // Parts of 1, 2 and 1...2 rows, as threads split them: a row pair, and single
                    // rows that are not the image's last (whose tap row dy = 2 is the zero halo).
                    withKernelISA(avx512: true) {
                        withBuffers(input, packed, &avx512) {
                            for part in [0..<1, 1..<3, 3..<h] { fast($0, $3, $1, $2, 1, k, h, w, part) }
                        }
                    }
                    let differing = zip(avx2, avx512).filter { $0.bitPattern != $1.bitPattern }.count
                    XCTAssertEqual(differing, 0, "values differing in bits: conv3x3c1 \(act) 1->\(k) width \(w)")
                }
            }
        }
    }

    /// The 3x3 tiles that sum in their own order against the reference conv: the 8-channel output
    /// tile (`directRow16x8AVX512`, 16 pixels, even and odd input channels summed apart; K = 8)
    /// and the 16-channel pair tile sharing each broadcast between the three kx taps
    /// (`tile16x16` for 3x3; K = 16, and K = 48: two 32-channel quads' worth of blocks, then the
    /// pair). One tile, two, tiles with 1...15 pixels left for the other tiles, the built-in
    /// model's widths; one input block, two (one chunk) and five (two chunks: partial sums through
    /// the output); ReLU and none. Then any split of the rows gives the same bits.
    func testReorderedTilesAgainstReference() throws {
        try XCTSkipUnless(cpuHasAVX512, "this CPU has no AVX-512 (x86-64-v4): the AVX-512 tiles cannot run here")
        for k in [8, 16, 48] {
        for (c, w) in [(8, 16), (8, 17), (16, 31), (40, 32), (8, 47), (24, 64), (8, 128), (16, 128)] {
            let h = 3
            var rng = TestRandom(UInt64(c * 1000 + w))
            let (packed, _, _) = try randomPacked(.conv3x3, c: c, k: k, &rng)
            let input = packConvInput(.conv3x3, rng.array(c * h * w), c: c, h: h, w: w)
            let outShape = ActShape(channels: k, height: h, width: w)
            for act in [Activation.none, .relu] {
                let fns = convFunctions(.conv3x3, act)
                var fast = sentinelOutput(outShape), ref = sentinelOutput(outShape)
                withKernelISA(avx512: true) {
                    withBuffers(input, packed, &fast) { fns.fast($0, $3, $1, $2, c, k, h, w, 0..<h) }
                }
                withBuffers(input, packed, &ref) { fns.ref($0, $3, $1, $2, c, k, h, w, 0..<h) }
                assertClose(fast, ref, tol: 1e-5 + 2e-6 * Float(c * 9), "reordered tiles \(act) \(c)->\(k) width \(w)")
                for parts in [2, 3] {
                    var split = sentinelOutput(outShape)
                    withKernelISA(avx512: true) {
                        withBuffers(input, packed, &split) { i, wt, b, o in
                            for p in (0..<parts).reversed() { fns.fast(i, o, wt, b, c, k, h, w, rowRange(rows: h, part: p, of: parts)) }
                        }
                    }
                    XCTAssertEqual(split.map(\.bitPattern), fast.map(\.bitPattern), "reordered tiles \(c)->\(k) width \(w) split in \(parts)")
                }
            }
        }
        }
    }

    /// The transposed conv's 1x1 GEMMs with the AVX-512 8-, 6- and 4-pixel x 32-channel tiles
    /// (output pixel stride 16), and a trailing odd block's two dx taps as one pair (block stride 8).
    func testTransposedConvBitwiseAcrossISAs() throws {
        try XCTSkipUnless(cpuHasAVX512, "this CPU has no AVX-512 (x86-64-v4): the AVX-512 tiles cannot run here")
        // K = 16, 24: a single pair (16- and 12-pixel tiles), then a trailing block; K = 8: only
        // the trailing block (the built-in model's last upconv, 16 -> 8); 128 -> 64: the built-in
        // model's first upconv (4 x 4 input).
        for (c, k) in [(16, 32), (24, 40), (64, 48), (32, 16), (16, 24), (16, 8), (128, 64)] {
            for w in [4, 5, 6, 13, 14, 16, 29, 32] {
                let h = 3
                var rng = TestRandom(UInt64(c * 100 + k + w))
                let packed = try packConvTranspose2x2(weights: rng.array(c * k * 4), bias: rng.array(k),
                                                      channels: c, outChannels: k)
                let input = packNCHWc8(rng.array(c * h * w), ActShape(channels: c, height: h, width: w))
                let outShape = ActShape(channels: k, height: 2 * h, width: 2 * w)
                var avx2 = sentinelOutput(outShape), avx512 = sentinelOutput(outShape)
                withKernelISA(avx512: false) {
                    withBuffers(input, packed, &avx2) {
                        f32_convt2x2s2_gemm_c8_6x16_avx2($0, $3, weights: $1, bias: $2, channels: c, outChannels: k,
                                                         height: h, width: w, rows: 0..<h)
                    }
                }
                withKernelISA(avx512: true) {
                    withBuffers(input, packed, &avx512) {
                        f32_convt2x2s2_gemm_c8_6x16_avx2($0, $3, weights: $1, bias: $2, channels: c, outChannels: k,
                                                         height: h, width: w, rows: 0..<h)
                    }
                }
                let differing = zip(avx2, avx512).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(differing, 0, "values differing in bits: convt \(c)->\(k) width \(w)")
            }
        }
    }
}
