import Dispatch
import XCTest
#if canImport(Glibc)
import Glibc
#endif
@testable import SplineKernels

// Tests of the Winograd F(4x4,3x3) and F(6x6,3x3) kernels against (a) the plain Winograd
// references in Double (Reference/Winograd*Reference.swift) and (b) a naive direct conv in
// Double written here. Errors are max |fast - ref| / max |ref| over the output. Tolerances
// (WinoAlgo below): F43 2e-5 vs its reference, 1e-4 vs direct; F63 1e-4 / 2e-4 (its
// transforms have larger coefficients, so Float rounding is amplified more).
// Reference (Double, rounded to Float) vs direct: 1e-6 (checks the transform matrices).

/// The two algorithms under test, with their tolerances (relative to max |reference|).
enum WinoAlgo: CaseIterable, Sendable {
    case f43, f63
    /// fast vs Winograd reference of the same algorithm (Double)
    var tolVsReference: Double { self == .f43 ? 2e-5 : 1e-4 }
    /// fast vs naive direct conv (Double)
    var tolVsDirect: Double { self == .f43 ? 1e-4 : 2e-4 }
    func pack(_ w: [Float], _ b: [Float], _ c: Int, _ k: Int) -> [Float] {
        self == .f43 ? winogradF43PackWeights(weights: w, bias: b, inChannels: c, outChannels: k)
                     : winogradF63PackWeights(weights: w, bias: b, inChannels: c, outChannels: k)
    }
    func scratchCount(_ c: Int, _ k: Int, _ h: Int, _ w: Int) -> Int {
        self == .f43 ? winogradF43ScratchCount(inChannels: c, outChannels: k, height: h, width: w)
                     : winogradF63ScratchCount(inChannels: c, outChannels: k, height: h, width: w)
    }
    func blockCount(_ c: Int, _ k: Int, _ h: Int, _ w: Int) -> Int {
        self == .f43 ? winogradF43BlockCount(inChannels: c, outChannels: k, height: h, width: w)
                     : winogradF63BlockCount(inChannels: c, outChannels: k, height: h, width: w)
    }
    func reference(_ x: [Float], _ c: Int, _ h: Int, _ w: Int, _ wt: [Float], _ b: [Float], _ k: Int, _ relu: Bool) -> [Float] {
        self == .f43
            ? winogradF43ReferenceConv(input: x, inChannels: c, height: h, width: w, weights: wt, bias: b, outChannels: k, relu: relu)
            : winogradF63ReferenceConv(input: x, inChannels: c, height: h, width: w, weights: wt, bias: b, outChannels: k, relu: relu)
    }
    /// `phase` / `shared`: F(4x4) only (`WinogradPhase`).
    func run(_ i: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>, _ wt: UnsafePointer<Float>,
             _ s: UnsafeMutablePointer<Float>, _ c: Int, _ k: Int, _ h: Int, _ w: Int, _ r: Range<Int>, _ relu: Bool,
             phase: WinogradPhase = .whole, shared: UnsafeMutablePointer<Float>? = nil) {
        precondition(self == .f43 || phase == .whole, "F(6x6) has no phases")
        switch (self, relu) {
        case (.f43, true):
            f32_conv3x3_winograd4x4_c8_6x16_relu_avx2(input: i, output: o, weights: wt, scratch: s,
                inChannels: c, outChannels: k, height: h, width: w, blocks: r, phase: phase, sharedScratch: shared)
        case (.f43, false):
            f32_conv3x3_winograd4x4_c8_6x16_avx2(input: i, output: o, weights: wt, scratch: s,
                inChannels: c, outChannels: k, height: h, width: w, blocks: r, phase: phase, sharedScratch: shared)
        case (.f63, true):
            f32_conv3x3_winograd6x6_c8_6x16_relu_avx2(input: i, output: o, weights: wt, scratch: s,
                inChannels: c, outChannels: k, height: h, width: w, blocks: r)
        case (.f63, false):
            f32_conv3x3_winograd6x6_c8_6x16_avx2(input: i, output: o, weights: wt, scratch: s,
                inChannels: c, outChannels: k, height: h, width: w, blocks: r)
        }
    }
}

/// Floats placed so that the last one ends exactly at an inaccessible (PROT_NONE) page:
/// any read or write past the end faults. Start is 32-byte aligned when count % 8 == 0.
final class WinoGuardedBuffer {
    let base: UnsafeMutableRawPointer
    let mapped: Int
    let pointer: UnsafeMutablePointer<Float>
    let count: Int
    init(count: Int, fill: Float) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let dataPages = (count * 4 + page - 1) / page
        mapped = (dataPages + 1) * page
        guard let m = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              m != MAP_FAILED else { fatalError("mmap failed") }
        base = m
        precondition(mprotect(m + dataPages * page, page, PROT_NONE) == 0)
        self.count = count
        pointer = (m + dataPages * page - count * 4).bindMemory(to: Float.self, capacity: count)
        pointer.initialize(repeating: fill, count: count)
    }
    func copy(from a: [Float]) { a.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) } }
    var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
    deinit { munmap(base, mapped) }
}

