// Fast conv kernels vs their reference twins over awkward shapes, plus the
// thread-split invariance (bitwise) and the halo / padding-channel contract.

import XCTest

@testable import SplineKernels

/// (input, output, weights, bias, channels, outChannels, height, width, rows)
typealias ConvFn = (
    UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
    Int, Int, Int, Int, Range<Int>
) -> Void

enum ConvKind: CaseIterable { case conv3x3, conv3x3c1, conv1x1 }

func convFunctions(_ kind: ConvKind, _ act: Activation) -> (fast: ConvFn, ref: ConvFn) {
    switch (kind, act) {
    case (.conv3x3, .none):
        return ({ f32_conv3x3_direct_c8_6x16_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv3x3_naive_c8_1x1_ref($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv3x3, .relu):
        return ({ f32_conv3x3_direct_c8_6x16_relu_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv3x3_naive_c8_1x1_relu_ref($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv3x3, .tanh):
        return ({ f32_conv3x3_direct_c8_6x16_tanh_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv3x3_naive_c8_1x1_tanh_ref($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv3x3c1, .none):
        return ({ f32_conv3x3c1_direct_p1c8_6x16_avx2($0, $1, weights: $2, bias: $3, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv3x3c1_naive_p1c8_1x1_ref($0, $1, weights: $2, bias: $3, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv3x3c1, .relu):
        return ({ f32_conv3x3c1_direct_p1c8_6x16_relu_avx2($0, $1, weights: $2, bias: $3, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv3x3c1_naive_p1c8_1x1_relu_ref($0, $1, weights: $2, bias: $3, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv3x3c1, .tanh):
        return ({ f32_conv3x3c1_direct_p1c8_6x16_tanh_avx2($0, $1, weights: $2, bias: $3, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv3x3c1_naive_p1c8_1x1_tanh_ref($0, $1, weights: $2, bias: $3, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv1x1, .none):
        return ({ f32_conv1x1_gemm_c8_6x16_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv1x1_naive_c8_1x1_ref($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv1x1, .relu):
        return ({ f32_conv1x1_gemm_c8_6x16_relu_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv1x1_naive_c8_1x1_relu_ref($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) })
    case (.conv1x1, .tanh):
        return ({ f32_conv1x1_gemm_c8_6x16_tanh_avx2($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) },
                { f32_conv1x1_naive_c8_1x1_tanh_ref($0, $1, weights: $2, bias: $3, channels: $4, outChannels: $5, height: $6, width: $7, rows: $8) })
    }
}

/// A plain CHW input in the layout `kind` reads: the padded plane for conv3x3c1 (exactly its
/// size, so an over-read shows under ASan), else padded NCHWc8.
func packConvInput(_ kind: ConvKind, _ chw: [Float], c: Int, h: Int, w: Int) -> [Float] {
    kind == .conv3x3c1 ? packPlane(chw, PlaneShape(height: h, width: w)) : packNCHWc8(chw, ActShape(channels: c, height: h, width: w))
}

/// Random PyTorch-layout weights for `kind`, packed.
func randomPacked(_ kind: ConvKind, c: Int, k: Int, _ rng: inout TestRandom) throws -> (PackedConv, [Float], [Float]) {
    let taps = kind == .conv1x1 ? 1 : 9
    let w = rng.array(k * c * taps), b = rng.array(k)
    switch kind {
    case .conv3x3: return (try packConv3x3(weights: w, bias: b, outChannels: k, channels: c), w, b)
    case .conv3x3c1: return (try packConv3x3C1(weights: w, bias: b, outChannels: k), w, b)
    case .conv1x1: return (try packConv1x1(weights: w, bias: b, outChannels: k, channels: c), w, b)
    }
}

final class ConvKernelTests: XCTestCase {
    /// Runs fast and reference on the same data; compares whole buffers (halo and
    /// padding channels included) starting from a sentinel interior.
    func checkFastVsReference(_ kind: ConvKind, c: Int, k: Int, h: Int, w: Int, act: Activation, seed: UInt64) throws {
        var rng = TestRandom(seed)
        let (packed, _, _) = try randomPacked(kind, c: c, k: k, &rng)
        let outShape = ActShape(channels: k, height: h, width: w)
        let input = packConvInput(kind, rng.array(c * h * w), c: c, h: h, w: w)
        let fns = convFunctions(kind, act)
        var fast = sentinelOutput(outShape), ref = sentinelOutput(outShape)
        withBuffers(input, packed, &fast) { fns.fast($0, $3, $1, $2, c, k, h, w, 0..<h) }
        withBuffers(input, packed, &ref) { fns.ref($0, $3, $1, $2, c, k, h, w, 0..<h) }
        let terms = Float(c * (kind == .conv1x1 ? 1 : 9))
        assertClose(fast, ref, tol: 1e-5 + 2e-6 * terms, "\(kind) \(act) \(c)->\(k) \(h)x\(w)")
    }

    func testConv3x3FastMatchesReference() throws {
        var n = 0
        for c in Shapes.channels {
            for k in Shapes.outChannels {
                let w = Shapes.widths[(c + k) % Shapes.widths.count]
                let h = Shapes.heights[(c * 3 + k) % Shapes.heights.count]
                let act = Activation.allCases[(c + 2 * k) % 3]
                try checkFastVsReference(.conv3x3, c: c, k: k, h: h, w: w, act: act, seed: UInt64(c * 100 + k))
                n += 1
            }
        }
        // Every width and height with a 16+8 output split and a 2-chunk reduction.
        for w in Shapes.widths {
            for h in Shapes.heights {
                try checkFastVsReference(.conv3x3, c: 40, k: 24, h: h, w: w, act: .relu, seed: UInt64(h * 16 + w))
                n += 1
            }
        }
        XCTAssertEqual(n, 56 + 45)
    }

    func testConv3x3C1FastMatchesReference() throws {
        for k in Shapes.outChannels {
            for w in Shapes.widths {
                let h = Shapes.heights[(k + w) % Shapes.heights.count]
                for act in Activation.allCases {
                    try checkFastVsReference(.conv3x3c1, c: 1, k: k, h: h, w: w, act: act, seed: UInt64(k * 31 + w))
                }
            }
        }
    }

    func testConv1x1FastMatchesReference() throws {
        for c in Shapes.channels {
            for k in Shapes.outChannels {
                let w = Shapes.widths[(c + k) % Shapes.widths.count]
                let h = Shapes.heights[(c + 5 * k) % Shapes.heights.count]
                let act = Activation.allCases[(c + k) % 3]
                try checkFastVsReference(.conv1x1, c: c, k: k, h: h, w: w, act: act, seed: UInt64(c * 7 + k))
            }
        }
        for w in Shapes.widths {
            try checkFastVsReference(.conv1x1, c: 72, k: 20, h: 3, w: w, act: .tanh, seed: UInt64(w))
        }
    }

    /// One 8-channel output block (k = 8) or a trailing one (k = 24) over every width 1...30:
    /// `tileRowSingle` cuts a row into near-equal tiles of 1...12 pixels (MicroTileWide.swift;
    /// 3x3 over 8-lane inputs: 1...10, MicroTileShared3.swift, first-chunk and accumulating), so
    /// this reaches each tile width, alone and next to the others (e.g. 23 = 12 + 11, 8 + 8 + 7).
    /// conv3x3c1 rows of 8+ pixels take `c1RowSingle` (MicroTileC1.swift): 8-pixel tiles, the
    /// last overlapping the one before unless the width is a multiple of 8; k = 20 runs it on a
    /// packed pair of blocks (tap stride 16) and a trailing block (tap stride 8).
    /// The built-in model's direct layers (8 -> 8 at 128 and 64 pixels: `shared3RowSingle`, 10- and
    /// 9-pixel tiles) and neighbours, over several rows.
    func testModelWidthSingleBlockRows() throws {
        for (c, k, h, w) in [(8, 8, 5, 128), (8, 8, 7, 64), (16, 8, 3, 64), (8, 8, 4, 8), (8, 8, 6, 19)] {
            try checkFastVsReference(.conv3x3, c: c, k: k, h: h, w: w, act: .relu, seed: UInt64(c * k + w))
        }
    }

    func testSingleBlockTileWidths() throws {
        var n = 0
        for w in 1...30 {
            let h = 1 + w % 3
            let seed = UInt64(w)
            try checkFastVsReference(.conv3x3, c: 40, k: 8, h: h, w: w, act: .relu, seed: seed)
            try checkFastVsReference(.conv3x3, c: 12, k: 24, h: h, w: w, act: .tanh, seed: seed + 100)
            try checkFastVsReference(.conv3x3c1, c: 1, k: 8, h: h, w: w, act: .none, seed: seed + 200)
            try checkFastVsReference(.conv3x3c1, c: 1, k: 20, h: h, w: w, act: .relu, seed: seed + 400)
            try checkFastVsReference(.conv1x1, c: 72, k: 8, h: h, w: w, act: .relu, seed: seed + 300)
            // One input chunk, one output block: whole rows of 9- and 10-pixel tiles
            // (`shared3RowSingle`) from 9 pixels up, `tileRowSingle` below.
            try checkFastVsReference(.conv3x3, c: 16, k: 8, h: h, w: w, act: .relu, seed: seed + 500)
            n += 6
        }
        XCTAssertEqual(n, 180)
    }

    /// Any split of the output rows between calls (threads) gives the same bits.
    func testRowSplitsAreBitwiseIdentical() throws {
        // The last case: one input chunk and a trailing single output block, whose rows run as
        // 9- and 10-pixel tiles (`shared3RowSingle`).
        for (kind, c, k, w) in ConvKind.allCases.map({ ($0, $0 == .conv3x3c1 ? 1 : 72, 20, 13) }) + [(.conv3x3, 16, 24, 19)] {
            let h = 9
            var rng = TestRandom(99)
            let (packed, _, _) = try randomPacked(kind, c: c, k: k, &rng)
            let input = packConvInput(kind, rng.array(c * h * w), c: c, h: h, w: w)
            let outShape = ActShape(channels: k, height: h, width: w)
            let fast = convFunctions(kind, .relu).fast
            var whole = sentinelOutput(outShape)
            withBuffers(input, packed, &whole) { fast($0, $3, $1, $2, c, k, h, w, 0..<h) }
            for parts in [2, 3, 4, 9] {
                var split = sentinelOutput(outShape)
                withBuffers(input, packed, &split) { i, wt, b, o in
                    for p in (0..<parts).reversed() { fast(i, o, wt, b, c, k, h, w, rowRange(rows: h, part: p, of: parts)) }
                }
                XCTAssertEqual(split, whole, "\(kind) split in \(parts)")
            }
        }
    }

    func testRowRangeCoversRowsOnce() {
        for rows in 0..<12 {
            for parts in 1..<6 {
                let ranges = (0..<parts).map { rowRange(rows: rows, part: $0, of: parts) }
                XCTAssertEqual(ranges.flatMap { Array($0) }, Array(0..<rows))
                XCTAssertLessThanOrEqual(ranges.map(\.count).max()! - ranges.map(\.count).min()!, 1)
            }
        }
    }
}