/// Seeded LCG of the Winograd tests (also WinogradPoolTests, WinogradC1PrologueTests).
struct WinoLCG {
    var state: UInt64
    mutating func next() -> Float {   // uniform in [-1, 1)
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: state >> 11) % (1 << 24)) / Float(1 << 23) - 1
    }
}

/// One output value (channel ko, pixel y, x) of the naive direct conv, in Double, before any ReLU.
private func winoDirectValue(input: [Float], c: Int, h: Int, w: Int, weights: [Float], bias: [Float],
                             ko: Int, y: Int, x: Int) -> Double {
    var s = Double(bias[ko])
    for ci in 0..<c {
        for dy in 0..<3 {
            for dx in 0..<3 {
                let yy = y + dy - 1, xx = x + dx - 1
                if yy < 0 || yy >= h || xx < 0 || xx >= w { continue }
                s += Double(input[(ci * h + yy) * w + xx]) * Double(weights[((ko * c + ci) * 3 + dy) * 3 + dx])
            }
        }
    }
    return s
}

private func winoDirectConv(input: [Float], c: Int, h: Int, w: Int, weights: [Float], bias: [Float],
                            k: Int, relu: Bool) -> [Double] {
    var out = [Double](repeating: 0, count: k * h * w)
    for ko in 0..<k {
        for y in 0..<h {
            for x in 0..<w {
                let s = winoDirectValue(input: input, c: c, h: h, w: w, weights: weights, bias: bias, ko: ko, y: y, x: x)
                out[(ko * h + y) * w + x] = relu ? max(s, 0) : s
            }
        }
    }
    return out
}

/// Runs the fast kernel. `splits` lists block ranges, run in order (single thread) unless
/// `threads` > 1 (then concurrently, one scratch each). Input is followed by NaN
/// sentinels; output interior (and padding channels) start as NaN, halo as 0; scratch as NaN.
/// Checks halo / padding channels are zero afterwards. Returns the packed output.
func winoRunFast(_ algo: WinoAlgo, input chw: [Float], c: Int, h: Int, w: Int, packed: [Float], k: Int, relu: Bool,
                         splits: [Range<Int>]? = nil, threads: Int = 1, phases: [WinogradPhase] = [.whole],
                         file: StaticString = #filePath, line: UInt = #line) -> [Float] {
    let inShape = ActShape(channels: c, height: h, width: w)
    let outShape = ActShape(channels: k, height: h, width: w)
    // Every buffer ends at a guard page: an access past its end crashes the test.
    let inBuf = WinoGuardedBuffer(count: inShape.count, fill: 0)
    inBuf.copy(from: packNCHWc8(chw, inShape))
    var outInit = [Float](repeating: 0, count: outShape.count)
    for cb in 0..<outShape.blocks {
        for y in 0..<h { for x in 0..<w { for l in 0..<8 { outInit[outShape.offset(channel: cb * 8 + l, y: y, x: x)] = .nan } } }
    }
    let outG = WinoGuardedBuffer(count: outShape.count, fill: 0)
    outG.copy(from: outInit)
    let blockCount = algo.blockCount(c, k, h, w)
    let ranges = splits ?? [0..<blockCount]
    let sc = algo.scratchCount(c, k, h, w)
    let scratches = ranges.map { _ in WinoGuardedBuffer(count: sc, fill: .nan) }
    let packedG = WinoGuardedBuffer(count: packed.count, fill: 0)
    packedG.copy(from: packed)
    nonisolated(unsafe) let i = UnsafePointer(inBuf.pointer), o = outG.pointer, wt = UnsafePointer(packedG.pointer)
    nonisolated(unsafe) let sp = scratches.map(\.pointer)
    // Each phase over all ranges (concurrently with `threads` > 1); phases share range 0's scratch.
    for phase in phases {
        let run: @Sendable (Int) -> Void = { r in
            algo.run(i, o, wt, sp[r], c, k, h, w, ranges[r], relu, phase: phase, shared: phase == .whole ? nil : sp[0])
        }
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: ranges.count) { run($0) }
        } else {
            for r in 0..<ranges.count { run(r) }
        }
    }
    let outBuf = outG.array
    withExtendedLifetime((inBuf, scratches, packedG)) {}
    // Halo and padding channels must be zero.
    var bad = 0
    for cb in 0..<outShape.blocks {
        for yp in 0..<(h + 2) {
            for xp in 0..<(w + 2) {
                for l in 0..<8 {
                    let v = outBuf[cb * outShape.blockStride + yp * outShape.rowStride + xp * 8 + l]
                    let interior = yp >= 1 && yp <= h && xp >= 1 && xp <= w && cb * 8 + l < k
                    if !interior && v != 0 { bad += 1 }
                    if interior && !v.isFinite { bad += 1 }
                }
            }
        }
    }
    XCTAssertEqual(bad, 0, "halo / padding channels not zero or non-finite interior (C\(c) K\(k) \(h)x\(w))",
                   file: file, line: line)
    return outBuf
}

private func winoMaxRelErr(_ a: [Float], _ ref: [Double]) -> Double {
    var maxRef = 0.0, maxDiff = 0.0
    for i in 0..<ref.count {
        maxRef = max(maxRef, abs(ref[i]))
        maxDiff = max(maxDiff, abs(Double(a[i]) - ref[i]))
    }
    return maxDiff / max(maxRef, 1e-30)
}

final class WinogradTests: XCTestCase {
    static let sizes = [1, 2, 3, 4, 5, 7, 8, 13, 16]

    private func check(_ algo: WinoAlgo, c: Int, k: Int, h: Int, w: Int, relu: Bool, seed: UInt64,
                       worst: inout (Double, Double, Double)) {
        var rng = WinoLCG(state: seed)
        let input = (0..<(c * h * w)).map { _ in rng.next() }
        let scale = Float(1.0 / (Double(c) * 9).squareRoot())
        let weights = (0..<(k * c * 9)).map { _ in rng.next() * scale }
        let bias = (0..<k).map { _ in rng.next() * 0.5 }
        let direct = winoDirectConv(input: input, c: c, h: h, w: w, weights: weights, bias: bias, k: k, relu: relu)
        let ref = algo.reference(input, c, h, w, weights, bias, k, relu)
        let refD = ref.map(Double.init)
        let packed = algo.pack(weights, bias, c, k)
        let out = unpackNCHWc8(winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: relu),
                               ActShape(channels: k, height: h, width: w))
        let eRefDirect = winoMaxRelErr(ref, direct)
        let eFastRef = winoMaxRelErr(out, refD)
        let eFastDirect = winoMaxRelErr(out, direct)
        let tag = "\(algo) C\(c) K\(k) \(h)x\(w) relu \(relu)"
        // The Double reference is rounded to Float on output: compare at Float resolution.
        XCTAssertLessThan(eRefDirect, 1e-6, "reference vs direct \(tag)")
        XCTAssertLessThan(eFastRef, algo.tolVsReference, "fast vs Winograd reference \(tag)")
        XCTAssertLessThan(eFastDirect, algo.tolVsDirect, "fast vs direct \(tag)")
        worst = (max(worst.0, eRefDirect), max(worst.1, eFastRef), max(worst.2, eFastDirect))
    }

    /// Every (C, K) pair with three (H, W) pairs each, cycling through the size list.
    func testChannelsAndShapes() {
        for algo in WinoAlgo.allCases {
            var worst = (0.0, 0.0, 0.0)
            var n = 0
            let sizes = Self.sizes
            for c in [1, 3, 8, 16, 20, 64] {
                for k in [8, 12, 16, 24, 64] {
                    for j in 0..<3 {
                        let h = sizes[(n * 2 + j) % sizes.count]
                        let w = sizes[(n * 5 + j * 4 + 3) % sizes.count]
                        check(algo, c: c, k: k, h: h, w: w, relu: (n + j) % 2 == 0, seed: UInt64(n * 3 + j + 1), worst: &worst)
                    }
                    n += 1
                }
            }
            print("winograd \(algo) channels/shapes: \(n * 3) cases, worst rel err ref-direct \(worst.0), fast-ref \(worst.1), fast-direct \(worst.2)")
        }
    }

    /// All 81 (H, W) pairs from the size list (plus 6k +- 1 sizes for F63) with awkward channels.
    func testAllSpatialSizes() {
        for algo in WinoAlgo.allCases {
            var worst = (0.0, 0.0, 0.0)
            var n = 0
            let sizes = algo == .f43 ? Self.sizes : Self.sizes + [6, 11, 12]
            for h in sizes {
                for w in sizes {
                    check(algo, c: 20, k: 12, h: h, w: w, relu: n % 2 == 1, seed: UInt64(1000 + n), worst: &worst)
                    n += 1
                }
            }
            print("winograd \(algo) spatial sizes: \(n) cases, worst rel err ref-direct \(worst.0), fast-ref \(worst.1), fast-direct \(worst.2)")
        }
    }

    /// Larger shapes spanning several tile blocks (block size depends on C, K).
    func testMultiBlockShapes() {
        for algo in WinoAlgo.allCases {
            var worst = (0.0, 0.0, 0.0)
            for (i, s) in [(64, 64, 29, 37), (16, 24, 50, 45), (128, 40, 21, 30), (24, 16, 41, 39)].enumerated() {
                XCTAssertGreaterThan(algo.blockCount(s.0, s.1, s.2, s.3), 1, "\(algo) \(s) must span several blocks")
                check(algo, c: s.0, k: s.1, h: s.2, w: s.3, relu: i % 2 == 0, seed: UInt64(500 + i), worst: &worst)
            }
            print("winograd \(algo) multi-block: worst rel err ref-direct \(worst.0), fast-ref \(worst.1), fast-direct \(worst.2)")
        }
    }

    /// GEMM row tails: 1..8 tiles in one block leave 0..5 rows after the 6-row micro-tiles
    /// (rows rounded up to even: 2- and 4-row tail kernels), with K = 24 (a 16-wide and an
    /// 8-wide output panel).
    func testGemmTailRows() {
        for algo in WinoAlgo.allCases {
            var worst = (0.0, 0.0, 0.0)
            let m = algo == .f43 ? 4 : 6                      // output tile size
            for tiles in 1...8 {
                check(algo, c: 16, k: 24, h: m - 1, w: m * tiles - 1, relu: tiles % 2 == 0,
                      seed: UInt64(700 + tiles), worst: &worst)
            }
            print("winograd \(algo) GEMM row tails: worst rel err ref-direct \(worst.0), fast-ref \(worst.1), fast-direct \(worst.2)")
        }
    }

    /// Literal shape arguments (as the code generator emits them; constant-folded in release
    /// builds) give bitwise the same output as runtime shapes.
    func testLiteralShapesBitwise() {
        let (c, k, h, w) = (20, 12, 13, 7)
        var rng = WinoLCG(state: 99)
        let input = (0..<(c * h * w)).map { _ in rng.next() }
        let weights = (0..<(k * c * 9)).map { _ in rng.next() * 0.2 }
        let bias = (0..<k).map { _ in rng.next() }
        let inShape = ActShape(channels: 20, height: 13, width: 7)
        let outShape = ActShape(channels: 12, height: 13, width: 7)
        let x = packNCHWc8(input, inShape)
        for algo in WinoAlgo.allCases {
            let packed = algo.pack(weights, bias, c, k)
            let runtime = winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: false)
            var y = [Float](repeating: 0, count: outShape.count)
            var scratch = [Float](repeating: .nan, count: algo.scratchCount(20, 12, 13, 7))
            x.withUnsafeBufferPointer { xp in packed.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in scratch.withUnsafeMutableBufferPointer { sp in
                    if algo == .f43 {
                        f32_conv3x3_winograd4x4_c8_6x16_avx2(
                            input: xp.baseAddress!, output: yp.baseAddress!, weights: wp.baseAddress!,
                            scratch: sp.baseAddress!, inChannels: 20, outChannels: 12, height: 13, width: 7,
                            blocks: 0..<winogradF43BlockCount(inChannels: 20, outChannels: 12, height: 13, width: 7))
                    } else {
                        f32_conv3x3_winograd6x6_c8_6x16_avx2(
                            input: xp.baseAddress!, output: yp.baseAddress!, weights: wp.baseAddress!,
                            scratch: sp.baseAddress!, inChannels: 20, outChannels: 12, height: 13, width: 7,
                            blocks: 0..<winogradF63BlockCount(inChannels: 20, outChannels: 12, height: 13, width: 7))
                    }
                } }
            } }
            XCTAssertEqual(y.map(\.bitPattern), runtime.map(\.bitPattern), "\(algo)")
        }
    }

    /// The next-block prefetch cursor (WinogradPrefetch.swift) covers the block's patches: a
    /// 13-wide layer has 3 F(6x6) tiles per row; tiles 2..<5 are the last of tile row 0 and the
    /// first two of tile row 1, i.e. two segments of 8 padded rows.
    func testPatchPrefetchSegments() {
        let input = UnsafeMutablePointer<Float>.allocate(capacity: 8)
        defer { input.deallocate() }
        let pf = _WPatchPrefetch(input: input, cb: 3, height: 9, width: 13, t0: 2, n: 3, tilesW: 3, step: 6, patch: 8)
        XCTAssertEqual(pf.segments, 2)
        // Row 0, tile 2: padded x 12..<15 (the row is 15 pixels of 32 bytes): 96 bytes, 2 lines.
        XCTAssertEqual(pf.y0.0, 0); XCTAssertEqual(pf.x0.0, 12 * 32); XCTAssertEqual(pf.bytes.0, 3 * 32)
        // Row 6, tiles 0 and 1: padded x 0..<14: 448 bytes, 7 lines.
        XCTAssertEqual(pf.y0.1, 6); XCTAssertEqual(pf.x0.1, 0); XCTAssertEqual(pf.bytes.1, 14 * 32)
        XCTAssertEqual(pf.lines, 3 * 8 * (2 + 7))
        var cursor = pf
        cursor.issue(3 * 8 * (2 + 7) - 1)
        XCTAssertNotNil(cursor.base, "one line left")
        cursor.issue(1)
        XCTAssertNil(cursor.base, "all lines issued")
        XCTAssertNil(_WPatchPrefetch().base)
    }

    /// Transformed weights over 24 MB switch the blocking to large blocks (>= 2 of them) and
    /// the GEMMs to prefetching the next weight panel (`_wUStreams`); with at most 64 tiles, to
    /// one block of all tiles split by output channels, M holding one part's panels.
    func testLargeWeightBlocking() {
        let (c, k, h, w) = (448, 456, 5, 13)   // Kp = 456: 28 full panels + a half panel
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: c, outChannels: k, height: h, width: w), 8)
        XCTAssertEqual(winogradF43BlockCount(inChannels: c, outChannels: k, height: h, width: w), 2)
        // V (36 x 448 x 12: 8 tiles in 6-tile micro-panels) + M of the wider part (15 panels:
        // 240 channels) x 8 tiles, each position's V and M padded by one cache line (16 floats
        // each), + temporaries (a SIMD16 per position).
        XCTAssertEqual(winogradF43ScratchCount(inChannels: c, outChannels: k, height: h, width: w),
                       36 * (448 * 12 + 240 * 8 + 2 * 16) + 576)
        // 256 tiles: 2 blocks of 128 (one per half; at most 256 tiles per block).
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 512, outChannels: 512, height: 64, width: 64), 128)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 512, outChannels: 512, height: 64, width: 64), 2)
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 1024, outChannels: 1024, height: 32, width: 32), 64)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 1024, outChannels: 1024, height: 32, width: 32), 2)
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 1024, outChannels: 512, height: 16, width: 16), 16)
        // 256 tiles, U 9.4 MB (>= 512 KB: ~1 MB blocks of V + M, 12 tiles): halves of 128,
        // each 11 blocks of 11 or 12.
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 256, outChannels: 256, height: 64, width: 64), 12)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 256, outChannels: 256, height: 64, width: 64), 22)
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 512, outChannels: 512, height: 64, width: 64), 62)
        XCTAssertEqual(winogradF63BlockCount(inChannels: 512, outChannels: 512, height: 64, width: 64), 2)
        for algo in WinoAlgo.allCases {
            var worst = (0.0, 0.0, 0.0)
            check(algo, c: c, k: k, h: h, w: w, relu: true, seed: 4242, worst: &worst)
            print("winograd \(algo) large weights: worst rel err ref-direct \(worst.0), fast-ref \(worst.1), fast-direct \(worst.2)")
        }
    }

    /// Blocks of tiles keep M in V's slots (`_wScratchLayout`): positions + 1 slots of the larger
    /// of V's and M's position strides, M[p] in slot p and V[p] in slot p + 1, then the
    /// temporaries (1024 floats for F(6x6): the fused first conv's row pass). Output-channel
    /// halves (both read one V) keep V and M apart. The values are checked against the
    /// references by every other test here.
    func testScratchLayoutAliasesMOverV() {
        // 256 -> 256 F63 @ 128x128: 242-tile blocks. V: 41 micro-panels of 6 tiles x 256
        // channels + a line; M: 242 tiles x 256 channels + a line.
        let big = _WBlocking(positions: 64, cp: 256, kp: 256, tiles: 484)
        XCTAssertTrue(big.aliasM)
        let l = _wScratchLayout(big, positions: 64, cp: 256, kp: 256)
        XCTAssertEqual(l.vP, 246 * 256 + 16)
        XCTAssertEqual(l.mP, l.vP)
        XCTAssertEqual(l.m, 0)
        XCTAssertEqual(l.v, l.vP)
        XCTAssertEqual(l.tmp, 65 * l.vP)
        XCTAssertEqual(l.count, 65 * l.vP + 1024)
        XCTAssertEqual(winogradF63ScratchCount(inChannels: 256, outChannels: 256, height: 128, width: 128), l.count)
        // Wider M than V (8 -> 64 F43, 40x40: 100 tiles in blocks of 6 or fewer): the slot is M's.
        let wide = _WBlocking(positions: 36, cp: 8, kp: 64, tiles: 100)
        XCTAssertEqual(wide.kParts, 1)
        let w = _wScratchLayout(wide, positions: 36, cp: 8, kp: 64)
        let vCount = (wide.nT + 5) / 6 * 6 * 8 + 16, mCount = 64 * wide.nT + 16
        XCTAssertGreaterThan(mCount, vCount)
        XCTAssertEqual(w.vP, mCount)
        XCTAssertEqual(w.count, 37 * mCount + 36 * 16)
        // Output-channel halves: V (positions x vP), then M, then the temporaries.
        let halves = _WBlocking(positions: 64, cp: 64, kp: 128, tiles: 4)
        XCTAssertEqual(halves.kParts, 2)
        XCTAssertFalse(halves.aliasM)
        let h = _wScratchLayout(halves, positions: 64, cp: 64, kp: 128)
        XCTAssertEqual(h.v, 0)
        XCTAssertEqual(h.m, 64 * h.vP)
        XCTAssertEqual(h.tmp, 64 * (h.vP + h.mP))
    }

    /// Every tile in exactly one block, blocks in tile order, at most `nT` tiles each, the two
    /// halves' tile counts within one of each other (or one block split by output channels).
    func testBlockingCoversEveryTileOnce() {
        var layers = 0
        for positions in [36, 64] {
            for (cp, kp) in [(8, 8), (16, 24), (64, 64), (128, 256), (256, 256), (512, 512)] {
                for tiles in [1, 2, 3, 5, 7, 13, 16, 36, 61, 64, 65, 121, 250, 484, 1000, 1849] {
                    let b = _WBlocking(positions: positions, cp: cp, kp: kp, tiles: tiles)
                    let what = "\(positions) positions, \(cp)->\(kp), \(tiles) tiles"
                    XCTAssertEqual(b.nT & 1, 0, what)
                    if b.kParts == 2 {
                        XCTAssertEqual(b.units, 2, what)
                        XCTAssertTrue(b.block(0) == (0, tiles), what)
                        XCTAssertLessThanOrEqual(tiles, b.nT, what)
                        layers += 1
                        continue
                    }
                    var next = 0, perHalf = [0, 0]
                    for u in 0..<b.units {
                        let (t0, n) = b.block(u)
                        XCTAssertLessThanOrEqual(n, b.nT, what)
                        if n == 0 { continue }
                        XCTAssertEqual(t0, next, "\(what): unit \(u) starts at tile \(t0)")
                        next = t0 + n
                        perHalf[u / (b.units / 2)] += n
                    }
                    XCTAssertEqual(next, tiles, what)
                    XCTAssertLessThanOrEqual(abs(perHalf[0] - perHalf[1]), 1, what)
                    layers += 1
                }
            }
        }
        XCTAssertEqual(layers, 2 * 6 * 16)
        // At most 3 blocks per half: round(half / n0) blocks. 16 tiles of 128 -> 128 F43
        // (U 2.4 MB, n0 = 6): one block of 8 per half rather than two of 4.
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 128, outChannels: 128, height: 16, width: 16), 8)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 128, outChannels: 128, height: 16, width: 16), 2)
        // 26 tiles of 128 -> 128 (13 per half; U 2.4 MB, so ~1 MB blocks, n0 = 24): one block of
        // 13 per half. The output-channel split keeps the 256 KB bound (n0 6 here, so not split):
        // 26 tiles of 16 -> 32 (U 73 KB, n0 = 36) are one block split by output channels.
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 128, outChannels: 128, height: 8, width: 52), 14)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 128, outChannels: 128, height: 8, width: 52), 2)
        XCTAssertEqual(_WBlocking(positions: 36, cp: 16, kp: 32, tiles: 26).kParts, 2)
        XCTAssertEqual(_WBlocking(positions: 36, cp: 16, kp: 32, tiles: 26).nT, 26)
        // U over 4 MB and at most 64 tiles: one block split by output channels. 256 -> 256 F43
        // (U 9.4 MB) @ 16x16 (16 tiles) and @ 8x52 (26 tiles).
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 256, outChannels: 256, height: 16, width: 16), 16)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 256, outChannels: 256, height: 16, width: 16), 2)
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 256, outChannels: 256, height: 8, width: 52), 26)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 256, outChannels: 256, height: 8, width: 52), 2)
    }

    /// U of 12..24 MB (256 channels in F(6x6)) over more than 64 tiles: large blocks, an even
    /// number of them; over at most 64 tiles (and any U over 4 MB): one block split by output
    /// channels; a smaller U keeps the L2-sized 6-tile blocks.
    func testL3SizedWeightBlocking() {
        // 484 tiles: two halves of 242, each one block (at most 256 tiles per block).
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 256, outChannels: 256, height: 128, width: 128), 242)
        XCTAssertEqual(winogradF63BlockCount(inChannels: 256, outChannels: 256, height: 128, width: 128), 2)
        // Halves of 242 tiles, each 41 blocks of 5 or 6.
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 128, outChannels: 256, height: 128, width: 128), 6)
        XCTAssertEqual(winogradF63BlockCount(inChannels: 128, outChannels: 256, height: 128, width: 128), 82)
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 256, outChannels: 256, height: 64, width: 64), 62)
        XCTAssertEqual(winogradF63BlockCount(inChannels: 256, outChannels: 256, height: 64, width: 64), 2)
        // At most 64 tiles: one block of all of them, split by output channels (2 units), so each
        // thread reads half of U once rather than all of U once per 6-tile block.
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 256, outChannels: 256, height: 32, width: 32), 36)
        XCTAssertEqual(winogradF63BlockCount(inChannels: 256, outChannels: 256, height: 32, width: 32), 2)
        XCTAssertEqual(_WBlocking(positions: 64, cp: 256, kp: 256, tiles: 36).kParts, 2)
        for (c, k, h) in [(512, 256, 32), (256, 512, 32), (512, 256, 16)] {   // U 18.9 MB (F43)
            XCTAssertEqual(winogradF43TilesPerBlock(inChannels: c, outChannels: k, height: h, width: h), (h / 4) * (h / 4))
            XCTAssertEqual(winogradF43BlockCount(inChannels: c, outChannels: k, height: h, width: h), 2)
        }
        // U of 9.4 MB (256 -> 256 F43 @ 32x32, 64 tiles): over 4 MB, one block of all 64 tiles
        // split by output channels; over 64 tiles (@ 36x36, 81) the 6-tile blocks.
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 256, outChannels: 256, height: 32, width: 32), 64)
        XCTAssertEqual(winogradF43BlockCount(inChannels: 256, outChannels: 256, height: 32, width: 32), 2)
        // ... ~1 MB blocks since U >= 512 KB: 12 tiles of 256 -> 256 F43, of 128 -> 128 F63.
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 256, outChannels: 256, height: 36, width: 36), 12)
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 128, outChannels: 128, height: 256, width: 256), 12)
        XCTAssertEqual(winogradF43TilesPerBlock(inChannels: 256, outChannels: 256, height: 128, width: 128), 12)
        // U under 512 KB (32 -> 32 F63, 256 KB): the 256 KB blocks (V + M 16 KB per tile: 12 tiles
        // rounded down to a multiple of 6).
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 32, outChannels: 32, height: 256, width: 256), 12)
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 24, outChannels: 32, height: 256, width: 256), 18)
        // 1000 tiles: halves of 500, each 2 blocks of 250 (at most 256 each).
        XCTAssertEqual(winogradF63TilesPerBlock(inChannels: 256, outChannels: 256, height: 150, width: 240), 250)
        XCTAssertEqual(winogradF63BlockCount(inChannels: 256, outChannels: 256, height: 150, width: 240), 4)
    }

    /// Streamed weights and more than 64 tiles: two blocks of tiles (34 + 32 for F43, 34 + 32
    /// for F63), the prefetching GEMM, a last half panel; the same blocks for an L3-sized U (256
    /// channels), without the prefetch. The naive conv runs on 396 sampled outputs only, 6 in
    /// every tile (the full one is ~1.7 G multiply-adds in a debug build); tolerance as
    /// `tolVsDirect`, relative to the largest sampled |reference|.
    func testLargeWeightMultiBlockSampled() {
        // 256 -> 256 F63: U of 16.8 MB, the large blocks of an L3-sized U (no weight prefetch).
        for (algo, c, k, h, w) in [(WinoAlgo.f43, 424, 424, 4, 264), (.f63, 320, 328, 6, 396), (.f63, 256, 256, 6, 396)] {
            let tiles = algo == .f43 ? (h / 4) * (w / 4) : (h / 6) * (w / 6)
            XCTAssertEqual(tiles, 66)
            XCTAssertEqual(algo.blockCount(c, k, h, w), 2, "\(algo): two tile blocks")
            var rng = WinoLCG(state: 77)
            let input = (0..<(c * h * w)).map { _ in rng.next() }
            let scale = Float(1.0 / (Double(c) * 9).squareRoot())
            let weights = (0..<(k * c * 9)).map { _ in rng.next() * scale }
            let bias = (0..<k).map { _ in rng.next() * 0.5 }
            let packed = algo.pack(weights, bias, c, k)
            let outShape = ActShape(channels: k, height: h, width: w)
            let out = unpackNCHWc8(winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: false), outShape)
            var maxRef = 0.0, maxDiff = 0.0
            let side = algo == .f43 ? 4 : 6, tilesW = w / side
            for n in 0..<(tiles * 6) {
                // 6 samples in every tile (both blocks), spread over channels and the tile's pixels.
                let t = n / 6, j = n % 6
                let ko = (t * 37 + j * 101) % k
                let y = (t / tilesW) * side + (t + j) % side, x = (t % tilesW) * side + (t * 5 + j * 3) % side
                let s = winoDirectValue(input: input, c: c, h: h, w: w, weights: weights, bias: bias, ko: ko, y: y, x: x)
                maxRef = max(maxRef, abs(s))
                maxDiff = max(maxDiff, abs(Double(out[(ko * h + y) * w + x]) - s))
            }
            print("winograd \(algo) C\(c) K\(k) \(h)x\(w), 2 streamed blocks: sampled rel err \(maxDiff / maxRef)")
            XCTAssertLessThan(maxDiff / maxRef, algo.tolVsDirect, "\(algo) streamed multi-block")
        }
    }

    /// Any split of the block range, sequential or on threads, gives bitwise identical output.
    /// A layer whose tiles fit in one block splits into two output-channel halves (`_WBlocking`):
    /// 2 work units (also with a last half panel of 8 channels), correct against the references,
    /// bitwise equal whatever the split (one range, per unit, reversed, 2 threads).
    func testOutputChannelHalvesOfSingleBlockLayers() {
        for algo in WinoAlgo.allCases {
            for (c, k, h, w) in [(20, 40, 8, 8), (64, 128, 8, 8), (16, 32, 6, 10), (24, 48, 4, 4)] {
                XCTAssertEqual(algo.blockCount(c, k, h, w), 2, "\(algo) C\(c) K\(k) \(h)x\(w): one block, two halves")
                var worst = (0.0, 0.0, 0.0)
                check(algo, c: c, k: k, h: h, w: w, relu: true, seed: 31, worst: &worst)
                var rng = WinoLCG(state: 5)
                let input = (0..<(c * h * w)).map { _ in rng.next() }
                let packed = algo.pack((0..<(k * c * 9)).map { _ in rng.next() * 0.1 }, (0..<k).map { _ in rng.next() }, c, k)
                let whole = winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: false)
                for (name, splits, threads) in [("per unit", [0..<1, 1..<2], 1), ("reversed", [1..<2, 0..<1], 1),
                                                ("2 threads", [0..<1, 1..<2], 2)] {
                    let out = winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: false,
                                          splits: splits, threads: threads)
                    XCTAssertEqual(out.map(\.bitPattern), whole.map(\.bitPattern), "\(algo) \(name) C\(c) K\(k)")
                }
            }
            // One output-channel panel (K <= 16): nothing to split by channels; two halves of the
            // tiles instead (4 tiles: 2 + 2).
            XCTAssertEqual(algo.blockCount(32, 16, 8, 8), 2)
        }
    }

    func testThreadSplitBitwise() {
        for algo in WinoAlgo.allCases {
            for (c, k, h, w) in [(64, 24, 37, 45), (20, 64, 33, 58)] {
                var rng = WinoLCG(state: 77)
                let input = (0..<(c * h * w)).map { _ in rng.next() }
                let weights = (0..<(k * c * 9)).map { _ in rng.next() * 0.1 }
                let bias = (0..<k).map { _ in rng.next() }
                let packed = algo.pack(weights, bias, c, k)
                let nb = algo.blockCount(c, k, h, w)
                XCTAssertGreaterThanOrEqual(nb, 3, "shape must span several blocks")
                let whole = winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: true)
                let perBlock = (0..<nb).map { $0..<($0 + 1) }
                let reversed = Array(perBlock.reversed())
                let two = [0..<(nb / 2), (nb / 2)..<nb]
                let three = [0..<1, 1..<(nb - 1), (nb - 1)..<nb]
                for (name, splits, threads) in [("per block", perBlock, 1), ("reversed", reversed, 1),
                                                ("2 threads", two, 2), ("3 threads", three, 3),
                                                ("per block threads", perBlock, 4)] {
                    let out = winoRunFast(algo, input: input, c: c, h: h, w: w, packed: packed, k: k, relu: true,
                                          splits: splits, threads: threads)
                    XCTAssertEqual(out.map(\.bitPattern), whole.map(\.bitPattern), "\(algo) split \(name) C\(c) K\(k)")
                }
            }
        }
    }

    /// The packing puts G g G^T where the kernel reads it: a single-tap weight yields the
    /// outer product of the matching columns of G.
    func testPackedWeightLayout() {
        let c = 3, k = 20   // Kp = 24: one full 16-wide panel and one 8-wide half panel
        var weights = [Float](repeating: 0, count: k * c * 9)
        weights[((17 * c + 2) * 3 + 1) * 3 + 2] = 1   // k = 17, c = 2, tap (1, 2)
        let bias = (0..<k).map { Float($0) }
        let cp = 8, kp = 24
        for algo in WinoAlgo.allCases {
            let n = algo == .f43 ? 6 : 8
            let g = algo == .f43 ? WinogradF43Matrices.g : WinogradF63Matrices.g
            let p = algo.pack(weights, bias, c, k)
            XCTAssertEqual(p.count, n * n * cp * kp + kp)
            var nonzero = 0
            for i in 0..<n {
                for j in 0..<n {
                    let expect = Float(g[i][1] * g[j][2])
                    if expect != 0 { nonzero += 1 }
                    // k = 17 is in panel 1 (width 8) at column 1
                    XCTAssertEqual(p[(i * n + j) * cp * kp + 16 * cp + 2 * 8 + 1], expect, accuracy: 1e-7, "\(algo)")
                }
            }
            XCTAssertGreaterThan(nonzero, 10)
            // bias 0 is 0: exactly the G[:,1] x G[:,2] products and k - 1 biases are nonzero
            XCTAssertEqual(p.filter { $0 != 0 }.count, nonzero + (k - 1), "\(algo)")
            XCTAssertEqual(Array(p[(n * n * cp * kp)...]), bias + [0, 0, 0, 0], "\(algo)")
        }
    }
}
